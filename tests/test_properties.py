"""Property tests: whatever a feed turns into, sync never crashes and never loses good records."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manyroads.sources import SourceFormatError
from manyroads.store import Store
from tests.helpers import parse_file, syncer

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.lists(st.integers(-3, 9), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(-(2**63), 2**63 - 1), max_size=2),
    st.sampled_from(["25:00", "7", "-1", "", "Funday", "<script>x</script>", "0,0", "NaN", "9:99 PM"]),
)
KEYS = [
    "slug",
    "name",
    "day",
    "time",
    "end_time",
    "timezone",
    "types",
    "latitude",
    "longitude",
    "conference_url",
    "conference_phone",
    "formatted_address",
    "approximate",
    "updated",
    "notes",
    "regions",
    "feedback_emails",
    "attendance_option",
    "location",
]


@pytest.fixture(scope="module")
def good_rows(shared_data: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = orjson.loads((shared_data / "meeting-guide/oc.json").read_bytes())
    return [r for r in rows if "day" in r][:40]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_rows_never_crash_the_parser(
    good_rows: list[dict[str, Any]],
    tmp_path: Path,
    data: st.DataObject,
) -> None:
    rows = copy.deepcopy(good_rows)
    for index in data.draw(st.lists(st.integers(0, len(rows) - 1), max_size=10)):
        key = data.draw(st.sampled_from(KEYS))
        if data.draw(st.booleans()):
            rows[index][key] = data.draw(JUNK)
        else:
            rows[index].pop(key, None)
    path = tmp_path / "feed.json"
    path.write_bytes(orjson.dumps(rows))
    result = parse_file("meeting-guide", path)
    produced = [m.native_id for m in result.meetings]
    refused = {p.record for p in result.quarantined}
    for number, row in enumerate(rows, start=1):
        slug = row.get("slug")
        if isinstance(slug, (str, int)) and not isinstance(slug, bool) and str(slug).strip():
            ident = str(slug).strip()
            kept = any(native == ident or native.startswith((ident + "-", ident + "~")) for native in produced)
            assert kept or ident in refused, f"row {number} ({ident}) was neither kept nor refused with a reason"
        else:
            fallback = str(row.get("id"))
            assert any(p.record in {f"row {number}", fallback} for p in result.problems) or any(
                m.native_id == fallback for m in result.meetings
            ), f"row {number} lost without a reason"
    for problem in result.problems:
        assert problem.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bad_documents_never_lose_stored_meetings(
    good_rows: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    directory = tmp_path_factory.mktemp("sync")
    store = Store(f"sqlite:///{directory / 'store.db'}")
    path = directory / "feed.json"
    path.write_bytes(orjson.dumps(good_rows))
    store.add_source(name="feed", kind="meeting-guide", location=str(path), fellowship="AA")
    syncer(store).sync()
    before = {r["id"]: r["content_hash"] for r in store.meeting_records()}

    body = orjson.dumps(good_rows)
    mode = data.draw(st.sampled_from(["truncate", "mutate", "garbage"]))
    untouched: set[int] = set(range(len(good_rows)))
    if mode == "truncate":
        body = body[: data.draw(st.integers(0, len(body) - 1))]
    elif mode == "garbage":
        body = data.draw(st.binary(max_size=200))
    else:
        rows = copy.deepcopy(good_rows)
        for index in data.draw(st.lists(st.integers(0, len(rows) - 1), max_size=8)):
            rows[index][data.draw(st.sampled_from(KEYS))] = data.draw(JUNK)
            untouched.discard(index)
        body = orjson.dumps(rows)
    path.write_bytes(body)
    [report] = syncer(store).sync()
    after = {r["id"]: r["content_hash"] for r in store.meeting_records()}
    if report.outcome in {"failed", "refused"}:
        assert after == before and report.message
    else:
        for index in untouched:
            key = f"feed:{good_rows[index]['slug']}"
            assert after.get(key) == before[key], "a row nobody touched is still stored, unchanged"
    store.close()


def test_truncated_feed_is_a_named_format_error(good_rows: list[dict[str, Any]], tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(orjson.dumps(good_rows)[:500])
    with pytest.raises(SourceFormatError, match="not valid JSON"):
        parse_file("meeting-guide", path)
