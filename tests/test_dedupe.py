"""The same meeting published by two sources becomes one canonical meeting, others linked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from manyroads.store import Store
from manyroads.sync.dedupe import conference_key
from tests.helpers import syncer, write_json


def _row(slug: str, lat: float, lon: float, **extra: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": slug,
        "day": 2,
        "time": "19:30",
        "latitude": lat,
        "longitude": lon,
        "formatted_address": "5 Church St, Springfield, IL 62701, USA",
        **extra,
    }


def _sources(
    store: Store,
    tmp_path: Path,
    first: list[dict[str, Any]],
    second: list[dict[str, Any]],
    fellowships: tuple[str, str] = ("NA", "NA"),
) -> None:
    for name, rows, fellowship in (
        ("area-bmlt", first, fellowships[0]),
        ("area-site", second, fellowships[1]),
    ):
        store.add_source(
            name=name,
            kind="meeting-guide",
            location=str(write_json(tmp_path / f"{name}.json", rows)),
            fellowship=fellowship,
        )
    syncer(store).sync()


def _links(store: Store) -> dict[str, str | None]:
    return {r["id"]: r["canonical_id"] for r in store.meeting_records()}


def test_same_place_within_50_m_is_linked(store: Store, tmp_path: Path) -> None:
    _sources(store, tmp_path, [_row("a", 39.80000, -89.65000)], [_row("b", 39.80030, -89.65000)])  # ~33 m
    assert _links(store) == {"area-bmlt:a": None, "area-site:b": "area-bmlt:a"}
    assert store.linked_meetings("area-bmlt:a") == ["area-site:b"]


def test_farther_than_50_m_is_not(store: Store, tmp_path: Path) -> None:
    _sources(store, tmp_path, [_row("a", 39.80000, -89.65000)], [_row("b", 39.80080, -89.65000)])  # ~89 m
    assert set(_links(store).values()) == {None}


def test_other_fellowship_or_time_is_not(store: Store, tmp_path: Path) -> None:
    _sources(store, tmp_path, [_row("a", 39.8, -89.65)], [_row("b", 39.8, -89.65)], fellowships=("NA", "AA"))
    assert set(_links(store).values()) == {None}


def test_same_conference_link_is_linked(store: Store, tmp_path: Path) -> None:
    _sources(
        store,
        tmp_path,
        [_row("a", 39.8, -89.65, conference_url="https://zoom.us/j/123456789?pwd=abc")],
        [_row("b", 45.0, -100.0, conference_url="https://us02web.zoom.us/j/123456789")],
    )
    assert _links(store)["area-site:b"] == "area-bmlt:a"


def test_two_rooms_of_one_source_are_never_merged(store: Store, tmp_path: Path) -> None:
    _sources(store, tmp_path, [_row("a1", 39.8, -89.65), _row("a2", 39.8, -89.65)], [_row("b", 39.8, -89.65)])
    links = _links(store)
    assert links["area-bmlt:a1"] is None and links["area-bmlt:a2"] is None
    assert links["area-site:b"] in {"area-bmlt:a1", "area-bmlt:a2"}


def test_links_follow_removal(store: Store, tmp_path: Path) -> None:
    _sources(store, tmp_path, [_row("a", 39.8, -89.65), _row("other", 40.0, -89.0)], [_row("b", 39.8, -89.65)])
    write_json(tmp_path / "area-bmlt.json", [_row("other", 40.0, -89.0), _row("more", 41.0, -89.0)])
    syncer(store).sync()
    assert _links(store)["area-site:b"] is None


def test_conference_key() -> None:
    assert conference_key("https://us06web.zoom.us/j/81234567890?pwd=x") == "zoom:81234567890"
    assert conference_key("https://meet.google.com/abc-defg-hij/") == "meet.google.com/abc-defg-hij"
    assert conference_key("") == ""
