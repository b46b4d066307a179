"""Our open feeds: ingesting our own output gives back the same meetings; BMLT switchers behave."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from manyroads.store import Store
from tests.helpers import syncer
from tests.live import LiveServer


def _comparable(record: dict[str, Any], *, with_fellowship: bool = True, with_group: bool = True) -> tuple[Any, ...]:
    exact = record["attendance"] != "online" and not record["location_approximate"]
    point = (
        (round(record["location_latitude"], 5), round(record["location_longitude"], 5))
        if exact and record["location_latitude"] is not None
        else None
    )
    return (
        record["fellowship"] if with_fellowship else None,
        record["name"],
        record["weekday"],
        record["start_minute"],
        record["duration_minutes"],
        record["timezone"],
        record["attendance"],
        record["status"],
        tuple(record["features"]),
        tuple(sorted(record["languages"])),
        point,
        record["conference_url"] if record["attendance"] != "in_person" else "",
        record["group"] if with_group else None,
    )


def _served_meetings(served: LiveServer) -> list[dict[str, Any]]:
    store: Store = served.context.store
    return [r for r in store.meeting_records() if r["canonical_id"] is None and r["timezone"]]


def test_meeting_guide_round_trip(served: LiveServer, tmp_path: Path) -> None:
    copy = Store(f"sqlite:///{tmp_path / 'copy.db'}")
    copy.add_source(
        name="ours", kind="meeting-guide", location=served.url + "/feeds/meeting-guide.json", fellowship="AA"
    )
    [report] = syncer(copy).sync()
    assert report.outcome == "applied" and report.quarantined == 0
    original = Counter(_comparable(r) for r in _served_meetings(served))
    again = Counter(_comparable(r) for r in copy.meeting_records())
    assert again == original


def test_bmlt_round_trip(served: LiveServer, tmp_path: Path) -> None:
    copy = Store(f"sqlite:///{tmp_path / 'copy.db'}")
    copy.add_source(
        name="ours", kind="bmlt", location=served.url + "/bmlt", fellowship="NA", options={"page_size": 400}
    )
    [report] = syncer(copy).sync()
    assert report.outcome == "applied" and report.quarantined == 0, report
    # BMLT has no field for a fellowship or a group name: those are the only things it cannot carry.
    original = Counter(_comparable(r, with_fellowship=False, with_group=False) for r in _served_meetings(served))
    again = Counter(_comparable(r, with_fellowship=False, with_group=False) for r in copy.meeting_records())
    assert again == original


def bmlt(served: LiveServer, output: str = "json", **params: Any) -> httpx.Response:
    return httpx.get(f"{served.url}/bmlt/client_interface/{output}/", params=params, timeout=30)


def test_server_info_and_field_keys(served: LiveServer) -> None:
    [info] = bmlt(served, switcher="GetServerInfo").json()
    assert info["langs"] == "en,es" and info["server_software"].startswith("manyroads")
    keys = {k["key"] for k in bmlt(served, switcher="GetFieldKeys").json()}
    assert {"id_bigint", "meeting_name", "virtual_meeting_link", "time_zone"} <= keys


def test_every_meeting_field_is_a_string(served: LiveServer) -> None:
    [body] = [b for b in bmlt(served, switcher="GetServiceBodies").json() if b["parent_id"] != "0"][:1]
    meetings = bmlt(served, switcher="GetSearchResults", services=body["id"]).json()
    assert meetings
    keys = set(meetings[0])
    for meeting in meetings:
        assert set(meeting) == keys
        assert all(isinstance(v, str) for v in meeting.values())
        assert meeting["root_server_uri"] == f"{served.url}/bmlt"


def test_search_filters(served: LiveServer) -> None:
    bodies = bmlt(served, switcher="GetServiceBodies").json()
    parent = next(b for b in bodies if b["parent_id"] == "0")
    everything = bmlt(served, switcher="GetSearchResults", services=parent["id"], recursive=1).json()
    assert everything, "recursive takes in the bodies below the parent"
    mondays = bmlt(served, switcher="GetSearchResults", **{"services[]": parent["id"]}, recursive=1, weekdays=2).json()
    assert mondays and {m["weekday_tinyint"] for m in mondays} == {"2"}
    not_sunday = bmlt(served, switcher="GetSearchResults", services=parent["id"], recursive=1, weekdays=-1).json()
    assert "1" not in {m["weekday_tinyint"] for m in not_sunday}
    evening = bmlt(
        served, switcher="GetSearchResults", services=parent["id"], recursive=1, StartsAfterH=18, StartsAfterM=0
    ).json()
    assert evening and all(m["start_time"] > "18:00:00" for m in evening)
    online = bmlt(served, switcher="GetSearchResults", services=parent["id"], recursive=1, venue_types=2).json()
    assert all(m["venue_type"] == "2" and m["virtual_meeting_link"] for m in online)
    subset = bmlt(
        served, switcher="GetSearchResults", services=parent["id"], recursive=1, data_field_key="id_bigint,meeting_name"
    ).json()
    assert subset and set(subset[0]) == {"id_bigint", "meeting_name"}
    one = bmlt(served, switcher="GetSearchResults", meeting_ids=everything[0]["id_bigint"]).json()
    assert [m["id_bigint"] for m in one] == [everything[0]["id_bigint"]]


def test_geographic_search(served: LiveServer) -> None:
    sample = httpx.get(f"{served.url}/api/v1/meetings", params={"attendance": "in_person", "limit": 1}).json()
    location = sample["meetings"][0]["location"]
    near = bmlt(
        served,
        switcher="GetSearchResults",
        lat_val=location["latitude"],
        long_val=location["longitude"],
        geo_width_km=10,
        sort_keys="distance_in_km",
    ).json()
    distances = [float(m["distance_in_km"]) for m in near]
    assert near and distances == sorted(distances) and distances[-1] <= 10
    nearest = bmlt(
        served, switcher="GetSearchResults", lat_val=location["latitude"], long_val=location["longitude"], geo_width=-5
    ).json()
    assert len(nearest) == 5, "a negative width asks for the nearest N"


def test_formats_and_used_formats(served: LiveServer) -> None:
    venue = bmlt(served, switcher="GetFormats", lang_enum="en", **{"key_strings[]": ["TC", "VM", "HY"]}).json()
    assert {f["key_string"] for f in venue} <= {"TC", "VM", "HY"} and venue
    spanish = bmlt(served, switcher="GetFormats", lang_enum="es", show_all=1).json()
    assert any(f["name_string"] == "Mujeres" for f in spanish)
    bodies = bmlt(served, switcher="GetServiceBodies").json()
    parent = next(b for b in bodies if b["parent_id"] == "0")
    both = bmlt(served, switcher="GetSearchResults", services=parent["id"], recursive=1, get_used_formats="").json()
    used = {f["id"] for f in both["formats"]}
    assert all(set(m["format_shared_id_list"].split(",")) - {""} <= used for m in both["meetings"])
    assert set(bmlt(served, switcher="GetSearchResults", get_formats_only=1).json()) == {"formats"}


def test_jsonp_and_errors(served: LiveServer) -> None:
    response = bmlt(served, "jsonp", switcher="GetServerInfo", callback="crouton_cb_1")
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.text.startswith("/**/crouton_cb_1(") and response.text.endswith(");")
    assert orjson.loads(response.text[len("/**/crouton_cb_1(") : -2])[0]["langs"] == "en,es"
    assert bmlt(served, "jsonp", switcher="GetServerInfo", callback="alert(1)//").status_code == 422
    assert bmlt(served, switcher="GetMeetingsByMagic").status_code == 422
    assert bmlt(served, "xml", switcher="GetServerInfo").status_code == 422
    assert "meeting_key" in bmlt(served, switcher="GetFieldValues", meeting_key="nope").json()["error"]
    values = bmlt(served, switcher="GetFieldValues", meeting_key="weekday_tinyint").json()
    assert {v["weekday_tinyint"] for v in values} <= {"1", "2", "3", "4", "5", "6", "7"}


@pytest.mark.parametrize(
    "switcher",
    [
        "GetSearchResults",
        "GetFormats",
        "GetServiceBodies",
        "GetServerInfo",
        "GetFieldKeys",
        "GetFieldValues",
        "GetCoverageArea",
    ],
)
def test_switchers_we_serve_are_in_bmlts_own_description(shared_data: Path, switcher: str) -> None:
    """The BMLT project's OpenAPI description of its semantic API names the switchers we answer."""
    text = (shared_data / "bmlt/bmlt-server_openapi-semantic.json").read_text()
    assert switcher in text
