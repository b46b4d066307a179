"""Pieces of a sync's write-up: batching, and the history rows that record each change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

BATCH = 5000


def chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def history_row(
    meeting: str, source_id: int, fetch_id: int, at: datetime, action: str, changes: dict[str, Any]
) -> dict[str, Any]:
    return {
        "meeting_id": meeting,
        "source_id": source_id,
        "fetch_id": fetch_id,
        "at": at,
        "action": action,
        "changes": changes,
    }


_NOT_COMPARED = {
    "source",
    "id",
    "source_id",
    "content_hash",
    "first_seen_at",
    "last_seen_at",
    "changed_at",
    "canonical_id",
}


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [jsonable(before.get(key)), value]
        for key, value in after.items()
        if key not in _NOT_COMPARED and jsonable(before.get(key)) != value
    }


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k not in {"content_hash"}}
    return value


def split_changes(stored: dict[str, str], incoming: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Ids added, removed and changed, from stored and incoming content hashes by id."""
    added = [i for i in incoming if i not in stored]
    removed = [i for i in stored if i not in incoming]
    changed = [i for i in incoming if i in stored and stored[i] != incoming[i]]
    return added, removed, changed
