"""The index's answers equal a brute-force reference over the same meetings.

The reference is deliberately naive: Python's zoneinfo for every meeting, haversine in pure
Python, filters one meeting at a time. Queries are drawn near daylight-saving transitions.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manyroads.index.columns import MeetingColumns
from manyroads.index.query import SearchQuery, search
from manyroads.index.spatial import EARTH_RADIUS_KM
from manyroads.index.timeplan import next_start_reference
from manyroads.model import Attendance
from manyroads.vocabulary.features import FEATURE_FAMILIES

CITIES = [  # (lat, lon, zone): zones with and without daylight saving, both hemispheres
    (40.71, -74.00, "America/New_York"),
    (41.88, -87.63, "America/Chicago"),
    (33.45, -112.07, "America/Phoenix"),
    (51.51, -0.13, "Europe/London"),
    (52.52, 13.40, "Europe/Berlin"),
    (-33.87, 151.21, "Australia/Sydney"),
    (-31.55, 159.08, "Australia/Lord_Howe"),
    (28.61, 77.21, "Asia/Kolkata"),
    (-23.55, -46.63, "America/Sao_Paulo"),
]
FEATURE_POOL = ["open", "closed", "women", "men", "young_people", "lgbtq", "lesbian", "wheelchair", "asl", "discussion"]
ATTENDANCES = ["in_person", "online", "hybrid"]


def _records(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records = []
    for i in range(count):
        lat, lon, zone = rng.choice(CITIES)
        attendance = rng.choice(ATTENDANCES)
        scheduled = rng.random() > 0.03
        records.append(
            {
                "id": f"src:{i:05d}",
                "source_id": 1 + i % 3,
                "fellowship": rng.choice(["NA", "AA", "SMART"]),
                "name": f"Meeting {i}",
                "group_name": "",
                "weekday": rng.randrange(7) if scheduled else None,
                "start_minute": rng.choice(
                    [0, 60, 90, 120, 150, 179, 180, 420, 720, 1140, 1170, 1410, rng.randrange(1440)]
                )
                if scheduled
                else None,
                "duration_minutes": rng.choice([45, 60, 90, 120, 180]),
                "timezone": zone if rng.random() > 0.02 else None,
                "attendance": attendance,
                "status": "temporarily_closed" if rng.random() < 0.05 else "active",
                "location_name": "",
                "location_city": "",
                "location_region": "",
                "regions": [],
                "location_latitude": None if attendance == "online" else lat + rng.uniform(-0.6, 0.6),
                "location_longitude": None if attendance == "online" else lon + rng.uniform(-0.6, 0.6),
                "location_approximate": attendance == "online",
                "features": sorted(rng.sample(FEATURE_POOL, rng.randrange(0, 4))),
                "languages": rng.sample(["en", "es", "de"], rng.randrange(1, 3)),
            }
        )
    return records


RECORDS = _records(1500, seed=5)
COLUMNS = MeetingColumns.from_records(RECORDS, version=1, source_names={1: "a", 2: "b", 3: "c"})
BY_ID = {r["id"]: r for r in RECORDS}
TRANSITIONS = [
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 4, 4, 16, tzinfo=UTC),
    datetime(2026, 10, 4, 15, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
]


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _reference(query: SearchQuery) -> list[str]:
    """Matching ids in the index's order (next start, then id), computed the slow way."""
    at = query.at
    assert at is not None
    matches = []
    for record in RECORDS:
        if record["status"] == "temporarily_closed" and not query.include_closed:
            continue
        if query.attendance is not None and Attendance(record["attendance"]) not in query.attendance:
            continue
        if query.near is not None:
            if record["location_latitude"] is None or record["location_approximate"]:
                continue
            if _distance(*query.near, record["location_latitude"], record["location_longitude"]) > (
                query.radius_km or 25
            ):
                continue
        features = set(record["features"])
        if any(not features & set(FEATURE_FAMILIES.get(f, (f,))) for f in query.features_all):
            continue
        if query.features_any and not features & {m for f in query.features_any for m in FEATURE_FAMILIES.get(f, (f,))}:
            continue
        timed = record["weekday"] is not None and record["timezone"] is not None
        start = (
            next_start_reference(record["weekday"], record["start_minute"], record["timezone"], at) if timed else None
        )
        if query.time_basis == "meeting":
            if query.weekdays is not None and record["weekday"] not in query.weekdays:
                continue
            if query.time_from is not None and (
                record["start_minute"] is None or not _window(record["start_minute"], query)
            ):
                continue
        else:
            if start is None:
                continue
            viewer = start.astimezone(ZoneInfo(query.tz or "UTC"))
            if query.weekdays is not None and viewer.weekday() not in query.weekdays:
                continue
            if query.time_from is not None and not _window(viewer.hour * 60 + viewer.minute, query):
                continue
        if query.in_progress or query.starting_within is not None:
            if start is None:
                continue
            running = False
            if query.in_progress:
                earliest = at - timedelta(minutes=record["duration_minutes"]) + timedelta(seconds=1)
                previous = next_start_reference(record["weekday"], record["start_minute"], record["timezone"], earliest)
                running = previous <= at
            soon = query.starting_within is not None and start - at <= timedelta(minutes=query.starting_within)
            if not (running or soon):
                continue
        matches.append((start.timestamp() if start else math.inf, record["id"]))
    return [ident for _, ident in sorted(matches)]


def _window(minute: int, query: SearchQuery) -> bool:
    start = query.time_from if query.time_from is not None else 0
    end = query.time_to if query.time_to is not None else 1440
    return start <= minute < end if start <= end else (minute >= start or minute < end)


def _all_pages(query: SearchQuery) -> list[str]:
    ids: list[str] = []
    result = search(COLUMNS, query)
    ids.extend(h.id for h in result.hits)
    while result.next_cursor:
        result = search(COLUMNS, query.model_copy(update={"cursor": result.next_cursor}))
        ids.extend(h.id for h in result.hits)
    return ids


@st.composite
def queries(draw: st.DrawFn) -> SearchQuery:
    at = draw(st.sampled_from(TRANSITIONS)) + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440)))
    fields: dict[str, Any] = {"at": at, "limit": draw(st.sampled_from([3, 40, 200]))}
    if draw(st.booleans()):
        lat, lon, _ = draw(st.sampled_from(CITIES))
        fields["near"] = (lat + draw(st.floats(-0.3, 0.3)), lon + draw(st.floats(-0.3, 0.3)))
        fields["radius_km"] = draw(st.sampled_from([5.0, 20.0, 50.0, 120.0]))
    if draw(st.booleans()):
        fields["attendance"] = frozenset(draw(st.sets(st.sampled_from(ATTENDANCES), min_size=1)))
    mode = draw(st.sampled_from(["soon", "now", "both", "window", "viewer", "none"]))
    if mode in {"soon", "both"}:
        fields["starting_within"] = draw(st.sampled_from([15, 120, 600]))
    if mode in {"now", "both"}:
        fields["in_progress"] = True
    if mode in {"window", "viewer"}:
        fields["weekdays"] = frozenset(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3)))
        fields["time_from"] = draw(st.sampled_from([0, 60, 360, 1080, 1320]))
        fields["time_to"] = draw(st.sampled_from([120, 720, 1200, 1440, 180]))
    if mode == "viewer":
        fields["time_basis"] = "viewer"
        fields["tz"] = draw(st.sampled_from(["America/Los_Angeles", "Europe/Paris", "Asia/Tokyo", "Australia/Perth"]))
    if draw(st.integers(0, 3)) == 0:
        fields["features_any"] = frozenset(
            draw(st.sets(st.sampled_from(["women", "lgbtq", "asl", "open"]), max_size=2))
        )
    if draw(st.integers(0, 3)) == 0:
        fields["features_all"] = frozenset(
            draw(st.sets(st.sampled_from(["wheelchair", "lgbtq", "discussion"]), max_size=2))
        )
    fields["include_closed"] = draw(st.booleans())
    return SearchQuery(**fields)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries())
def test_index_equals_brute_force(query: SearchQuery) -> None:
    assert search(COLUMNS, query).total == len(_reference(query))
    assert _all_pages(query) == _reference(query)


@pytest.mark.parametrize("page_size", [1, 7, 50])
def test_cursor_pages_cover_everything_once(page_size: int) -> None:
    base = SearchQuery(at=TRANSITIONS[0], starting_within=24 * 60, limit=page_size)
    pages = _all_pages(base)
    assert pages == _reference(base.model_copy(update={"limit": 200}))
    assert len(pages) == len(set(pages))


def test_distances_are_exact_and_sorted() -> None:
    lat, lon, _ = CITIES[0]
    query = SearchQuery(at=TRANSITIONS[0], near=(lat, lon), radius_km=60, sort="distance", limit=200)
    result = search(COLUMNS, query)
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances)
    for hit in result.hits[:50]:
        record = BY_ID[hit.id]
        assert hit.distance_km == pytest.approx(
            _distance(lat, lon, record["location_latitude"], record["location_longitude"]), abs=1e-6
        )


def test_a_cursor_keeps_its_instant_and_query() -> None:
    first = search(COLUMNS, SearchQuery(at=TRANSITIONS[1], starting_within=600, limit=5))
    assert first.next_cursor
    later = search(COLUMNS, SearchQuery(starting_within=600, limit=5, cursor=first.next_cursor))
    assert later.at == first.at, "the second page answers for the first page's now"
    from manyroads.index.query import QueryError

    with pytest.raises(QueryError, match="different query"):
        search(COLUMNS, SearchQuery(starting_within=60, limit=5, cursor=first.next_cursor))
    with pytest.raises(QueryError, match="not a cursor"):
        search(COLUMNS, SearchQuery(cursor="garbage!!"))
