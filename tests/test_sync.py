"""Sync against real files and a real HTTP server: what is kept, what is recorded."""

from __future__ import annotations

import itertools
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from manyroads.sources import FetchError
from manyroads.store import Store
from manyroads.sync import HttpFetcher
from tests.conftest import LoopbackServer
from tests.helpers import syncer, write_json


def _row(slug: str, day: int = 1, time_: str = "19:00", **extra: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": f"Meeting {slug}",
        "day": day,
        "time": time_,
        "formatted_address": "10 Main St, Springfield, IL 62701, USA",
        "latitude": 39.8,
        "longitude": -89.65,
        "types": ["O"],
        **extra,
    }


def _feed(count: int, prefix: str = "m") -> list[dict[str, Any]]:
    return [_row(f"{prefix}{i}", day=i % 7, time_=f"{8 + i % 12:02d}:00") for i in range(count)]


def test_first_sync_then_unchanged(store: Store, tmp_path: Path) -> None:
    path = write_json(tmp_path / "feed.json", _feed(20))
    store.add_source(name="feed", kind="meeting-guide", location=str(path), fellowship="AA")
    [first] = syncer(store).sync()
    assert (first.outcome, first.added, first.meetings) == ("applied", 20, 20)
    version = store.data_version()
    [second] = syncer(store).sync()
    assert second.outcome == "unchanged" and store.data_version() == version
    assert store.count_meetings() == 20
    assert store.source("feed").status == "ok"


def test_changes_are_recorded_field_by_field(store: Store, tmp_path: Path) -> None:
    rows = _feed(10)
    path = write_json(tmp_path / "feed.json", rows)
    store.add_source(name="feed", kind="meeting-guide", location=str(path), fellowship="AA")
    syncer(store).sync()
    rows[0]["name"] = "Renamed"
    rows[1]["time"] = "06:30"
    removed = rows.pop(2)
    rows.append(_row("new-one"))
    write_json(path, rows)
    [report] = syncer(store).sync()
    assert (report.added, report.changed, report.removed) == (1, 2, 1)
    history = {(h["meeting"], h["action"]): h for h in store.history(source="feed")}
    assert history[("feed:m0", "changed")]["changes"] == {"name": ["Meeting m0", "Renamed"]}
    assert history[("feed:m1", "changed")]["changes"]["start_minute"] == [9 * 60, 6 * 60 + 30]
    gone = history[(f"feed:{removed['slug']}", "removed")]
    assert gone["changes"]["last"]["name"] == removed["name"], "the removed meeting's last state is kept"
    assert ("feed:new-one", "added") in history
    fetches = {h["fetch"] for h in store.history(source="feed")}
    assert len(fetches) == 2, "each change names the fetch that made it"


@pytest.mark.parametrize("breakage", ["not-json", "wrong-shape", "http-500", "shrink", "missing-file"])
def test_a_source_that_goes_bad_keeps_its_meetings(
    store: Store, tmp_path: Path, http_server: LoopbackServer, breakage: str
) -> None:
    good = orjson.dumps(_feed(30))
    url = http_server.serve("/feed.json", good)
    other = write_json(tmp_path / "other.json", _feed(5, "o"))
    store.add_source(name="feed", kind="meeting-guide", location=url, fellowship="AA")
    store.add_source(name="other", kind="meeting-guide", location=str(other), fellowship="AA")
    syncer(store).sync()
    before = {r["id"]: r["content_hash"] for r in store.meeting_records(source="feed")}
    assert len(before) == 30

    if breakage == "not-json":
        http_server.serve("/feed.json", good[:-40])
    elif breakage == "wrong-shape":
        http_server.serve("/feed.json", b'{"meetings": []}')
    elif breakage == "http-500":
        http_server.serve("/feed.json", b"oops", status=500)
    elif breakage == "shrink":
        http_server.serve("/feed.json", orjson.dumps(_feed(10)))
    else:
        store.remove_source("other")
        store.add_source(name="other", kind="meeting-guide", location=str(tmp_path / "gone.json"), fellowship="AA")
    write_json(other, _feed(6, "o"))

    reports = {r.source: r for r in syncer(store).sync()}
    after = {r["id"]: r["content_hash"] for r in store.meeting_records(source="feed")}
    if breakage == "missing-file":
        assert reports["other"].outcome == "failed" and "no such file" in reports["other"].message
        assert reports["feed"].outcome == "unchanged"
        return
    assert after == before, "the last good meetings are kept untouched"
    bad = reports["feed"]
    expected_status = "needs_review" if breakage == "shrink" else "failed"
    assert store.source("feed").status == expected_status
    assert store.source("feed").status_reason == bad.message and bad.message
    assert reports["other"].outcome == "applied" and reports["other"].added == 1, "other sources still sync"
    if breakage == "shrink":
        assert "down from 30" in bad.message
        [accepted] = syncer(store).sync(["feed"], accept_shrink=True)
        assert accepted.outcome == "applied" and accepted.removed == 20


def test_conditional_requests(store: Store, http_server: LoopbackServer) -> None:
    body = orjson.dumps(_feed(3))

    def handler(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        if request.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/json"}, body

    http_server.routes["/feed"] = handler
    store.add_source(name="feed", kind="meeting-guide", location=http_server.base + "/feed", fellowship="AA")
    [first] = syncer(store).sync()
    [second] = syncer(store).sync()
    assert first.outcome == "applied" and second.outcome == "unchanged"
    assert http_server.requests[1]["headers"].get("If-None-Match") == '"v1"'
    assert store.source("feed").etag == '"v1"'


def test_retries_with_backoff_then_success(sqlite_store: Store, http_server: LoopbackServer) -> None:
    calls = {"n": 0}
    body = orjson.dumps(_feed(2))

    def flaky(_request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        calls["n"] += 1
        return (503, {}, b"busy") if calls["n"] < 3 else (200, {}, body)

    http_server.routes["/feed"] = flaky
    sleeps: list[float] = []
    fetcher = HttpFetcher(host_interval=0, retries=3, allow_private=True, backoff=0.5, sleep=sleeps.append)
    response = fetcher.get(http_server.base + "/feed")
    assert response.status == 200 and calls["n"] == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] >= 0.5, "exponential backoff between attempts"


def test_retry_after_is_respected_and_gives_up(http_server: LoopbackServer) -> None:
    http_server.routes["/busy"] = lambda _r: (429, {"Retry-After": "7"}, b"")
    sleeps: list[float] = []
    fetcher = HttpFetcher(host_interval=0, retries=2, allow_private=True, sleep=sleeps.append)
    with pytest.raises(FetchError, match="HTTP 429"):
        fetcher.get(http_server.base + "/busy")
    assert sleeps == [7.0, 7.0]


def test_politeness_interval_per_host(http_server: LoopbackServer) -> None:
    http_server.serve("/a", b"[]")
    fetcher = HttpFetcher(host_interval=0.3, retries=0, allow_private=True)
    for _ in range(3):
        fetcher.get(http_server.base + "/a")
    times = [r["at"] for r in http_server.requests]
    assert all(later - earlier >= 0.28 for earlier, later in itertools.pairwise(times))


def test_private_addresses_are_refused_by_default(http_server: LoopbackServer) -> None:
    http_server.serve("/a", b"[]")
    with pytest.raises(FetchError, match="private or local address"):
        HttpFetcher(retries=0).get(http_server.base + "/a")
    assert not http_server.requests, "no request was sent"


def test_size_cap(http_server: LoopbackServer) -> None:
    http_server.serve("/big", b"[" + b"0," * 5000 + b"0]")
    with pytest.raises(FetchError, match="more than 1000 bytes"):
        HttpFetcher(retries=0, allow_private=True, max_bytes=1000).get(http_server.base + "/big")


def test_file_urls(sqlite_store: Store, tmp_path: Path) -> None:
    path = write_json(tmp_path / "feed.json", _feed(4))
    sqlite_store.add_source(name="feed", kind="meeting-guide", location=path.as_uri(), fellowship="AA")
    [report] = syncer(sqlite_store).sync()
    assert report.outcome == "applied" and report.added == 4


def _bmlt_server(server: LoopbackServer, shared: Path) -> None:
    """A BMLT root server on loopback replaying the demo server's recorded responses."""
    aws = shared / "bmlt/latest-aws-bmlt-app"
    meetings = orjson.loads((shared / "bmlt/gnyr_sample_GetSearchResults_DERIVED.json").read_bytes())
    answers = {
        "GetServerInfo": (aws / "server-info.json").read_bytes(),
        "GetServiceBodies": (aws / "service-bodies.json").read_bytes(),
    }

    def handler(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        switcher = query.get("switcher", "")
        if switcher in answers:
            return 200, {}, answers[switcher]
        if switcher == "GetFormats":
            assert query.get("show_all") == "1", "hidden formats must be asked for"
            body = (aws / "formats.json").read_bytes() if query.get("lang_enum") == "en" else b"[]"
            return 200, {}, body
        if switcher == "GetSearchResults":
            size, page = int(query["page_size"]), int(query["page_num"])
            return 200, {}, orjson.dumps(meetings[(page - 1) * size : page * size])
        return 422, {}, b"unknown switcher"

    server.routes["/main_server/client_interface/json/"] = handler


def test_harvest_a_bmlt_root_server(store: Store, http_server: LoopbackServer, shared_data: Path) -> None:
    _bmlt_server(http_server, shared_data)
    store.add_source(
        name="gnyr",
        kind="bmlt",
        location=http_server.base + "/main_server/",
        fellowship="NA",
        options={"page_size": 500},
    )
    [report] = syncer(store).sync()
    assert report.outcome == "applied" and report.added == 1555
    switchers = [parse_qs(urlsplit(r["path"]).query)["switcher"][0] for r in http_server.requests]
    assert switchers[:2] == ["GetServerInfo", "GetServiceBodies"]
    assert switchers.count("GetFormats") == 12, "one GetFormats per language the server lists"
    assert switchers.count("GetSearchResults") == 4, "1555 meetings in pages of 500"
    record = store.meeting_record("gnyr:1032")
    assert record is not None
    assert record["regions"][-1] == "Heart of Long Island Area"
    assert "just_for_today" in record["features"]


def test_quarantined_records_are_listed_with_reasons(sqlite_store: Store, tmp_path: Path) -> None:
    rows = [*_feed(3), _row("bad-day", day=9), _row("bad-time", time_="25:61"), {"name": "no slug"}]
    path = write_json(tmp_path / "feed.json", rows)
    sqlite_store.add_source(name="feed", kind="meeting-guide", location=str(path), fellowship="AA")
    [report] = syncer(sqlite_store).sync()
    assert report.quarantined == 3 and report.added == 3
    reasons = {p["record"]: p["reason"] for p in sqlite_store.problems(source="feed") if p["severity"] == "quarantined"}
    assert "day 9" in reasons["bad-day"]
    assert "'25:61'" in reasons["bad-time"]
    assert "no slug" in reasons["row 6"]


def test_unchanged_resync_is_cheap(sqlite_store: Store, tmp_path: Path) -> None:
    for index in range(20):
        write_json(tmp_path / f"f{index}.json", _feed(50, f"s{index}-"))
        sqlite_store.add_source(
            name=f"f{index}", kind="meeting-guide", location=str(tmp_path / f"f{index}.json"), fellowship="AA"
        )
    syncer(sqlite_store).sync()
    started = time.perf_counter()
    reports = syncer(sqlite_store).sync()
    assert {r.outcome for r in reports} == {"unchanged"}
    assert time.perf_counter() - started < 5, "unchanged feeds are hashed, not parsed"
