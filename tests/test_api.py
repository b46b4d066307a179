"""The HTTP API on a real server: answers, errors, time, and open feeds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from icalendar import Calendar

from tests.live import LiveServer

AT = "2026-10-30T20:00:00Z"  # a Friday, two days before US clocks fall back


def get(served: LiveServer, path: str, **params: Any) -> httpx.Response:
    return httpx.get(served.url + path, params=params, timeout=30)


def any_meeting(served: LiveServer, **params: Any) -> dict[str, Any]:
    body = get(served, "/api/v1/meetings", at=AT, limit=1, **params).json()
    assert body["meetings"], f"no meeting for {params}"
    meeting: dict[str, Any] = body["meetings"][0]
    return meeting


def test_search_near_a_place(served: LiveServer) -> None:
    meeting = any_meeting(served, attendance="in_person")
    lat, lon = meeting["location"]["latitude"], meeting["location"]["longitude"]
    body = get(
        served,
        "/api/v1/meetings",
        near=f"{lat},{lon}",
        radius_km=15,
        sort="distance",
        at=AT,
        limit=50,
        tz="America/Los_Angeles",
    ).json()
    assert body["total"] >= 1 and body["meetings"][0]["distance_km"] == pytest.approx(0, abs=0.01)
    distances = [m["distance_km"] for m in body["meetings"]]
    assert distances == sorted(distances) and max(distances) <= 15
    first = body["meetings"][0]
    assert first["next_start_viewer_time"]["timezone"] == "America/Los_Angeles"
    assert first["next_start_meeting_time"]["timezone"] == first["schedule"]["timezone"]
    assert first["next_start"].endswith("Z")


def test_online_now_and_pagination(served: LiveServer) -> None:
    params = {"attendance": "online,hybrid", "in_progress": "true", "starting_within": 360, "at": AT, "limit": 5}
    first = get(served, "/api/v1/meetings", **params).json()
    assert first["total"] > 5 and first["next"]
    second = httpx.get(first["next"], timeout=30).json()
    ids = [m["id"] for m in first["meetings"]] + [m["id"] for m in second["meetings"]]
    assert len(set(ids)) == len(ids), "pages do not repeat meetings"
    at = datetime.fromisoformat(AT)
    for meeting in first["meetings"] + second["meetings"]:
        assert meeting["attendance"] in {"online", "hybrid"}
        start = datetime.fromisoformat(meeting["next_start"])
        assert meeting["in_progress_since"] or (start - at).total_seconds() <= 360 * 60


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"radius_km": 5000, "near": "40,-74"}, "radius_km", "at most 1000 km"),
        ({"limit": 1000}, "limit", "less than or equal to 200"),
        ({"weekday": "funday"}, "weekday", "not a day"),
        ({"near": "north"}, "near", "latitude,longitude"),
        ({"place": "Xyzzyville"}, "place", "no place called"),
        ({"tz": "Mars/Base"}, "tz", "IANA"),
        ({"feature": "unicorn"}, "features_all", "unknown feature"),
        ({"time_from": "25:00"}, "time_from", "HH:MM"),
        ({"sort": "distance"}, "query", "needs a place"),
        ({"cursor": "nonsense"}, "cursor", "not a cursor"),
        ({"at": "2026-10-30T20:00:00"}, "at", "offset"),
    ],
)
def test_errors_name_the_parameter(served: LiveServer, params: dict[str, Any], field: str, words: str) -> None:
    response = get(served, "/api/v1/meetings", **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field and words in error["message"], error


def test_unknown_meeting_is_a_json_404(served: LiveServer) -> None:
    response = get(served, "/api/v1/meetings/nobody:here")
    assert response.status_code == 404 and "no meeting" in response.json()["error"]["message"]


def test_meeting_detail_across_daylight_saving(served: LiveServer) -> None:
    meeting = any_meeting(
        served, attendance="in_person", q="", tz="America/New_York", fellowship="AA", time_basis="meeting"
    )
    ident = meeting["id"]
    detail = get(served, f"/api/v1/meetings/{ident}", at=AT, tz="Europe/London").json()
    zone = detail["schedule"]["timezone"]
    upcoming = detail["upcoming"]
    assert len(upcoming) == 4
    local_times = {u["meeting_time"]["time"] for u in upcoming}
    assert local_times == {detail["schedule"]["local_start"]}, "the meeting's own time never moves"
    if zone.startswith("America/") and zone not in {"America/Phoenix"}:
        offsets = {u["meeting_time"]["datetime"][-6:] for u in upcoming}
        assert len(offsets) == 2, "the UTC offset changes when the clocks go back on 1 November"
    assert all(u["viewer_time"]["timezone"] == "Europe/London" for u in upcoming)
    assert detail["medication"]["stance"] in {"unknown", "welcoming"}


def test_one_meeting_as_icalendar(served: LiveServer) -> None:
    meeting = any_meeting(served)
    response = get(served, f"/api/v1/meetings/{meeting['id']}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == meeting["schedule"]["timezone"]
    assert start.strftime("%H:%M") == meeting["schedule"]["local_start"]
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert calendar.walk("VTIMEZONE"), "the zone travels with the file"


def test_search_as_calendar_geojson_and_csv(served: LiveServer) -> None:
    params = {"attendance": "in_person", "weekday": "monday", "at": AT, "export_limit": 30}
    calendar = Calendar.from_ical(get(served, "/feeds/meetings.ics", **params).content)
    assert len(calendar.walk("VEVENT")) == 30
    geo = get(served, "/feeds/meetings.geojson", **params).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 30
    assert all(f["geometry"]["type"] == "Point" for f in geo["features"])
    rows = get(served, "/feeds/meetings.csv", **params).text.strip().splitlines()
    assert rows[0].startswith("id,name,fellowship") and len(rows) == 31


def test_reads_are_open_to_other_sites(served: LiveServer) -> None:
    for path in (
        "/api/v1/meetings",
        "/feeds/meeting-guide.json",
        "/bmlt/client_interface/json/?switcher=GetServerInfo",
    ):
        assert httpx.get(served.url + path, timeout=30).headers["access-control-allow-origin"] == "*"


def test_catalog(served: LiveServer) -> None:
    fellowships = {f["code"]: f for f in get(served, "/api/v1/fellowships").json()}
    assert fellowships["NA"]["meetings"] > 0 and fellowships["MARA"]["medication"]["stance"] == "welcoming"
    assert fellowships["MARA"]["medication"]["sources"]
    features = get(served, "/api/v1/features", lang="es").json()
    assert {"name": "women", "group": "audience", "label": "Mujeres", "meeting_guide_code": "W"} in features
    sources = get(served, "/api/v1/sources").json()
    assert sources and all(s["status"] == "ok" for s in sources)
    places = get(served, "/api/v1/places", q="Portland, OR").json()
    assert places[0]["timezone"] == "America/Los_Angeles"
    assert get(served, "/api/v1/ping").json() == {"ok": True}


def test_meeting_guide_feed_is_valid_for_its_consumers(served: LiveServer) -> None:
    """The rules TSML UI and the Meeting Guide app apply when they read a feed (standards digest
    §1.2-§1.6): TSML UI itself is not published on npm, so it cannot be run here."""
    response = get(served, "/feeds/meeting-guide.json")
    rows = orjson.loads(response.content)
    assert response.headers["etag"]
    assert get(served, "/feeds/meeting-guide.json").headers["etag"] == response.headers["etag"]
    unchanged = httpx.get(served.url + "/feeds/meeting-guide.json", headers={"If-None-Match": response.headers["etag"]})
    assert unchanged.status_code == 304
    slugs = [row["slug"] for row in rows]
    assert len(slugs) == len(set(slugs)), "slugs are unique"
    from manyroads.vocabulary.meeting_guide import STANDARD_TYPES

    for row in rows:
        assert isinstance(row["name"], str) and row["name"]
        assert row["timezone"], "TSML UI skips rows without a zone"
        assert row["formatted_address"] or row.get("city"), "TSML UI skips rows without an address"
        assert row["approximate"] in {"yes", "no"}
        if "day" in row:
            assert row["day"] in range(7) and len(row["time"]) == 5 and len(row["end_time"]) == 5
        assert set(row["types"]) <= set(STANDARD_TYPES), f"codes outside the documented set: {row['types']}"
        if "conference_url" in row:
            assert row["conference_url"].startswith("https://")
    assert get(served, "/feeds/meeting-guide.json", source="nope").status_code == 404
    na_only = orjson.loads(get(served, "/feeds/meeting-guide.json", fellowship="NA").content)
    assert na_only and {r["fellowship"] for r in na_only} == {"NA"}


def test_index_snapshot_round_trip(served: LiveServer, tmp_path: Path) -> None:
    from manyroads.index import snapshot

    columns = served.context.index.current()
    path = tmp_path / "index.pickle"
    snapshot.save(path, columns)
    loaded = snapshot.load(path, columns.version)
    assert loaded is not None and loaded.ids == columns.ids
    assert snapshot.load(path, columns.version + 1) is None, "a snapshot of older data is ignored"
    path.write_bytes(b"manyroads-index\nsomething else\n1\n")
    assert snapshot.load(path, 1) is None, "a snapshot from another layout is ignored"
