"""Vectorised next starts equal the brute-force zoneinfo reference, across daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from manyroads.index.timeplan import ZonePlan, from_epoch, next_start_reference, to_epoch, week_second

# Zones chosen for their awkward rules: 30-minute DST (Lord Howe), 45-minute offsets
# (Chatham), negative DST in tzdata (Dublin), a two-hour jump (Troll), southern hemisphere,
# Ramadan suspensions (Casablanca), half-hour offsets, and zones with no DST at all.
ZONES = (
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Antarctica/Troll",
    "Africa/Casablanca",
    "Asia/Kolkata",
    "America/St_Johns",
    "America/Phoenix",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Europe/Moscow",
)
PLAN = ZonePlan(ZONES)
# Instants near real transitions in 2025-2027, where mistakes would hide.
TRANSITIONS = [
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),  # New York
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # EU
    datetime(2026, 4, 4, 16, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 16, 0, tzinfo=UTC),  # Sydney
    datetime(2026, 4, 4, 15, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),  # Lord Howe
    datetime(2026, 3, 8, 10, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 9, 0, tzinfo=UTC),  # Los Angeles
    datetime(2025, 11, 2, 6, 0, tzinfo=UTC),
    datetime(2027, 3, 14, 7, 0, tzinfo=UTC),
]


def _check(zone: str, weekday: int, minute: int, after: datetime) -> None:
    expected = next_start_reference(weekday, minute, zone, after)
    got = PLAN.next_start(
        np.array([week_second(weekday, minute)], np.int64),
        np.array([PLAN.zone_index[zone]], np.int64),
        np.array([to_epoch(after)], np.int64),
    )[0]
    assert from_epoch(int(got)) == expected, (zone, weekday, minute, after.isoformat())


@settings(max_examples=3000, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    minute=st.one_of(st.integers(0, 1439), st.sampled_from([0, 30, 60, 90, 120, 150, 179, 180, 1439])),
    near=st.sampled_from(TRANSITIONS),
    shift=st.integers(-8 * 24 * 3600, 8 * 24 * 3600),
)
def test_next_start_matches_reference_near_transitions(
    zone: str, weekday: int, minute: int, near: datetime, shift: int
) -> None:
    _check(zone, weekday, minute, near + timedelta(seconds=shift))


@settings(max_examples=1500, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    minute=st.integers(0, 1439),
    after=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 1), timezones=st.just(UTC)),
)
def test_next_start_matches_reference_anywhere(zone: str, weekday: int, minute: int, after: datetime) -> None:
    _check(zone, weekday, minute, after.replace(microsecond=0))


def test_spring_forward_gap_and_fall_back_repeat() -> None:
    ny = "America/New_York"
    # 2026-03-08: 02:00 EST -> 03:00 EDT. A 02:30 Sunday meeting reads as 07:30 UTC (03:30 EDT).
    _check(ny, 6, 150, datetime(2026, 3, 8, 7, 10, tzinfo=UTC))
    _check(ny, 6, 150, datetime(2026, 3, 8, 7, 40, tzinfo=UTC))
    # 2026-11-01: 01:00-02:00 happens twice. A 01:30 meeting is the first pass (EDT).
    _check(ny, 6, 90, datetime(2026, 11, 1, 5, 0, tzinfo=UTC))
    _check(ny, 6, 90, datetime(2026, 11, 1, 6, 10, tzinfo=UTC))  # in the second pass: next week


def test_many_meetings_at_once() -> None:
    rng = np.random.default_rng(3)
    n = 5000
    zone_idx = rng.integers(0, len(ZONES), n)
    weekday = rng.integers(0, 7, n)
    minute = rng.integers(0, 1440, n)
    after = datetime(2026, 11, 1, 5, 45, tzinfo=UTC)
    got = PLAN.next_start(weekday * 86400 + minute * 60, zone_idx, np.full(n, to_epoch(after)))
    for i in range(0, n, 37):
        assert from_epoch(int(got[i])) == next_start_reference(
            int(weekday[i]), int(minute[i]), ZONES[zone_idx[i]], after
        )


def test_in_progress() -> None:
    zone = PLAN.zone_index["Europe/Berlin"]
    at = to_epoch(datetime(2026, 11, 23, 18, 30, tzinfo=UTC))  # Monday 19:30 in Berlin
    started = PLAN.in_progress(
        np.array([week_second(0, 19 * 60), week_second(0, 18 * 60), week_second(0, 19 * 60 + 31)]),
        np.array([zone] * 3),
        np.array([3600, 3600, 3600]),
        at,
    )
    assert started[0] == at - 30 * 60 and started[1] == -1 and started[2] == -1
