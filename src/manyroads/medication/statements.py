"""Statements groups give the operator about people on medication for opioid use disorder.

A group's own word is the strongest evidence a meeting can have, so only operators record
statements (with who gave it, as a role, and when); every change is audited and bumps the
store's data version so every server's index picks it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from manyroads import operators
from manyroads.sources.normalise import plain_text
from manyroads.store import Store, utcnow
from manyroads.store.tables import GroupStatementRow, MeetingRow

STATEMENT_STANCES = ("welcoming", "unwelcoming")
MAX_STATEMENT = 600


class StatementError(ValueError):
    """A statement that cannot be recorded; says why."""


@dataclass(frozen=True, slots=True)
class GroupStatement:
    id: int
    meeting_id: str
    stance: str
    statement: str
    given_by: str
    given_on: datetime
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None


def _public(row: GroupStatementRow) -> GroupStatement:
    return GroupStatement(
        row.id,
        row.meeting_id,
        row.stance,
        row.statement,
        row.given_by,
        row.given_on,
        row.recorded_by,
        row.recorded_at,
        row.withdrawn_at,
    )


def add_statement(
    store: Store,
    *,
    meeting_id: str,
    stance: str,
    statement: str,
    given_by: str,
    given_on: datetime,
    operator: str,
) -> GroupStatement:
    if stance not in STATEMENT_STANCES:
        raise StatementError(f"stance must be one of {', '.join(STATEMENT_STANCES)}")
    text, _ = plain_text(statement, MAX_STATEMENT)
    role = " ".join(plain_text(given_by, 200)[0].split())
    if not text:
        raise StatementError("write down what the group said (a sentence or two)")
    if not role:
        raise StatementError("say who gave the statement, as a role (for example 'the group's secretary')")
    if given_on.tzinfo is None:
        raise StatementError("given_on needs a time zone")
    if given_on > utcnow():
        raise StatementError("a statement cannot be given in the future")
    now = utcnow()
    with store.transaction() as session:
        if session.get(MeetingRow, meeting_id) is None:
            raise StatementError(f"no meeting with id {meeting_id!r}")
        row = GroupStatementRow(
            meeting_id=meeting_id,
            stance=stance,
            statement=text,
            given_by=role,
            given_on=given_on,
            recorded_by=operator,
            recorded_at=now,
        )
        session.add(row)
        session.flush()
        store.bump_version(session)
        saved = _public(row)
    operators.record(store, operator, "add group statement", meeting_id, stance=stance, statement_id=saved.id)
    return saved


def withdraw_statement(store: Store, statement_id: int, operator: str) -> None:
    with store.transaction() as session:
        row = session.get(GroupStatementRow, statement_id)
        if row is None or row.withdrawn_at is not None:
            raise StatementError(f"no current statement with id {statement_id}")
        row.withdrawn_at = utcnow()
        store.bump_version(session)
        meeting = row.meeting_id
    operators.record(store, operator, "withdraw group statement", meeting, statement_id=statement_id)


def statements(store: Store, *, meeting_id: str | None = None, include_withdrawn: bool = False) -> list[GroupStatement]:
    query = select(GroupStatementRow).order_by(GroupStatementRow.given_on.desc(), GroupStatementRow.id.desc())
    if meeting_id is not None:
        query = query.where(GroupStatementRow.meeting_id == meeting_id)
    if not include_withdrawn:
        query = query.where(GroupStatementRow.withdrawn_at.is_(None))
    with store.session() as session:
        return [_public(row) for row in session.scalars(query)]
