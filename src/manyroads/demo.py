"""The demo data set: a synthetic world plus the rough edges real feeds have.

Besides the synthetic BMLT and Meeting Guide feeds it writes:
- a hand-kept YAML list of online meetings for fellowships without a feed;
- an NA area's own Meeting Guide feed that republishes meetings its BMLT server already
  lists (sync links them as one meeting);
- a feed with bad rows (impossible day, impossible time, no zone, a reused slug);
- a feed that is not JSON at all (sync marks it failed and carries on).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import yaml

from manyroads.store import Store
from manyroads.synthetic import GeneratedSource, WorldSpec, write_world

_HAND_KEPT = [  # (fellowship, name, zone, weekday names, time, duration)
    ("SMART", "SMART Recovery Online (demo)", "America/New_York", ["Monday", "Thursday"], "19:00", 90),
    ("SMART", "SMART Recovery Family & Friends (demo)", "America/Chicago", ["Wednesday"], "18:30", 90),
    ("SMART", "SMART Recovery UK Evening (demo)", "Europe/London", ["Tuesday"], "19:30", 90),
    (
        "MARA",
        "MARA Morning Circle (demo)",
        "America/New_York",
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
        "09:00",
        60,
    ),
    ("MARA", "MARA Evening Meeting (demo)", "America/Los_Angeles", ["Sunday", "Wednesday"], "20:00", 60),
    ("RD", "Recovery Dharma Online Sangha (demo)", "America/Denver", ["Saturday"], "10:00", 75),
    ("LIFERING", "LifeRing Secular Recovery Online (demo)", "America/Los_Angeles", ["Friday"], "17:00", 60),
    ("WFS", "Women for Sobriety Online (demo)", "America/New_York", ["Sunday"], "15:00", 60),
    ("CMA", "Crystal Meth Anonymous Online (demo)", "Australia/Sydney", ["Saturday"], "19:00", 60),
]


def write_demo(directory: Path, spec: WorldSpec) -> list[GeneratedSource]:
    directory.mkdir(parents=True, exist_ok=True)
    sources = write_world(directory / "world", spec)
    rng = random.Random(spec.seed + 1)
    sources.append(_hand_kept(directory / "hand-kept-online.yaml", rng))
    bmlt = next((s for s in sources if s.kind == "bmlt"), None)
    if bmlt is not None:
        sources.append(_republished(directory / "na-area-website.json", bmlt, rng))
    sources.append(_rough_edges(directory / "rough-edges.json"))
    broken = directory / "broken-feed.json"
    broken.write_text('[{"slug": "a", "name": "Cut off mid-transfer", "day": 1, "time": "19:0')
    sources.append(GeneratedSource("aa-broken-feed", "meeting-guide", broken, "AA"))
    return sources


def register_and_sync_plan(store: Store, sources: list[GeneratedSource]) -> list[str]:
    """Register any demo source not yet known; returns the names to sync."""
    known = {s.name for s in store.sources()}
    for source in sources:
        if source.name not in known:
            store.add_source(
                name=source.name,
                kind=source.kind,
                location=str(source.path.resolve()),
                fellowship=source.fellowship,
                default_timezone=source.default_timezone,
                options=source.options,
            )
    return [s.name for s in sources]


def _hand_kept(path: Path, rng: random.Random) -> GeneratedSource:
    meetings = []
    for number, (fellowship, name, zone, days, time, duration) in enumerate(_HAND_KEPT, start=1):
        meetings.append(
            {
                "id": f"demo-{number}",
                "name": name,
                "fellowship": fellowship,
                "days": days,
                "time": time,
                "duration": duration,
                "timezone": zone,
                "online": {
                    "url": f"https://video.example.org/j/{rng.randint(10**9, 10**10 - 1)}",
                    "url_notes": "Demo listing: this link goes nowhere.",
                },
                "languages": ["en"],
                "notes": "A synthetic meeting in the manyroads demo data.",
            }
        )
    document = {"feedback_email": "corrections@example.org", "meetings": meetings}
    path.write_text("# Hand-kept list of online meetings (demo data)\n" + yaml.safe_dump(document, sort_keys=False))
    return GeneratedSource("hand-kept-online", "manual", path, "OTHER")


def _republished(path: Path, bmlt: GeneratedSource, rng: random.Random) -> GeneratedSource:
    """An NA area's website feed listing some of its BMLT server's meetings again."""
    document = orjson.loads(bmlt.path.read_bytes())
    rows: list[dict[str, Any]] = []
    for meeting in document["meetings"][:40]:
        if meeting["venue_type"] != "1":
            continue
        lat = float(meeting["latitude"]) + rng.uniform(-0.0002, 0.0002)  # geocoded a little differently
        rows.append(
            {
                "slug": f"area-{meeting['id_bigint']}",
                "name": meeting["meeting_name"],
                "day": int(meeting["weekday_tinyint"]) - 1,
                "time": meeting["start_time"][:5],
                "location": meeting["location_text"],
                "formatted_address": f"{meeting['location_street']}, {meeting['location_municipality']}, "
                f"{meeting['location_province']}, {meeting['location_nation']}",
                "latitude": round(lat, 6),
                "longitude": float(meeting["longitude"]),
                "types": ["O"],
            }
        )
    path.write_bytes(orjson.dumps(rows))
    return GeneratedSource("na-area-website", "meeting-guide", path, "NA")


def _rough_edges(path: Path) -> GeneratedSource:
    base = {
        "formatted_address": "120 Elm St, Springfield, IL 62701, USA",
        "latitude": 39.80,
        "longitude": -89.65,
        "types": ["O", "D"],
    }
    rows = [
        base | {"slug": "good-monday", "name": "Good Monday", "day": 1, "time": "19:00"},
        base
        | {
            "slug": "twelve-hour",
            "name": "Twelve-hour time",
            "day": "2",
            "time": "7:30 PM",
            "types": ["o", "onl"],
        },
        base | {"slug": "bad-day", "name": "Day nine", "day": 9, "time": "19:00"},
        base | {"slug": "bad-time", "name": "Impossible time", "day": 3, "time": "25:99"},
        {
            "slug": "no-zone",
            "name": "Nowhere in particular",
            "day": 4,
            "time": "18:00",
            "conference_url": "https://video.example.org/j/5550100",
        },
        base | {"slug": "good-monday", "name": "Same slug, other meeting", "day": 5, "time": "12:00"},
        base | {"slug": "by-appointment", "name": "By appointment"},
    ]
    path.write_bytes(orjson.dumps(rows))
    return GeneratedSource("aa-rough-edges", "meeting-guide", path, "AA")
