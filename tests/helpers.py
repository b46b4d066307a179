"""Small helpers shared by test modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from manyroads.model import ParseResult
from manyroads.sources import SourceContext, adapter_for
from manyroads.store import Store
from manyroads.sync import HttpFetcher, Syncer


def parse_file(
    kind: str,
    path: Path,
    *,
    fellowship: str = "",
    timezone: str | None = None,
    options: dict[str, Any] | None = None,
    name: str = "t",
) -> ParseResult:
    adapter = adapter_for(kind)
    context = SourceContext(
        name=name,
        kind=kind,
        location=str(path),
        fellowship=fellowship or adapter.default_fellowship,
        default_timezone=timezone,
        options=options or {},
    )
    return adapter.parse(path.read_bytes(), context)


def syncer(store: Store, *, allow_private: bool = True, retries: int = 0) -> Syncer:
    fetcher = HttpFetcher(
        host_interval=0, retries=retries, allow_private=allow_private, timeout=5, sleep=lambda _s: None
    )
    return Syncer(store, fetcher)


def write_json(path: Path, value: Any) -> Path:
    path.write_bytes(orjson.dumps(value))
    return path
