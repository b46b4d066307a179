"""Open feeds in the formats the field already uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from manyroads.geo import Place
from manyroads.index.query import SearchQuery
from manyroads.surfaces.context import AppContext, get_context
from manyroads.surfaces.feeds import bmlt
from manyroads.surfaces.feeds.calendar import calendar
from manyroads.surfaces.feeds.exports import csv_text, geojson
from manyroads.surfaces.feeds.meeting_guide import meeting_guide_row
from manyroads.surfaces.ids import stable_number
from manyroads.surfaces.params import ApiError, ExportParams, export_parameters, openapi_parameters
from manyroads.surfaces.service import run_search

router = APIRouter(prefix="/feeds", tags=["feeds"])
Context = Annotated[AppContext, Depends(get_context)]
Export = Annotated[tuple[SearchQuery, Place | None], Depends(export_parameters)]
_EXPORT_DOCS = openapi_parameters(ExportParams)


@router.get("/meeting-guide.json", summary="Meeting Guide JSON (optionally one source, fellowship or region)")
async def meeting_guide_feed(
    request: Request,
    context: Context,
    source: Annotated[str | None, Query(max_length=100)] = None,
    fellowship: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Every canonical meeting as a Meeting Guide feed: valid against the spec, `timezone` on
    every meeting, our extension codes documented in docs/vocabulary.md."""
    version = context.store.data_version()
    etag = f'"mg-{version}-{stable_number(repr((source, fellowship, region))):x}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    if source is not None and source not in {s.name for s in context.store.sources()}:
        raise ApiError(404, f"no source named {source!r}; see /api/v1/sources", "source")
    records = context.store.meeting_records(source=source)
    rows = []
    for record in records:
        if record["canonical_id"]:
            continue  # the canonical listing stands for it
        if fellowship and record["fellowship"] != fellowship.upper():
            continue
        if region and not any(region.casefold() in r.casefold() for r in record["regions"]):
            continue
        row = meeting_guide_row(record, context.base_url)
        if row is not None:
            rows.append(row)
    return Response(
        orjson.dumps(rows),
        media_type="application/json",
        headers={"ETag": etag, "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


def _export(context: AppContext, found: tuple[SearchQuery, Place | None]) -> list[dict[str, Any]]:
    query, place = found
    return run_search(context, query, place).meetings


@router.get("/meetings.ics", summary="Any search as an iCalendar file", openapi_extra=_EXPORT_DOCS)
async def calendar_feed(context: Context, found: Export) -> Response:
    query = found[0]
    now = query.at.astimezone(UTC) if query.at else datetime.now(UTC)
    ids = [m["id"] for m in _export(context, found)]
    records = {r["id"]: r for r in context.store.meeting_records(ids)}
    body = calendar([records[i] for i in ids if i in records], context.base_url, now, name="Meetings").to_ical()
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="meetings.ics"'},
    )


@router.get("/meetings.geojson", summary="Any search as GeoJSON", openapi_extra=_EXPORT_DOCS)
async def geojson_feed(context: Context, found: Export) -> Response:
    return Response(
        orjson.dumps(geojson(_export(context, found))),
        media_type="application/geo+json",
        headers={"Access-Control-Allow-Origin": "*"},
    )


@router.get("/meetings.csv", summary="Any search as CSV", openapi_extra=_EXPORT_DOCS)
async def csv_feed(context: Context, found: Export) -> Response:
    return Response(
        csv_text(_export(context, found)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="meetings.csv"'},
    )


__all__ = ["bmlt", "router"]
