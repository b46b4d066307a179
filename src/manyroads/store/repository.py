"""The store's public interface: what the rest of manyroads may ask of the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from manyroads.model import Meeting, meeting_id, record_hash
from manyroads.store.db import make_engine, upgrade
from manyroads.store.tables import (
    MEETINGS,
    ChangeRow,
    FacilityRow,
    FetchRow,
    MeetingRow,
    MetaRow,
    ProblemRow,
    SourceRow,
    UTCDateTime,
)

VERSION_KEY = "data_version"

# Meeting record keys whose column is named differently.
_RECORD_TO_COLUMN = {"group": "group_name"}
_COLUMN_TO_RECORD = {v: k for k, v in _RECORD_TO_COLUMN.items()}
MEETING_COLUMNS = [c.name for c in MeetingRow.__table__.columns]
_RECORD_KEYS = [_COLUMN_TO_RECORD.get(c, c) for c in MEETING_COLUMNS]
_SELECT_LIST = ", ".join(f'"{c}"' for c in MEETING_COLUMNS)
_SOURCE_POSITION = MEETING_COLUMNS.index("source_id")
_JSON_KEYS = [c.name for c in MeetingRow.__table__.columns if isinstance(c.type, JSON)]
_TIME_KEYS = [c.name for c in MeetingRow.__table__.columns if isinstance(c.type, UTCDateTime)]


def utcnow() -> datetime:
    return datetime.now(UTC)


def meeting_row(meeting: Meeting, source_id: int, now: datetime, content_hash: str | None = None) -> dict[str, Any]:
    """The database row for a normalised meeting (timestamps set to `now`)."""
    record = meeting.to_record()
    row = {_RECORD_TO_COLUMN.get(k, k): v for k, v in record.items() if k != "source"}
    row.update(
        id=meeting.id,
        source_id=source_id,
        source_updated=meeting.source_updated,
        content_hash=content_hash or record_hash(record),
        first_seen_at=now,
        last_seen_at=now,
        changed_at=now,
        canonical_id=None,
    )
    return row


def row_record(row: Any, source_name: str) -> dict[str, Any]:
    """A stored row back as a Meeting record (the shape `Meeting.to_record` gives)."""
    mapping = row._mapping if hasattr(row, "_mapping") else row
    record = {_COLUMN_TO_RECORD.get(k, k): v for k, v in mapping.items()}
    record["source"] = source_name
    updated = record.get("source_updated")
    record["source_updated"] = updated.isoformat() if isinstance(updated, datetime) else updated
    return record


class Store:
    """Opens (and migrates) the database; hands out sessions; answers simple reads."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = url
        self.engine: Engine = make_engine(url)
        if migrate:
            upgrade(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._source_names: dict[int, str] | None = None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    # -- data version: the index rebuilds when this changes -------------------------
    def data_version(self) -> int:
        with self.session() as session:
            value = session.get(MetaRow, VERSION_KEY)
            return int(value.value) if value else 0

    @staticmethod
    def bump_version(session: Session) -> None:
        row = session.get(MetaRow, VERSION_KEY)
        if row is None:
            session.add(MetaRow(key=VERSION_KEY, value="1"))
        else:
            row.value = str(int(row.value) + 1)

    # -- sources ----------------------------------------------------------------------
    def add_source(
        self,
        *,
        name: str,
        kind: str,
        location: str,
        fellowship: str,
        default_timezone: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> SourceRow:
        with self.transaction() as session:
            if session.scalar(select(SourceRow).where(SourceRow.name == name)) is not None:
                raise ValueError(f"a source named {name!r} already exists")
            row = SourceRow(
                name=name,
                kind=kind,
                location=location,
                fellowship=fellowship,
                default_timezone=default_timezone,
                options=options or {},
                enabled=True,
                status="new",
                status_reason="",
                last_error="",
                meeting_count=0,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
        self._source_names = None
        return row

    def sources(self, names: Sequence[str] | None = None) -> list[SourceRow]:
        with self.session() as session:
            query = select(SourceRow).order_by(SourceRow.id)
            if names:
                query = query.where(SourceRow.name.in_(names))
            rows = list(session.scalars(query))
        if names:
            missing = set(names) - {r.name for r in rows}
            if missing:
                raise KeyError(f"no source named {', '.join(sorted(missing))}")
        return rows

    def source(self, name: str) -> SourceRow:
        return self.sources([name])[0]

    def set_source_enabled(self, name: str, enabled: bool) -> None:
        with self.transaction() as session:
            source = session.scalar(select(SourceRow).where(SourceRow.name == name))
            if source is None:
                raise KeyError(f"no source named {name}")
            source.enabled = enabled
            source.status = "disabled" if not enabled else ("ok" if source.last_success_at else "new")
            source.status_changed_at = utcnow()
            self.bump_version(session)

    def remove_source(self, name: str) -> int:
        """Delete a source and its meetings; returns how many meetings went with it."""
        with self.transaction() as session:
            source = session.scalar(select(SourceRow).where(SourceRow.name == name))
            if source is None:
                raise KeyError(f"no source named {name}")
            count = (
                session.scalar(select(func.count()).select_from(MeetingRow).where(MeetingRow.source_id == source.id))
                or 0
            )
            session.delete(source)
            self.bump_version(session)
        self._source_names = None
        return count

    # -- meetings --------------------------------------------------------------------
    def source_names(self, *, fresh: bool = False) -> dict[int, str]:
        """Source id -> name. Cached: sources are few and a name never changes; an id the
        cache does not know (a source added by another process) refreshes it."""
        if fresh or self._source_names is None:
            with self.session() as session:
                self._source_names = dict(session.execute(select(SourceRow.id, SourceRow.name)).all())
        return self._source_names

    def meeting_records(
        self, ids: Sequence[str] | None = None, *, source: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Stored meetings as records (plus store columns: id, canonical_id, first_seen_at...)."""
        if ids is not None and not ids:
            return []
        names = self.source_names()
        query = select(MEETINGS)
        if ids is not None:
            query = query.where(MeetingRow.id.in_(list(ids)))
        if source is not None:
            source_id = next((i for i, n in names.items() if n == source), None)
            if source_id is None:
                raise KeyError(f"no source named {source}")
            query = query.where(MeetingRow.source_id == source_id)
        query = query.order_by(MeetingRow.id)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        if any(row.source_id not in names for row in rows):
            names = self.source_names(fresh=True)
        return [row_record(row, names.get(row.source_id, "?")) for row in rows]

    def meeting_records_by_id(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Records for a page of ids, read through the driver directly.

        The hot path of every search: SQLAlchemy's per-value processing costs more than the
        query itself for a page of rows, and every column's type is known here.
        """
        if not ids:
            return {}
        marker = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        sql = f"SELECT {_SELECT_LIST} FROM meetings WHERE id IN ({', '.join([marker] * len(ids))})"
        with self.engine.connect() as connection:
            rows = connection.exec_driver_sql(sql, tuple(ids)).fetchall()
        names = self.source_names()
        if any(row[_SOURCE_POSITION] not in names for row in rows):
            names = self.source_names(fresh=True)
        records = {}
        for row in rows:
            record = dict(zip(_RECORD_KEYS, row, strict=True))
            for key in _JSON_KEYS:
                value = record[key]
                if isinstance(value, (str, bytes)):
                    record[key] = orjson.loads(value)
            for key in _TIME_KEYS:
                value = record[key]
                if isinstance(value, str):
                    value = datetime.fromisoformat(value)
                if isinstance(value, datetime):
                    record[key] = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            record["location_approximate"] = bool(record["location_approximate"])
            record["source"] = names.get(record["source_id"], "?")
            updated = record["source_updated"]
            record["source_updated"] = updated.isoformat() if isinstance(updated, datetime) else updated
            records[record["id"]] = record
        return records

    def meeting_record(self, ident: str) -> dict[str, Any] | None:
        found = self.meeting_records([ident])
        return found[0] if found else None

    def linked_meetings(self, canonical: str) -> list[str]:
        with self.session() as session:
            return list(session.scalars(select(MeetingRow.id).where(MeetingRow.canonical_id == canonical)))

    def count_meetings(self) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(MeetingRow)) or 0

    # -- history and problems ---------------------------------------------------------
    def history(
        self, *, source: str | None = None, meeting: str | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        names = self.source_names()
        # The meeting's current name, for people reading the history (none once removed).
        query = (
            select(ChangeRow, MeetingRow.name)
            .outerjoin(MeetingRow, MeetingRow.id == ChangeRow.meeting_id)
            .order_by(ChangeRow.id.desc())
            .limit(limit)
        )
        if source:
            query = query.where(ChangeRow.source_id == self.source(source).id)
        if meeting:
            query = query.where(ChangeRow.meeting_id == meeting)
        with self.session() as session:
            return [
                {
                    "at": c.at.isoformat(),
                    "source": names.get(c.source_id, "?"),
                    "fetch": c.fetch_id,
                    "meeting": c.meeting_id,
                    "name": name,
                    "action": c.action,
                    "changes": c.changes,
                }
                for c, name in session.execute(query)
            ]

    def problems(self, *, source: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        names = self.source_names()
        query = select(ProblemRow).order_by(ProblemRow.source_id, ProblemRow.id).limit(limit)
        if source:
            query = query.where(ProblemRow.source_id == self.source(source).id)
        with self.session() as session:
            return [
                {
                    "source": names.get(p.source_id, "?"),
                    "record": p.record,
                    "field": p.field,
                    "reason": p.reason,
                    "severity": p.severity,
                    "excerpt": p.excerpt,
                    "at": p.at.isoformat(),
                }
                for p in session.scalars(query)
            ]

    def fetches(self, *, source: str | None = None, limit: int = 50) -> list[FetchRow]:
        query = select(FetchRow).order_by(FetchRow.id.desc()).limit(limit)
        if source:
            query = query.where(FetchRow.source_id == self.source(source).id)
        with self.session() as session:
            return list(session.scalars(query))

    def mark_seen(self, session: Session, source_id: int, now: datetime) -> None:
        session.execute(update(MeetingRow).where(MeetingRow.source_id == source_id).values(last_seen_at=now))
        session.execute(update(FacilityRow).where(FacilityRow.source_id == source_id).values(last_seen_at=now))

    # -- treatment facilities -----------------------------------------------------------
    def facility_records(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Stored facilities as their normalised records, plus when each was first and last seen."""
        query = select(FacilityRow.record, FacilityRow.first_seen_at, FacilityRow.last_seen_at).order_by(FacilityRow.id)
        if ids is not None:
            if not ids:
                return []
            query = query.where(FacilityRow.id.in_(list(ids)))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [{**record, "first_seen_at": first, "last_seen_at": last} for record, first, last in rows]

    def count_facilities(self) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(FacilityRow)) or 0


__all__ = ["MEETING_COLUMNS", "Store", "meeting_id", "meeting_row", "row_record", "utcnow"]
