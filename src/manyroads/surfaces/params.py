"""Reading a search from query parameters, the same way for the API, the feeds and the finder.

Lists may be repeated (`feature=women&feature=asl`) or comma-separated (`feature=women,asl`).
Days may be numbers (0 = Monday) or names in English or Spanish. Every mistake becomes an
`ApiError` that names the parameter and says what would work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import ValidationError

from manyroads.geo import Place
from manyroads.index.query import MAX_LIMIT, QueryError, SearchQuery
from manyroads.sources.normalise import parse_clock, weekday_from_name
from manyroads.surfaces.context import AppContext, get_context

KM_PER_MILE = 1.609344
MAX_EXPORT = 10_000


class ApiError(Exception):
    """An error answered as JSON: {"error": {"status", "field", "message"}}."""

    def __init__(
        self, status: int, message: str, field: str | None = None, details: list[dict[str, Any]] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.details = details or []

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.field:
            error["field"] = self.field
        if self.details:
            error["details"] = self.details
        return {"error": error}


def split(values: Sequence[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def parse_weekdays(values: Sequence[str] | None) -> frozenset[int] | None:
    items = split(values)
    if not items:
        return None
    days = set()
    for item in items:
        day = int(item) if item.isdigit() else weekday_from_name(item)
        if day is None or not 0 <= day <= 6:
            raise ApiError(400, f"{item!r} is not a day: use 0 (Monday) to 6 (Sunday) or a day name", "weekday")
        days.add(day)
    return frozenset(days)


def parse_minutes(value: str | None, field: str) -> int | None:
    if value is None or value == "":
        return None
    if value.isdigit() and int(value) <= 1440:
        return int(value)
    minutes = parse_clock(value)
    if minutes is None:
        raise ApiError(400, f"{value!r} is not a time of day; use HH:MM (e.g. 18:30)", field)
    return minutes


def parse_point(value: str | None, field: str) -> tuple[float, float] | None:
    if not value:
        return None
    parts = value.split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise ApiError(400, f"{value!r} is not 'latitude,longitude' (e.g. 40.75,-73.99)", field) from None
    return lat, lon


def resolve_place(context: AppContext, text: str) -> Place:
    found = context.geocoder.lookup(text, limit=1)
    if not found:
        raise ApiError(400, f"no place called {text!r} was found; try a ZIP code or 'Town, State'", "place")
    return found[0]


def build_query(context: AppContext, raw: dict[str, Any]) -> tuple[SearchQuery, Place | None]:
    """A SearchQuery from already-split parameters; errors name the parameter."""
    place = None
    if raw.get("near") is None and raw.get("place"):
        place = resolve_place(context, raw["place"])
        raw["near"] = (place.latitude, place.longitude)
    raw.pop("place", None)
    radius_mi = raw.pop("radius_mi", None)
    if radius_mi is not None:
        if raw.get("radius_km") is not None:
            raise ApiError(400, "give radius_km or radius_mi, not both", "radius_mi")
        raw["radius_km"] = radius_mi * KM_PER_MILE
    clean = {k: v for k, v in raw.items() if v is not None and v != [] and v != frozenset()}
    try:
        return SearchQuery(**clean), place
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "query", "message": e["msg"]} for e in error.errors()
        ]
        first = details[0]
        field = first["field"]
        message = first["message"].removeprefix("Value error, ")
        if field == "radius_km" and "less than or equal" in message:
            message = "the radius can be at most 1000 km (620 miles)"
        raise ApiError(400, message, field, details) from None
    except QueryError as error:
        raise ApiError(400, error.message, error.field) from None


def search_parameters(
    request: Request,
    context: Annotated[AppContext, Depends(get_context)],
    near: Annotated[str | None, Query(description="latitude,longitude", examples=["40.7484,-73.9967"])] = None,
    place: Annotated[str | None, Query(max_length=200, description="a ZIP code or 'Town, State'")] = None,
    radius_km: Annotated[float | None, Query(gt=0, description="at most 1000")] = None,
    radius_mi: Annotated[float | None, Query(gt=0, description="at most 620")] = None,
    bbox: Annotated[str | None, Query(description="south,west,north,east")] = None,
    at: Annotated[datetime | None, Query(description="treat this instant as now (ISO 8601 with offset)")] = None,
    tz: Annotated[str | None, Query(description="the viewer's IANA time zone")] = None,
    weekday: Annotated[list[str] | None, Query(description="0-6 (Monday = 0) or day names")] = None,
    time_from: Annotated[str | None, Query(description="HH:MM, inclusive")] = None,
    time_to: Annotated[str | None, Query(description="HH:MM, exclusive")] = None,
    time_basis: Annotated[str, Query(pattern="^(meeting|viewer)$")] = "meeting",
    starting_within: Annotated[int | None, Query(ge=0, le=10080, description="minutes")] = None,
    in_progress: bool = False,
    attendance: Annotated[list[str] | None, Query(description="in_person, online, hybrid")] = None,
    fellowship: Annotated[list[str] | None, Query(description="fellowship codes, e.g. NA, AA")] = None,
    feature: Annotated[list[str] | None, Query(description="all of these features")] = None,
    any_feature: Annotated[list[str] | None, Query(description="at least one of these features")] = None,
    language: Annotated[list[str] | None, Query(description="ISO 639 codes, e.g. es")] = None,
    medication: Annotated[list[str] | None, Query(description="welcoming, mixed, unwelcoming, unknown")] = None,
    q: Annotated[str | None, Query(max_length=200, description="words in the name, group or place")] = None,
    source: Annotated[list[str] | None, Query(description="source names")] = None,
    include_closed: bool = False,
    sort: Annotated[str, Query(pattern="^(next_start|distance|relevance)$")] = "next_start",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> tuple[SearchQuery, Place | None]:
    """The search parameters every search endpoint accepts."""
    box = None
    if bbox:
        try:
            south, west, north, east = (float(v) for v in bbox.split(","))
        except ValueError:
            raise ApiError(400, f"{bbox!r} is not 'south,west,north,east'", "bbox") from None
        box = (south, west, north, east)
    raw: dict[str, Any] = {
        "near": parse_point(near, "near"),
        "place": place,
        "radius_km": radius_km,
        "radius_mi": radius_mi,
        "bbox": box,
        "at": at,
        "tz": tz,
        "weekdays": parse_weekdays(weekday),
        "time_from": parse_minutes(time_from, "time_from"),
        "time_to": parse_minutes(time_to, "time_to"),
        "time_basis": time_basis,
        "starting_within": starting_within,
        "in_progress": in_progress,
        "attendance": frozenset(split(attendance)) or None,
        "fellowships": frozenset(f.upper() for f in split(fellowship)) or None,
        "features_all": frozenset(split(feature)),
        "features_any": frozenset(split(any_feature)),
        "languages": frozenset(lang.lower() for lang in split(language)) or None,
        "medication": frozenset(split(medication)) or None,
        "text": q or None,
        "sources": frozenset(split(source)) or None,
        "include_closed": include_closed,
        "sort": sort,
        "limit": limit,
        "cursor": cursor,
    }
    return build_query(context, raw)


def export_parameters(
    found: Annotated[tuple[SearchQuery, Place | None], Depends(search_parameters)],
    export_limit: Annotated[int, Query(ge=1, le=MAX_EXPORT, description="how many meetings to export")] = 1000,
) -> tuple[SearchQuery, Place | None]:
    """Search parameters for exports (calendars, GeoJSON, CSV): up to 10,000 meetings."""
    query, place = found
    return query.model_copy(update={"limit": export_limit}), place
