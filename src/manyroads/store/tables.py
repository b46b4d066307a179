"""The database schema (SQLAlchemy 2). Alembic migrations in ./migrations create it.

Meetings are stored flat: one row per meeting, lists as JSON. The in-memory index, not the
database, answers searches, so the schema favours simple, portable columns over clever
indexing. Everything here runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Boolean, DateTime, Dialect, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    location: Mapped[str] = mapped_column(Text)
    fellowship: Mapped[str] = mapped_column(String(40))
    default_timezone: Mapped[str | None] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # new | ok | failed | needs_review | disabled
    status: Mapped[str] = mapped_column(String(20), default="new")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    meeting_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class FetchRow(Base):
    """One sync attempt of one source: what happened and what it changed."""

    __tablename__ = "fetches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # applied | unchanged | failed | refused
    outcome: Mapped[str] = mapped_column(String(20))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)  # "<source>:<native id>"
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    native_id: Mapped[str] = mapped_column(String(250))
    fellowship: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    group_name: Mapped[str] = mapped_column(Text, default="")
    weekday: Mapped[int | None] = mapped_column(Integer)
    start_minute: Mapped[int | None] = mapped_column(Integer)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str | None] = mapped_column(String(64))
    timezone_origin: Mapped[str] = mapped_column(String(20))
    attendance: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    location_name: Mapped[str] = mapped_column(Text, default="")
    location_street: Mapped[str] = mapped_column(Text, default="")
    location_city: Mapped[str] = mapped_column(Text, default="")
    location_region: Mapped[str] = mapped_column(Text, default="")
    location_postal_code: Mapped[str] = mapped_column(String(40), default="")
    location_country: Mapped[str] = mapped_column(Text, default="")
    location_formatted_address: Mapped[str] = mapped_column(Text, default="")
    location_latitude: Mapped[float | None] = mapped_column(Float)
    location_longitude: Mapped[float | None] = mapped_column(Float)
    location_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    location_notes: Mapped[str] = mapped_column(Text, default="")
    conference_url: Mapped[str] = mapped_column(Text, default="")
    conference_url_notes: Mapped[str] = mapped_column(Text, default="")
    conference_phone: Mapped[str] = mapped_column(String(100), default="")
    conference_phone_notes: Mapped[str] = mapped_column(Text, default="")
    features: Mapped[list[Any]] = mapped_column(JSON, default=list)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source_tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    group_notes: Mapped[str] = mapped_column(Text, default="")
    feedback_url: Mapped[str] = mapped_column(Text, default="")
    feedback_emails: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source_url: Mapped[str] = mapped_column(Text, default="")
    source_updated: Mapped[datetime | None]
    regions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    changed_at: Mapped[datetime]
    # When two sources publish the same meeting, the others point at the canonical one.
    canonical_id: Mapped[str | None] = mapped_column(String(300), index=True)

    __table_args__ = (Index("ix_meetings_source_native", "source_id", "native_id", unique=True),)


class ChangeRow(Base):
    """History: every meeting added, changed or removed, with field-level before -> after."""

    __tablename__ = "meeting_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(String(300), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    fetch_id: Mapped[int] = mapped_column(ForeignKey("fetches.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(10))  # added | changed | removed
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ProblemRow(Base):
    """Problems found in a source's latest parsed document."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    fetch_id: Mapped[int] = mapped_column(ForeignKey("fetches.id", ondelete="CASCADE"))
    record: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(20))
    excerpt: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class MetaRow(Base):
    """Small key/value facts about the store, e.g. the data version the index watches."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UserRow(Base):
    """An operator (someone who runs this instance). People looking for meetings have no accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class AuditRow(Base):
    """Every operator action: who, what, when, on what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FacilityRow(Base):
    """A treatment facility from a treatment-locator source. The normalised facility is kept
    whole in `record`; coordinates are columns for the index to read quickly."""

    __tablename__ = "facilities"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)  # "<source>:<native id>"
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    native_id: Mapped[str] = mapped_column(String(250))
    name: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class GroupStatementRow(Base):
    """What a group told the operator about people on medication for opioid use disorder."""

    __tablename__ = "group_statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(String(300), index=True)
    stance: Mapped[str] = mapped_column(String(20))  # welcoming | unwelcoming
    statement: Mapped[str] = mapped_column(Text)  # the group's words, as the operator recorded them
    given_by: Mapped[str] = mapped_column(String(200))  # a role ("the group's secretary"), never a full name
    given_on: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class StanceReportRow(Base):
    """One anonymous attendee report: was a person on medication made welcome at a meeting?

    No account, address or free text: `reporter` is a keyed hash of the sender's network
    address whose key changes every day and is then deleted, so it groups one day's reports
    by sender and cannot be traced back afterwards."""

    __tablename__ = "stance_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(String(300), index=True)
    experience: Mapped[str] = mapped_column(String(20))  # welcoming | unwelcoming
    submitted_at: Mapped[datetime]
    reporter: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | approved | rejected
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)  # why moderators should look twice
    moderated_by: Mapped[str | None] = mapped_column(String(100))
    moderated_at: Mapped[datetime | None]


# Plain Table handles for bulk Core statements (much faster than ORM bulk inserts).
MEETINGS = cast(Table, MeetingRow.__table__)
CHANGES = cast(Table, ChangeRow.__table__)
PROBLEMS = cast(Table, ProblemRow.__table__)
FACILITIES = cast(Table, FacilityRow.__table__)
