"""Writing a treatment-facility source's difference to the store, with the same history as meetings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from manyroads.store.tables import CHANGES, FACILITIES, FacilityRow
from manyroads.sync.changes import chunks, field_changes, history_row, split_changes
from manyroads.treatment.model import Facility

FACILITY_KIND = "findtreatment"


def facility_row(facility: Facility, source_id: int, now: datetime, digest: str) -> dict[str, Any]:
    return {
        "id": facility.id,
        "source_id": source_id,
        "native_id": facility.native_id,
        "name": facility.name,
        "latitude": facility.latitude,
        "longitude": facility.longitude,
        "record": facility.to_record(),
        "content_hash": digest,
        "first_seen_at": now,
        "last_seen_at": now,
    }


def apply_facilities(
    session: Session, source_id: int, fetch_id: int, facilities: list[Facility], now: datetime
) -> tuple[int, int, int]:
    """Insert, update and delete so the source's stored facilities equal `facilities`."""
    stored = dict(
        session.execute(
            select(FacilityRow.id, FacilityRow.content_hash).where(FacilityRow.source_id == source_id)
        ).all()
    )
    incoming = {f.id: f for f in facilities}
    hashes = {i: f.content_hash() for i, f in incoming.items()}
    added, removed, changed = split_changes(stored, hashes)
    history: list[dict[str, Any]] = []
    for chunk in chunks(added):
        session.execute(insert(FACILITIES), [facility_row(incoming[i], source_id, now, hashes[i]) for i in chunk])
        history.extend(history_row(i, source_id, fetch_id, now, "added", {}) for i in chunk)
    for chunk in chunks(changed):
        before: dict[str, dict[str, Any]] = dict(
            session.execute(select(FacilityRow.id, FacilityRow.record).where(FacilityRow.id.in_(chunk))).all()
        )
        rows = []
        for ident in chunk:
            row = facility_row(incoming[ident], source_id, now, hashes[ident])
            row.pop("first_seen_at")
            rows.append(row)
            diff = field_changes(before[ident], incoming[ident].to_record())
            history.append(history_row(ident, source_id, fetch_id, now, "changed", diff))
        session.execute(update(FacilityRow), rows)
    for chunk in chunks(removed):
        last: dict[str, dict[str, Any]] = dict(
            session.execute(select(FacilityRow.id, FacilityRow.record).where(FacilityRow.id.in_(chunk))).all()
        )
        session.execute(delete(FacilityRow).where(FacilityRow.id.in_(chunk)))
        history.extend(history_row(i, source_id, fetch_id, now, "removed", {"last": last[i]}) for i in chunk)
    for chunk in chunks(history):
        session.execute(insert(CHANGES), chunk)
    return len(added), len(changed), len(removed)
