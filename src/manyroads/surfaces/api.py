"""The JSON API, versioned under /api/v1."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from manyroads import __version__
from manyroads.fellowships import registry
from manyroads.index.timeplan import next_start_reference
from manyroads.sources.normalise import slugify
from manyroads.sources.timezones import canonical_zone
from manyroads.surfaces.context import AppContext, get_context
from manyroads.surfaces.feeds.calendar import NotSchedulable, calendar
from manyroads.surfaces.params import ApiError, SearchParams, openapi_parameters, query_from_params, read_params
from manyroads.surfaces.present import instant, local_view, meeting_summary
from manyroads.surfaces.responses import JSONResponse
from manyroads.surfaces.service import run_search, stance_for
from manyroads.vocabulary.features import FEATURES
from manyroads.vocabulary.meeting_guide import STANDARD_CODE_FOR_FEATURE

router = APIRouter(prefix="/api/v1", default_response_class=JSONResponse)
Context = Annotated[AppContext, Depends(get_context)]


@router.get("/ping", tags=["service"], summary="A no-op: the floor for measuring the server itself")
async def ping() -> dict[str, bool]:
    return {"ok": True}


@router.get("/status", tags=["service"], summary="Version, meetings indexed, data version")
async def status(context: Context) -> dict[str, Any]:
    columns = context.index.current()
    return {"version": __version__, "meetings_indexed": columns.size, "data_version": columns.version}


class SearchAndLanguage(SearchParams):
    lang: Literal["en", "es"] = Field("en", description="language of labels and stance summaries")


@router.get(
    "/meetings",
    tags=["meetings"],
    summary="Search meetings",
    openapi_extra=openapi_parameters(SearchAndLanguage),
    # The hot path: orjson writes the dict directly, skipping FastAPI's generic response serialisation.
    response_model=None,
)
async def search_meetings(request: Request) -> JSONResponse:
    """Near a place (or in a box), in a time window or starting soon or in progress, by
    attendance, fellowship, features, language, medication stance and text. Results carry
    the distance, the next start as an instant, the meeting's own local time and zone, and
    the viewer's local time when `tz` is given. `at` makes answers reproducible."""
    context: AppContext = request.app.state.context
    params = read_params(request, SearchAndLanguage)
    query, place = query_from_params(context, params)
    page = run_search(context, query, place, params.lang)
    next_url = None
    if page.result.next_cursor:
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        next_url = f"{context.base_url}/api/v1/meetings?{urlencode([*kept, ('cursor', page.result.next_cursor)])}"
    return JSONResponse(
        {
            "at": instant(page.result.at),
            "place": {
                "name": place.name,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "timezone": place.timezone,
            }
            if place
            else None,
            "total": page.result.total,
            "count": len(page.meetings),
            "next_cursor": page.result.next_cursor,
            "next": next_url,
            "meetings": page.meetings,
        }
    )


@router.get("/meetings/{ident:path}", tags=["meetings"], summary="One meeting (or its .ics calendar)")
async def meeting(
    ident: str,
    context: Context,
    tz: Annotated[str | None, Query(description="the viewer's IANA zone")] = None,
    at: Annotated[datetime | None, Query()] = None,
    lang: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> Any:
    """Everything public about one meeting: the next few occurrences (meeting time and, with
    `tz`, the viewer's), other sources listing the same meeting, and the medication stance with
    where it came from. Add `.ics` for a calendar file."""
    as_calendar = ident.endswith(".ics")
    record = context.store.meeting_record(ident.removesuffix(".ics") if as_calendar else ident)
    if record is None:
        raise ApiError(404, f"no meeting with id {ident!r}; ids look like <source>:<the source's id>", "id")
    now = at.astimezone(UTC) if at and at.tzinfo else datetime.now(UTC)
    if tz is not None:
        zone = canonical_zone(tz)
        if zone is None:
            raise ApiError(400, f"{tz!r} is not an IANA time zone name (e.g. America/Chicago)", "tz")
        tz = zone
    if as_calendar:
        try:
            body = calendar([record], context.base_url, now, name=record["name"]).to_ical()
        except NotSchedulable as error:
            raise ApiError(422, str(error), "id") from None
        if b"BEGIN:VEVENT" not in body:
            raise ApiError(422, "this meeting has no weekly time in a known zone, so there is no calendar event", "id")
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{_filename(record["name"])}.ics"'},
        )
    detail = meeting_summary(
        record, None, viewer_zone=tz, base_url=context.base_url, stance=stance_for(context, record, lang)
    )
    detail["upcoming"] = _upcoming(record, now, tz)
    detail["next_start"] = detail["upcoming"][0]["start"] if detail["upcoming"] else None
    canonical = record["canonical_id"]
    detail["canonical_id"] = canonical
    detail["also_listed_as"] = context.store.linked_meetings(canonical or record["id"])
    if canonical:
        detail["also_listed_as"] = [canonical, *[i for i in detail["also_listed_as"] if i != record["id"]]]
    return detail


def _upcoming(record: dict[str, Any], now: datetime, viewer: str | None, count: int = 4) -> list[dict[str, Any]]:
    if record["weekday"] is None or not record["timezone"]:
        return []
    occurrences = []
    after = now
    for _ in range(count):
        start = next_start_reference(record["weekday"], record["start_minute"], record["timezone"], after)
        seconds = int(start.timestamp())
        occurrences.append(
            {
                "start": instant(seconds),
                "meeting_time": local_view(seconds, record["timezone"]),
                "viewer_time": local_view(seconds, viewer),
            }
        )
        after = datetime.fromtimestamp(seconds + 60, UTC)
    return occurrences


def _filename(name: str) -> str:
    return slugify(name)[:60] or "meeting"


@router.get("/fellowships", tags=["catalog"], summary="Fellowships and their published stance on medication")
async def fellowships(
    context: Context, lang: Annotated[str, Query(pattern="^(en|es)$")] = "en"
) -> list[dict[str, Any]]:
    columns = context.index.current()
    counts: dict[str, int] = {}
    for position, code in enumerate(columns.fellowships):
        counts[code] = int((columns.fellowship_idx == position).sum())
    out = []
    for code, entry in registry().items():
        out.append(
            {
                "code": code,
                "name": entry.name,
                "kind": entry.kind,
                "focus": entry.focus,
                "website": entry.website,
                "meetings": counts.get(code, 0),
                "medication": {
                    "stance": entry.medication.stance,
                    "summary": entry.medication.summary(lang) or None,
                    "checked": entry.medication.checked.isoformat() if entry.medication.checked else None,
                    "sources": [s.model_dump(exclude_none=True) for s in entry.medication.sources],
                },
            }
        )
    for code, count in counts.items():
        if code not in registry():
            out.append(
                {
                    "code": code,
                    "name": code,
                    "kind": "unknown",
                    "focus": "unknown",
                    "website": None,
                    "meetings": count,
                    "medication": {"stance": "unknown", "summary": None, "checked": None, "sources": []},
                }
            )
    return out


@router.get("/features", tags=["catalog"], summary="The feature vocabulary")
async def features(lang: Annotated[str, Query(pattern="^(en|es)$")] = "en") -> list[dict[str, Any]]:
    return [
        {
            "name": f.name,
            "group": f.group.value,
            "label": f.label(lang),
            "meeting_guide_code": STANDARD_CODE_FOR_FEATURE.get(f.name),
        }
        for f in FEATURES
    ]


@router.get("/sources", tags=["catalog"], summary="Sources and their health")
async def sources(context: Context) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "kind": s.kind,
            "fellowship": s.fellowship,
            "status": s.status,
            "status_reason": s.status_reason or None,
            "meetings": s.meeting_count,
            "enabled": s.enabled,
            "last_success": s.last_success_at.isoformat() if s.last_success_at else None,
            "last_attempt": s.last_attempt_at.isoformat() if s.last_attempt_at else None,
        }
        for s in context.store.sources()
    ]


@router.get("/places", tags=["catalog"], summary="Look up a place (ZIP code, 'Town, State', city)")
async def places(context: Context, q: Annotated[str, Query(min_length=1, max_length=200)]) -> list[dict[str, Any]]:
    return [
        {"name": p.name, "latitude": p.latitude, "longitude": p.longitude, "timezone": p.timezone, "kind": p.kind}
        for p in context.geocoder.lookup(q, limit=5)
    ]
