"""medication stance evidence and treatment facilities

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:13:33.538437
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import manyroads.store.tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=300), nullable=False),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("given_on", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("group_statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_statements_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "stance_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=300), nullable=False),
        sa.Column("experience", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reporter", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("moderated_by", sa.String(length=100), nullable=True),
        sa.Column("moderated_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stance_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stance_reports_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stance_reports_reporter"), ["reporter"], unique=False)

    op.create_table(
        "facilities",
        sa.Column("id", sa.String(length=300), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("native_id", sa.String(length=250), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", manyroads.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilities_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_source_id"))

    op.drop_table("facilities")
    with op.batch_alter_table("stance_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stance_reports_reporter"))
        batch_op.drop_index(batch_op.f("ix_stance_reports_meeting_id"))

    op.drop_table("stance_reports")
    with op.batch_alter_table("group_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_statements_meeting_id"))

    op.drop_table("group_statements")
