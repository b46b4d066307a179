"""Every file in ../shared/data/meeting-guide and ../shared/data/bmlt ingests.

Counts are asserted, and every row that did not become a meeting has a stated reason.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest

from manyroads.model import Attendance, Severity, Status, ZoneOrigin
from manyroads.sources import SourceFormatError
from manyroads.sources.bmlt import FormatTable, server_list
from tests.helpers import parse_file

# file -> (rows in the file, meetings produced, quarantined, meetings with an unknown zone)
MEETING_GUIDE_FEEDS = {
    "aasanjose.json": (693, 693, 0, 0),
    "aasepia.json": (2038, 2038, 0, 0),
    "aasfmarin.json": (658, 658, 0, 0),
    "al-anon.json": (360, 360, 0, 0),
    "eda.json": (185, 185, 0, 0),
    "edmonton.json": (315, 315, 0, 315),  # no coordinates, no zone: needs a source default
    "kc.json": (206, 206, 0, 0),
    "oc.json": (1967, 1967, 0, 0),
    "sussexaa.json": (123, 123, 0, 0),
    "edge-cases/appointment.json": (2, 2, 0, 2),
    "edge-cases/times.json": (9, 9, 0, 9),
    "edge-cases/timezones.json": (2, 2, 0, 0),
}


@pytest.mark.parametrize("name", sorted(MEETING_GUIDE_FEEDS))
def test_meeting_guide_feed_ingests(shared_data: Path, name: str) -> None:
    path = shared_data / "meeting-guide" / name
    rows, meetings, quarantined, unknown_zone = MEETING_GUIDE_FEEDS[name]
    assert len(orjson.loads(path.read_bytes())) == rows
    result = parse_file("meeting-guide", path)
    assert len(result.meetings) == meetings
    assert len(result.quarantined) == quarantined
    assert sum(m.timezone_origin is ZoneOrigin.UNKNOWN for m in result.meetings) == unknown_zone
    assert len({m.id for m in result.meetings}) == meetings, "ids are unique within the source"
    for problem in result.problems:
        assert problem.reason and problem.field is not None


def test_every_meeting_guide_file_is_covered(shared_data: Path) -> None:
    on_disk = {
        str(p.relative_to(shared_data / "meeting-guide"))
        for p in (shared_data / "meeting-guide").rglob("*")
        if p.is_file()
    }
    covered = set(MEETING_GUIDE_FEEDS) | {
        "edge-cases/invalid.json.txt",
        "tsml_import_template.csv",
        "spec/types.json",
        "spec/proposed-new.json",
        "spec/proposed-change.json",
    }
    assert on_disk <= covered, f"sample files without a test: {sorted(on_disk - covered)}"


def test_invalid_feed_is_refused_with_reason(shared_data: Path) -> None:
    with pytest.raises(SourceFormatError, match="not valid JSON"):
        parse_file("meeting-guide", shared_data / "meeting-guide/edge-cases/invalid.json.txt")


def test_duplicate_slug_is_kept_under_a_new_id_and_reported(shared_data: Path) -> None:
    result = parse_file("meeting-guide", shared_data / "meeting-guide/aasanjose.json")
    ids = {m.native_id for m in result.meetings}
    assert {"pass-it-on-group", "pass-it-on-group~2"} <= ids
    [problem] = [p for p in result.problems if p.field == "slug"]
    assert "pass-it-on-group" in problem.reason and problem.severity is Severity.WARNING


def test_edmonton_deviations(shared_data: Path) -> None:
    """day as an array, 12-hour times, M/D/YYYY updated stamps, numeric slugs, a packed address."""
    result = parse_file("meeting-guide", shared_data / "meeting-guide/edmonton.json", timezone="America/Edmonton")
    by_id = {m.native_id: m for m in result.meetings}
    first = by_id["6"]
    assert first.weekday == 5 and first.start_minute == 11 * 60  # "day": [6], "11:00 AM"
    assert first.location.formatted_address.startswith("8318 104 St, Edmonton")
    assert not first.location.approximate
    assert first.source_updated is not None and first.source_updated.year == 2022
    assert all(
        m.timezone == "America/Edmonton" and m.timezone_origin is ZoneOrigin.SOURCE_DEFAULT for m in result.meetings
    )
    assert any(p.field == "types" and "empty" in p.reason for p in result.problems)


def test_onl_and_lowercase_codes(shared_data: Path) -> None:
    kc = parse_file("meeting-guide", shared_data / "meeting-guide/kc.json")
    assert not any("onl" in m.source_tags or "ONL" in m.source_tags for m in kc.meetings)
    sepia = parse_file("meeting-guide", shared_data / "meeting-guide/aasepia.json")
    tags = Counter(t for m in sepia.meetings for t in m.source_tags)
    assert tags == Counter({"ASBI": 26}), "a typo code is kept verbatim, never guessed"


def test_times_edge_cases(shared_data: Path) -> None:
    result = parse_file("meeting-guide", shared_data / "meeting-guide/edge-cases/times.json")
    by_id = {m.native_id: m for m in result.meetings}
    assert by_id["monday-7pm"].weekday == 0 and by_id["monday-7pm"].start_minute == 19 * 60
    assert by_id["monday-7pm"].duration_minutes == 120
    assert by_id["sunday-8pm"].weekday == 6
    assert by_id["appointment"].weekday is None and by_id["appointment"].start_minute is None
    assert by_id["monday-7am"].duration_minutes == 60, "no end_time: one hour assumed"
    approximate = by_id["approximate"]
    assert approximate.location.approximate and approximate.attendance is Attendance.IN_PERSON
    assert any(p.record == "approximate" and "cannot tell how to attend" in p.reason for p in result.problems)
    # contact names are never stored (anonymity): no field of the meeting carries them
    assert "John D" not in str(by_id["monday-7pm"].to_record())


def test_tsml_attendance_option_and_temporary_closure(shared_data: Path) -> None:
    result = parse_file("meeting-guide", shared_data / "meeting-guide/oc.json")
    counts = Counter((m.attendance.value, m.status.value) for m in result.meetings)
    rows = orjson.loads((shared_data / "meeting-guide/oc.json").read_bytes())
    published = Counter(r.get("attendance_option") for r in rows)
    assert counts[("in_person", "active")] == published["in_person"]
    assert counts[("online", "active")] == published["online"]
    assert counts[("hybrid", "active")] == published["hybrid"]
    assert sum(1 for m in result.meetings if m.status is Status.TEMPORARILY_CLOSED) == published["inactive"]


def test_tsml_csv_template(shared_data: Path) -> None:
    result = parse_file("tsml-csv", shared_data / "meeting-guide/tsml_import_template.csv")
    assert len(result.meetings) == 36 and not result.problems
    last = {m.native_id: m for m in result.meetings}["underground-book-study"]
    assert last.features == ("big_book", "men", "open")
    assert last.attendance is Attendance.ONLINE, "Temporary Closure + a conference link: online for now"
    assert last.timezone == "America/Los_Angeles" and last.start_minute == 19 * 60 and last.weekday == 6
    first = {m.native_id: m for m in result.meetings}["after-work-topic-meeting"]
    assert "wheelchair" in first.features and first.start_minute == 18 * 60


# -- BMLT --------------------------------------------------------------------------------------

BMLT = "bmlt"


def test_gnyr_search_results_with_formats(shared_data: Path) -> None:
    result = parse_file(
        BMLT,
        shared_data / "bmlt/gnyr_sample_GetSearchResults_DERIVED.json",
        options={"formats": str(shared_data / "bmlt/latest-aws-bmlt-app/formats.json")},
    )
    assert len(result.meetings) == 1555 and not result.problems
    closed = [m for m in result.meetings if m.status is Status.TEMPORARILY_CLOSED]
    assert len(closed) == 42, "published=0 is BMLT's temporary closure"
    assert all(m.timezone_origin is ZoneOrigin.COORDINATES for m in result.meetings)
    assert {m.timezone for m in result.meetings} <= {"America/New_York"}
    features = Counter(f for m in result.meetings for f in m.features)
    assert features["open"] == 889 and features["closed"] == 342 and features["wheelchair"] == 310
    assert "medication_welcome" not in features
    assert features["meditation"] == 7, "ME -> world id MED: meditation, never medication"
    languages = Counter(lang for m in result.meetings for lang in m.languages)
    assert languages["es"] == 29
    tags = Counter(t for m in result.meetings for t in m.source_tags)
    assert tags["Ti"] == 47 and tags["Rr"] == 40, "formats without a world id are kept as tags"


def test_berlin_with_and_without_formats(shared_data: Path) -> None:
    path = shared_data / "bmlt/berlin_GetSearchResults.json"
    with_formats = parse_file(
        BMLT,
        path,
        timezone="Europe/Berlin",
        options={"formats": str(shared_data / "bmlt/german-formats-de.json")},
    )
    assert len(with_formats.meetings) == 108 and not with_formats.problems
    online = [m for m in with_formats.meetings if m.attendance is Attendance.ONLINE]
    assert len(online) == 23
    # virtual meetings carry the server's default point (California): never trusted for the zone
    assert all(m.timezone == "Europe/Berlin" and m.timezone_origin is ZoneOrigin.SOURCE_DEFAULT for m in online)
    assert all(not m.location.has_point for m in online)
    assert Counter(lang for m in with_formats.meetings for lang in m.languages)["en"] == 17
    bare = parse_file(BMLT, path, timezone="Europe/Berlin")
    assert len(bare.meetings) == 108
    assert [p.field for p in bare.problems] == ["formats"]
    assert all(not m.features for m in bare.meetings), "without GetFormats, keys are never guessed"


@pytest.mark.parametrize(
    "formats_file",
    [
        "german-formats-en.json",
        "german-formats-de.json",
        "berlin-formats-de.json",
        "latest-aws-bmlt-app/formats.json",
        "bmlt_stock_formats_DERIVED.json",
    ],
)
def test_formats_tables_load(shared_data: Path, formats_file: str) -> None:
    data = orjson.loads((shared_data / "bmlt" / formats_file).read_bytes())
    rows = data["formats"] if isinstance(data, dict) else data
    table = FormatTable.build(rows)
    assert len(table.entries) == len({(str(r.get("root_server_uri") or "").rstrip("/"), r["id"]) for r in rows})


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("meeting-search-42.867970-day2.json", 53),
        ("meeting-search-42.867970-day3.json", 54),
        ("meeting-search-42.867970-day4.json", 62),
    ],
)
def test_recorded_geographic_searches(shared_data: Path, name: str, count: int) -> None:
    result = parse_file(BMLT, shared_data / "bmlt/latest-aws-bmlt-app" / name)
    assert len(result.meetings) == count and not result.problems
    weekday = int(name[-6]) - 1  # BMLT 2 = Monday -> 0 ...
    assert {m.weekday for m in result.meetings} == {(weekday + 6) % 7}
    assert sum(bool(m.features) for m in result.meetings) > count // 2, "key strings mapped via their formats"


@pytest.mark.parametrize("name", ["helpline-search-brooklyn-ny.json", "helpline-search-buffalo-ny.json"])
def test_coordinate_only_searches_are_refused_row_by_row(shared_data: Path, name: str) -> None:
    rows = orjson.loads((shared_data / "bmlt/latest-aws-bmlt-app" / name).read_bytes())
    result = parse_file(BMLT, shared_data / "bmlt/latest-aws-bmlt-app" / name)
    assert not result.meetings
    assert len(result.quarantined) == len(rows) and all(p.reason == "no meeting id" for p in result.quarantined)


def test_naws_export(shared_data: Path) -> None:
    result = parse_file(
        "naws-csv",
        shared_data / "bmlt/naws_export_BMLT_AR48104_cape_cod_area.csv",
        timezone="America/New_York",
    )
    online, closed = sorted(result.meetings, key=lambda m: m.native_id)
    assert online.native_id == "1093" and online.attendance is Attendance.ONLINE
    assert online.weekday == 6 and online.start_minute == 7 * 60 + 30
    assert set(online.features) == {"open", "discussion", "just_for_today"}
    assert closed.status is Status.TEMPORARILY_CLOSED and "step_study" in closed.features
    assert closed.timezone == "America/New_York" and closed.timezone_origin is ZoneOrigin.FEED


def test_tomato_fixture(shared_data: Path) -> None:
    result = parse_file("tomato-fixture", shared_data / "bmlt/tomato_testdata_django_fixture.json")
    assert len(result.meetings) == 10
    hawaii = {m.native_id: m for m in result.meetings}["1-1"]
    assert hawaii.regions == ("HRSCNA", "Oahu Area") and hawaii.timezone == "Pacific/Honolulu"
    assert "Bus Lines#@-@#" not in hawaii.notes and "57 89" in hawaii.notes
    assert any(p.record == "1-1" and p.field == "virtual_meeting_link" for p in result.problems)


@pytest.mark.parametrize("name", ["aggregator_serverList.json", "aggregator_rootServerList.json"])
def test_server_lists(shared_data: Path, name: str) -> None:
    servers = server_list((shared_data / "bmlt" / name).read_bytes())
    assert len(servers) == 42
    assert all(url.startswith("https://") and not url.endswith("/") for _, url in servers)


def test_every_bmlt_file_is_covered(shared_data: Path) -> None:
    on_disk = {str(p.relative_to(shared_data / "bmlt")) for p in (shared_data / "bmlt").rglob("*") if p.is_file()}
    covered = {
        "gnyr_sample_GetSearchResults_DERIVED.json",
        "berlin_GetSearchResults.json",
        "german-formats-en.json",
        "german-formats-de.json",
        "berlin-formats-de.json",
        "bmlt_stock_formats_DERIVED.json",
        "latest-aws-bmlt-app/formats.json",
        "latest-aws-bmlt-app/meeting-search-42.867970-day2.json",
        "latest-aws-bmlt-app/meeting-search-42.867970-day3.json",
        "latest-aws-bmlt-app/meeting-search-42.867970-day4.json",
        "latest-aws-bmlt-app/helpline-search-brooklyn-ny.json",
        "latest-aws-bmlt-app/helpline-search-buffalo-ny.json",
        "naws_export_BMLT_AR48104_cape_cod_area.csv",
        "tomato_testdata_django_fixture.json",
        "aggregator_serverList.json",
        "aggregator_rootServerList.json",
        # served by a loopback BMLT server in tests/test_sync.py::test_harvest_a_bmlt_root_server
        "latest-aws-bmlt-app/server-info.json",
        "latest-aws-bmlt-app/service-bodies.json",
        # read by tests/test_feeds_out.py to check our own BMLT endpoint
        "bmlt-server_openapi-semantic.json",
    }
    assert on_disk <= covered, f"sample files without a test: {sorted(on_disk - covered)}"
