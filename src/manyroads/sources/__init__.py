"""Source adapters: one per published format, each turning bytes into normalised meetings
(or, for treatment-locator data, facilities)."""

from __future__ import annotations

from manyroads.sources.base import (
    Document,
    Fetcher,
    FetchError,
    Response,
    SourceAdapter,
    SourceContext,
    SourceFormatError,
    Validators,
)
from manyroads.sources.bmlt import BmltAdapter
from manyroads.sources.bmlt_exports import NawsCsvAdapter, TomatoFixtureAdapter
from manyroads.sources.findtreatment import FindTreatmentAdapter
from manyroads.sources.manual import ManualAdapter
from manyroads.sources.meeting_guide import MeetingGuideAdapter
from manyroads.sources.tsml_csv import TsmlCsvAdapter

ADAPTERS: dict[str, SourceAdapter] = {
    adapter.kind: adapter
    for adapter in (
        BmltAdapter(),
        MeetingGuideAdapter(),
        TsmlCsvAdapter(),
        ManualAdapter(),
        NawsCsvAdapter(),
        TomatoFixtureAdapter(),
        FindTreatmentAdapter(),
    )
}


def register(adapter: SourceAdapter) -> None:
    """Add an adapter for another kind of source (treatment facilities register this way)."""
    ADAPTERS[adapter.kind] = adapter


def adapter_for(kind: str) -> SourceAdapter:
    try:
        return ADAPTERS[kind]
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(ADAPTERS))}") from None


__all__ = [
    "ADAPTERS",
    "Document",
    "FetchError",
    "Fetcher",
    "Response",
    "SourceAdapter",
    "SourceContext",
    "SourceFormatError",
    "Validators",
    "adapter_for",
    "register",
]
