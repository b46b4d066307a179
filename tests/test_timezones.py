"""Which zone a meeting's local time is in, and where that knowledge came from."""

from __future__ import annotations

from pathlib import Path

from manyroads.model import ZoneOrigin
from manyroads.sources.timezones import canonical_zone, decide_zone
from manyroads.store import Store
from tests.helpers import parse_file, syncer, write_json


def test_feed_zone_wins_and_is_canonicalised() -> None:
    decision = decide_zone("america/new_york", 34.05, -118.24, "Europe/Berlin")
    assert (decision.zone, decision.origin) == ("America/New_York", ZoneOrigin.FEED)


def test_bad_feed_zone_falls_back_and_says_so() -> None:
    decision = decide_zone("Pacific Time", 34.05, -118.24, None)
    assert (decision.zone, decision.origin) == ("America/Los_Angeles", ZoneOrigin.COORDINATES)
    assert "'Pacific Time' is not an IANA zone" in decision.problem


def test_inferred_from_coordinates_respects_zones_without_daylight_saving() -> None:
    assert decide_zone(None, 33.45, -112.07, None).zone == "America/Phoenix"  # Arizona: no DST
    assert decide_zone(None, 35.08, -106.65, None).zone == "America/Denver"  # New Mexico: DST
    assert decide_zone(None, -31.95, 115.86, None).zone == "Australia/Perth"
    assert decide_zone(None, -33.87, 151.21, None).zone == "Australia/Sydney"


def test_source_default_then_unknown() -> None:
    assert decide_zone(None, None, None, "America/Edmonton").origin is ZoneOrigin.SOURCE_DEFAULT
    at_sea = decide_zone(None, 0.5, -30.0, None)
    assert (at_sea.zone, at_sea.origin) == (None, ZoneOrigin.UNKNOWN), "open sea has no civil zone"


def test_canonical_zone_rejects_offsets_and_junk() -> None:
    assert canonical_zone("UTC+5") is None
    assert canonical_zone("") is None
    assert canonical_zone("Europe/Berlin") == "Europe/Berlin"


def test_unknown_zone_meetings_are_kept_and_flagged(sqlite_store: Store, tmp_path: Path) -> None:
    rows = [
        {
            "slug": "x",
            "name": "Somewhere",
            "day": 1,
            "time": "19:00",
            "city": "Anytown",
            "conference_url": "https://zoom.us/j/123456789",
        }
    ]
    sqlite_store.add_source(
        name="feed",
        kind="meeting-guide",
        location=str(write_json(tmp_path / "f.json", rows)),
        fellowship="AA",
    )
    syncer(sqlite_store).sync()
    record = sqlite_store.meeting_record("feed:x")
    assert record is not None and record["timezone"] is None and record["timezone_origin"] == "unknown"
    assert any(p["field"] == "timezone" for p in sqlite_store.problems(source="feed"))


def test_stored_time_is_wall_clock_not_an_offset(shared_data: Path) -> None:
    """A 19:00 meeting stays 19:00 local in January and in July: no offset is baked in."""
    result = parse_file("meeting-guide", shared_data / "meeting-guide/aasfmarin.json")
    meeting = next(m for m in result.meetings if m.native_id == "marin-city-fellowship-speaker-619")
    assert meeting.start_minute == 18 * 60 + 30 and meeting.timezone == "America/Los_Angeles"
    assert "offset" not in meeting.to_record()
