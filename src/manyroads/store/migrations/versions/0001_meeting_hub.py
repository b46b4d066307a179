"""meeting hub: sources, fetches, meetings, history, problems

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 06:49:34.919699
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import manyroads.store.tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("fellowship", sa.String(length=40), nullable=False),
        sa.Column("default_timezone", sa.String(length=64), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("status_changed_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("meeting_count", sa.Integer(), nullable=False),
        sa.Column("created_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "fetches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("started_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetches_source_id"), ["source_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.String(length=300), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("native_id", sa.String(length=250), nullable=False),
        sa.Column("fellowship", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("group_name", sa.Text(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("start_minute", sa.Integer(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("timezone_origin", sa.String(length=20), nullable=False),
        sa.Column("attendance", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("location_name", sa.Text(), nullable=False),
        sa.Column("location_street", sa.Text(), nullable=False),
        sa.Column("location_city", sa.Text(), nullable=False),
        sa.Column("location_region", sa.Text(), nullable=False),
        sa.Column("location_postal_code", sa.String(length=40), nullable=False),
        sa.Column("location_country", sa.Text(), nullable=False),
        sa.Column("location_formatted_address", sa.Text(), nullable=False),
        sa.Column("location_latitude", sa.Float(), nullable=True),
        sa.Column("location_longitude", sa.Float(), nullable=True),
        sa.Column("location_approximate", sa.Boolean(), nullable=False),
        sa.Column("location_notes", sa.Text(), nullable=False),
        sa.Column("conference_url", sa.Text(), nullable=False),
        sa.Column("conference_url_notes", sa.Text(), nullable=False),
        sa.Column("conference_phone", sa.String(length=100), nullable=False),
        sa.Column("conference_phone_notes", sa.Text(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("source_tags", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("group_notes", sa.Text(), nullable=False),
        sa.Column("feedback_url", sa.Text(), nullable=False),
        sa.Column("feedback_emails", sa.JSON(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("source_updated", manyroads.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("canonical_id", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_canonical_id"), ["canonical_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_source_id"), ["source_id"], unique=False)
        batch_op.create_index("ix_meetings_source_native", ["source_id", "native_id"], unique=True)

    op.create_table(
        "meeting_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=300), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("fetch_id", sa.Integer(), nullable=False),
        sa.Column("at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["fetch_id"], ["fetches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_changes_fetch_id"), ["fetch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_changes_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_changes_source_id"), ["source_id"], unique=False)

    op.create_table(
        "problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("fetch_id", sa.Integer(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["fetch_id"], ["fetches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problems_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problems_source_id"))

    op.drop_table("problems")
    with op.batch_alter_table("meeting_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_changes_source_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_changes_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_changes_fetch_id"))

    op.drop_table("meeting_changes")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_source_native")
        batch_op.drop_index(batch_op.f("ix_meetings_source_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_canonical_id"))

    op.drop_table("meetings")
    with op.batch_alter_table("fetches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetches_source_id"))

    op.drop_table("fetches")
    op.drop_table("store_meta")
    op.drop_table("sources")
