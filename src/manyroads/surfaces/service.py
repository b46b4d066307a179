"""Running a search and dressing its hits for output: shared by the API, feeds and finder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manyroads.geo import Place
from manyroads.index.query import QueryError, SearchQuery, SearchResult, search
from manyroads.medication.stance import summarise
from manyroads.surfaces.context import AppContext
from manyroads.surfaces.params import ApiError
from manyroads.surfaces.present import meeting_summary


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: SearchQuery
    result: SearchResult
    meetings: list[dict[str, Any]]
    place: Place | None


def run_search(context: AppContext, query: SearchQuery, place: Place | None = None, language: str = "en") -> SearchPage:
    columns = context.index.current()
    try:
        result = search(columns, query)
    except QueryError as error:
        raise ApiError(400, error.message, error.field) from None
    records = context.store.meeting_records_by_id([h.id for h in result.hits])
    meetings = []
    for hit in result.hits:
        record = records.get(hit.id)
        if record is None:  # removed from the store since the index was built
            continue
        meetings.append(
            meeting_summary(
                record,
                hit,
                viewer_zone=query.tz,
                base_url=context.base_url,
                stance=stance_for(context, record, language),
            )
        )
    return SearchPage(query, result, meetings, place)


def stance_for(context: AppContext, record: dict[str, Any], language: str = "en") -> dict[str, Any]:
    return summarise(record, language, context.stance.evidence_for(record["id"], language)).public()
