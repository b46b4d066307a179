"""The demo data set: a synthetic world plus the rough edges real feeds have.

Besides the synthetic BMLT and Meeting Guide feeds it writes:
- a hand-kept YAML list of online meetings for fellowships without a feed;
- an NA area's own Meeting Guide feed that republishes meetings its BMLT server already
  lists (sync links them as one meeting);
- a feed with bad rows (impossible day, impossible time, no zone, a reused slug);
- a feed that is not JSON at all (sync marks it failed and carries on);
- a small area feed for Springfield, Illinois with the meetings referrals look for (young
  people, women, Spanish, a meeting that marks itself welcoming to people on medication);
- synthetic treatment facilities in the treatment locator's JSON shape, near the world's US
  meetings (names end in "(demo)"; real data comes from SAMHSA, see the README).
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
    sources.append(_springfield(directory / "springfield-area.json"))
    sources.append(_facilities(directory / "treatment-locator.json", sources, rng))
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


_SPRINGFIELD = [  # (slug, name, day (0 = Sunday), time, types, address, latitude, longitude)
    ("young-people", "Young People's Group (demo)", 3, "18:30", ["Y", "O", "D"], "210 S 5th St", 39.7990, -89.6470),
    (
        "women-step",
        "Women's Step Study (demo)",
        2,
        "10:00",
        ["W", "C", "ST", "X"],
        "425 E Monroe St",
        39.8010,
        -89.6440,
    ),
    ("welcome-all", "Welcome All Paths (demo)", 4, "19:00", ["O", "D", "MOUD", "X"], "600 N 4th St", 39.8070, -89.6500),
    ("grupo-esperanza", "Grupo Esperanza (demo)", 5, "19:30", ["S", "O"], "1100 S Grand Ave E", 39.7850, -89.6380),
]


def _springfield(path: Path) -> GeneratedSource:
    rows = [
        {
            "slug": slug,
            "name": name,
            "day": day,
            "time": time,
            "types": types,
            "formatted_address": f"{street}, Springfield, IL 62701, USA",
            "latitude": lat,
            "longitude": lon,
            "feedback_emails": ["springfield-area@example.org"],
        }
        for slug, name, day, time, types, street, lat, lon in _SPRINGFIELD
    ]
    path.write_bytes(orjson.dumps(rows))
    return GeneratedSource("springfield-area", "meeting-guide", path, "NA")


_SERVICES = {  # category code -> (category name, labels to draw from)
    "OT": (
        "Type of Opioid Treatment",
        [
            "Buprenorphine used in Treatment",
            "Naltrexone used in Treatment",
            "Accepts clients on opioid medication",
            "Methadone used in Treatment",
        ],
    ),
    "SET": (
        "Service Settings (e.g., Outpatient, Residential, Inpatient etc.)",
        ["Outpatient", "Telemedicine/telehealth"],
    ),
    "OL": ("Other Languages", ["Spanish"]),
    "AGE": ("Age Groups Accepted", ["Adults", "Young adults", "Children/adolescents"]),
    "PAY": (
        "Payment/Insurance/Funding Accepted",
        ["Medicaid", "Medicare", "Private health insurance", "Cash or self-payment"],
    ),
}
_OTP = "SAMHSA-certified Opioid Treatment Program"
_BUP, _NTX, _ACCEPTS = (
    "Buprenorphine used in Treatment",
    "Naltrexone used in Treatment",
    "Accepts clients on opioid medication",
)
_SPRINGFIELD_FACILITIES = [  # (name, latitude, longitude, services)
    (
        "Capital City Opioid Treatment Program (demo)",
        39.7930,
        -89.6420,
        {"OT": [_OTP, "Methadone maintenance", _BUP], "AGE": ["Adults", "Young adults"], "PAY": ["Medicaid"]},
    ),
    (
        "Prairie Health Recovery Clinic (demo)",
        39.8120,
        -89.6600,
        {
            "OT": [_BUP, _NTX, _ACCEPTS],
            "SET": ["Outpatient", "Telemedicine/telehealth"],
            "OL": ["Spanish"],
            "AGE": ["Adults", "Young adults"],
        },
    ),
    (
        "Sangamon Youth Services (demo)",
        39.7800,
        -89.6700,
        {"OT": [_BUP], "AGE": ["Children/adolescents", "Young adults"], "PAY": ["Medicaid"]},
    ),
]


def _facility_row(
    number: int,
    name: str,
    lat: float,
    lon: float,
    services: dict[str, list[str]],
    town: tuple[str, str, str] = ("", "", ""),
) -> dict[str, Any]:
    city, state, postal = town
    return {
        "frid": f"demo{number:05d}",
        "name1": name,
        "name2": "",
        "street1": f"{100 + number} Health Way",
        "street2": "",
        "city": city,
        "state": state,
        "zip": postal,
        "phone": f"555-01{number % 100:02d}",
        "intake1": "",
        "hotline1": None,
        "website": "",
        "typeFacility": "SA",
        "latitude": f"{lat:.6f}",
        "longitude": f"{lon:.6f}",
        "services": [
            {"f1": _SERVICES.get(code, (code, []))[0], "f2": code, "f3": "; ".join(labels)}
            for code, labels in services.items()
        ],
    }


def _facilities(path: Path, sources: list[GeneratedSource], rng: random.Random) -> GeneratedSource:
    rows = [
        _facility_row(number, name, lat, lon, services, ("Springfield", "IL", "62701"))
        for number, (name, lat, lon, services) in enumerate(_SPRINGFIELD_FACILITIES, start=1)
    ]
    points = []
    for source in sources:
        if source.kind != "meeting-guide" or not source.path.exists():
            continue
        for row in orjson.loads(source.path.read_bytes())[:200]:
            if not isinstance(row, dict) or not str(row.get("formatted_address", "")).endswith(("US", "USA")):
                continue
            try:
                parts = str(row["formatted_address"]).split(", ")  # "street, city, state, US"
                town = (parts[-3], parts[-2], "") if len(parts) >= 4 else ("", "", "")
                points.append((float(row["latitude"]), float(row["longitude"]), town))
            except (KeyError, TypeError, ValueError):
                continue
    for number, (lat, lon, town) in enumerate(rng.sample(points, min(60, len(points))), start=len(rows) + 1):
        services = {code: rng.sample(labels, rng.randint(1, len(labels))) for code, (_, labels) in _SERVICES.items()}
        name = f"{rng.choice(['Riverside', 'Northgate', 'Harbor', 'Lakeview', 'Summit'])} Recovery Services (demo)"
        rows.append(
            _facility_row(number, name, lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02), services, town)
        )
    path.write_bytes(orjson.dumps({"page": 1, "totalPages": 1, "recordCount": len(rows), "rows": rows}))
    return GeneratedSource("treatment-locator", "findtreatment", path, "TREATMENT")
