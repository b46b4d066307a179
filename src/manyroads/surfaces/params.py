"""Reading a search from query parameters, the same way for the API, the feeds and the finder.

Lists may be repeated (`feature=women&feature=asl`) or comma-separated (`feature=women,asl`).
Days may be numbers (0 = Monday) or names in English or Spanish. Every mistake becomes an
`ApiError` that names the parameter and says what would work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from manyroads.geo import Place
from manyroads.index.query import MAX_LIMIT, QueryError, SearchQuery
from manyroads.sources.normalise import parse_clock, weekday_from_name
from manyroads.surfaces.context import AppContext

KM_PER_MILE = 1.609344
P = TypeVar("P", bound=BaseModel)
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


class SearchParams(BaseModel):
    """The query string every search accepts (API, feeds, finder). One model, validated once."""

    model_config = ConfigDict(extra="ignore")

    near: str | None = Field(None, description="latitude,longitude", examples=["40.7484,-73.9967"])
    place: str | None = Field(None, max_length=200, description="a ZIP code or 'Town, State'")
    radius_km: float | None = Field(None, gt=0, description="at most 1000")
    radius_mi: float | None = Field(None, gt=0, description="at most 620")
    bbox: str | None = Field(None, description="south,west,north,east")
    at: datetime | None = Field(None, description="treat this instant as now (ISO 8601 with offset)")
    tz: str | None = Field(None, max_length=64, description="the viewer's IANA time zone")
    weekday: list[str] = Field([], description="0-6 (Monday = 0) or day names")
    time_from: str | None = Field(None, max_length=8, description="HH:MM, inclusive")
    time_to: str | None = Field(None, max_length=8, description="HH:MM, exclusive")
    time_basis: Literal["meeting", "viewer"] = "meeting"
    starting_within: int | None = Field(None, ge=0, le=10080, description="minutes")
    in_progress: bool = False
    attendance: list[str] = Field([], description="in_person, online, hybrid")
    fellowship: list[str] = Field([], description="fellowship codes, e.g. NA, AA")
    feature: list[str] = Field([], description="all of these features")
    any_feature: list[str] = Field([], description="at least one of these features")
    language: list[str] = Field([], description="ISO 639 codes, e.g. es")
    medication: list[str] = Field([], description="welcoming, mixed, unwelcoming, unknown")
    q: str | None = Field(None, max_length=200, description="words in the name, group or place")
    source: list[str] = Field([], description="source names")
    include_closed: bool = False
    sort: Literal["next_start", "distance", "relevance"] = "next_start"
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=1000)


class ExportParams(SearchParams):
    export_limit: int = Field(1000, ge=1, le=MAX_EXPORT, description="how many meetings to export")


def query_from_params(context: AppContext, params: SearchParams) -> tuple[SearchQuery, Place | None]:
    box = None
    if params.bbox:
        try:
            south, west, north, east = (float(v) for v in params.bbox.split(","))
        except ValueError:
            raise ApiError(400, f"{params.bbox!r} is not 'south,west,north,east'", "bbox") from None
        box = (south, west, north, east)
    raw: dict[str, Any] = {
        "near": parse_point(params.near, "near"),
        "place": params.place,
        "radius_km": params.radius_km,
        "radius_mi": params.radius_mi,
        "bbox": box,
        "at": params.at,
        "tz": params.tz,
        "weekdays": parse_weekdays(params.weekday),
        "time_from": parse_minutes(params.time_from, "time_from"),
        "time_to": parse_minutes(params.time_to, "time_to"),
        "time_basis": params.time_basis,
        "starting_within": params.starting_within,
        "in_progress": params.in_progress,
        "attendance": frozenset(split(params.attendance)) or None,
        "fellowships": frozenset(f.upper() for f in split(params.fellowship)) or None,
        "features_all": frozenset(split(params.feature)),
        "features_any": frozenset(split(params.any_feature)),
        "languages": frozenset(lang.lower() for lang in split(params.language)) or None,
        "medication": frozenset(split(params.medication)) or None,
        "text": params.q or None,
        "sources": frozenset(split(params.source)) or None,
        "include_closed": params.include_closed,
        "sort": params.sort,
        "limit": params.limit,
        "cursor": params.cursor,
    }
    query, place = build_query(context, raw)
    if isinstance(params, ExportParams):
        query = query.model_copy(update={"limit": params.export_limit})  # exports may exceed the page limit
    return query, place


def read_params(request: Request, model: type[P]) -> P:
    """The query string as `model`, validated by pydantic in one pass.

    (Cheaper than letting the framework validate each parameter separately, which dominated
    the cost of a search request.) Repeated keys feed list fields; otherwise the last value wins.
    """
    raw: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        field = model.model_fields.get(key)
        if field is None:
            continue
        if _is_list(field.annotation):
            raw.setdefault(key, []).append(value)
        else:
            raw[key] = value
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise api_error(error) from None


def validation_problems(error: ValidationError, default_field: str = "query") -> list[tuple[str, str]]:
    """(field, message) for each problem pydantic found, in words a person can act on."""
    return [
        (".".join(str(p) for p in e["loc"]) or default_field, e["msg"].removeprefix("Value error, "))
        for e in error.errors()
    ]


def api_error(error: ValidationError, default_field: str = "query") -> ApiError:
    """A 400 naming the first field that was wrong (all of them in `details`)."""
    problems = validation_problems(error, default_field)
    field, message = problems[0]
    details = [{"field": f, "message": m} for f, m in problems]
    return ApiError(400, f"{field}: {message}", field, details)


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is list


def openapi_parameters(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` declaring `model`'s fields as query parameters (for routes that read the
    query string with `read_params`)."""
    schema = model.model_json_schema()
    parameters = []
    for name, prop in schema["properties"].items():
        field = model.model_fields[name]
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {k: v for k, v in prop.items() if k not in {"title", "description"}},
        }
        if field.description:
            parameter["description"] = field.description
        if _is_list(field.annotation):
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return {"parameters": parameters}


def search_parameters(request: Request) -> tuple[SearchQuery, Place | None]:
    """The search parameters every search endpoint accepts."""
    return query_from_params(request.app.state.context, read_params(request, SearchParams))


def export_parameters(request: Request) -> tuple[SearchQuery, Place | None]:
    """Search parameters for exports (calendars, GeoJSON, CSV): up to 10,000 meetings."""
    return query_from_params(request.app.state.context, read_params(request, ExportParams))
