"""Anonymous reports from people who attended: were people on medication made welcome?

What is kept is the least that lets reports be trusted: the meeting, welcomed or not, when,
and a keyed hash of the sender's network address. The key changes every day and the old ones
are deleted, so a hash groups one day's reports from one sender and nothing more.

Defences, in the order they act:
- per sender and day: one report per meeting, and a handful of meetings in all;
- flags for operators: a burst of reports on one meeting, a sender reporting on many
  meetings, a report that contradicts long-standing evidence;
- moderation: nothing counts until an operator approves it;
- aggregation: only approved reports from the last two years; at most one welcoming and one
  unwelcoming report count per meeting per week (a flood in one week is one data point);
  nothing is shown below three such weeks; reports alone never overrule the group's own
  statement, the feed's code or the fellowship's charter (they can only show that
  experiences differ).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import blake2b

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from manyroads import operators
from manyroads.store import Store, utcnow
from manyroads.store.tables import MeetingRow, MetaRow, StanceReportRow

EXPERIENCES = ("welcoming", "unwelcoming")
PER_SENDER_PER_DAY = 5
BURST_PER_DAY = 5
WINDOW = timedelta(days=730)
MIN_WEEKS = 3  # below this many independent weeks of reports, nothing is shown
LONG_STANDING = timedelta(days=180)
_KEY_PREFIX = "report-key:"


class ReportRefused(ValueError):
    """A report not accepted. `reason` is one of: experience, meeting, duplicate, limit; the
    message is safe to show the sender."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class StanceReport:
    id: int
    meeting_id: str
    experience: str
    submitted_at: datetime
    reporter: str
    status: str
    flags: list[str]
    moderated_by: str | None


@dataclass(frozen=True, slots=True)
class ReportAggregate:
    stance: str  # welcoming | unwelcoming | mixed
    welcoming_weeks: int
    unwelcoming_weeks: int
    since: datetime
    latest: datetime


def _daily_key(store: Store, now: datetime) -> bytes:
    """Today's key; keys older than yesterday are deleted (so old hashes cannot be recomputed)."""
    today = now.date()
    name = f"{_KEY_PREFIX}{today.isoformat()}"
    keep = {name, f"{_KEY_PREFIX}{(today - timedelta(days=1)).isoformat()}"}
    with store.transaction() as session:
        row = session.get(MetaRow, name)
        if row is None:
            row = MetaRow(key=name, value=secrets.token_hex(32))
            session.add(row)
        session.execute(delete(MetaRow).where(MetaRow.key.like(f"{_KEY_PREFIX}%"), MetaRow.key.not_in(keep)))
        return bytes.fromhex(row.value)


def reporter_hash(store: Store, address: str, now: datetime) -> str:
    return hmac.new(_daily_key(store, now), address.encode(), blake2b).hexdigest()[:32]


def submit_report(store: Store, meeting_id: str, experience: str, address: str, now: datetime | None = None) -> str:
    """Record a pending report; returns a message for the sender, or raises ReportRefused."""
    now = now or utcnow()
    if experience not in EXPERIENCES:
        raise ReportRefused("experience", "choose whether people on medication were made welcome")
    reporter = reporter_hash(store, address, now)
    day_start = now - timedelta(hours=24)
    with store.transaction() as session:
        if session.get(MeetingRow, meeting_id) is None:
            raise ReportRefused("meeting", "that meeting is no longer listed")
        today = list(
            session.execute(
                select(StanceReportRow.meeting_id).where(
                    StanceReportRow.reporter == reporter, StanceReportRow.submitted_at >= day_start
                )
            ).scalars()
        )
        if meeting_id in today:
            raise ReportRefused("duplicate", "you have already told us about this meeting today; thank you")
        if len(today) >= PER_SENDER_PER_DAY:
            raise ReportRefused("limit", "that is as many reports as we take from one connection in a day")
        flags = []
        recent = session.scalar(
            select(func.count())
            .select_from(StanceReportRow)
            .where(StanceReportRow.meeting_id == meeting_id, StanceReportRow.submitted_at >= day_start)
        )
        if (recent or 0) + 1 >= BURST_PER_DAY:
            flags.append(f"burst: {(recent or 0) + 1} reports on this meeting in 24 hours")
        if len(set(today)) + 1 >= 3:
            flags.append(f"this sender reported on {len(set(today)) + 1} meetings today")
        contrary = _contradicts_long_standing(session, meeting_id, experience, now)
        if contrary:
            flags.append(contrary)
        session.add(
            StanceReportRow(
                meeting_id=meeting_id,
                experience=experience,
                submitted_at=now,
                reporter=reporter,
                status="pending",
                flags=flags,
            )
        )
    return "Thank you. Reports are read by a person before they count, and only totals are ever shown."


def _contradicts_long_standing(session: Session, meeting_id: str, experience: str, now: datetime) -> str | None:
    older = session.execute(
        select(StanceReportRow.experience, func.count())
        .where(
            StanceReportRow.meeting_id == meeting_id,
            StanceReportRow.status == "approved",
            StanceReportRow.submitted_at <= now - LONG_STANDING,
        )
        .group_by(StanceReportRow.experience)
    ).all()
    counts = dict(older)
    other = "unwelcoming" if experience == "welcoming" else "welcoming"
    if counts.get(other, 0) >= MIN_WEEKS and counts.get(experience, 0) == 0:
        return f"contradicts {counts[other]} approved reports older than six months"
    return None


def moderate(store: Store, report_ids: list[int], decision: str, operator: str) -> int:
    """Approve or reject reports; returns how many changed. Counted stances change at once."""
    if decision not in ("approved", "rejected"):
        raise ValueError("decision is approved or rejected")
    now = utcnow()
    changed = 0
    with store.transaction() as session:
        for row in session.scalars(select(StanceReportRow).where(StanceReportRow.id.in_(report_ids))):
            if row.status != decision:
                row.status, row.moderated_by, row.moderated_at = decision, operator, now
                changed += 1
        if changed:
            store.bump_version(session)
    if changed:
        operators.record(store, operator, f"{decision[:-1]} reports", ",".join(map(str, report_ids)), count=changed)
    return changed


def reports(
    store: Store, *, status: str | None = None, meeting_id: str | None = None, limit: int = 500
) -> list[StanceReport]:
    query = select(StanceReportRow).order_by(StanceReportRow.submitted_at.desc()).limit(limit)
    if status:
        query = query.where(StanceReportRow.status == status)
    if meeting_id:
        query = query.where(StanceReportRow.meeting_id == meeting_id)
    with store.session() as session:
        return [
            StanceReport(
                r.id, r.meeting_id, r.experience, r.submitted_at, r.reporter, r.status, list(r.flags), r.moderated_by
            )
            for r in session.scalars(query)
        ]


def aggregate(approved: list[tuple[str, datetime]], now: datetime) -> ReportAggregate | None:
    """The public summary of one meeting's approved reports (experience, submitted_at), or None."""
    recent = [(experience, at) for experience, at in approved if now - at <= WINDOW]
    weeks: dict[str, set[tuple[int, int]]] = {"welcoming": set(), "unwelcoming": set()}
    for experience, at in recent:
        year, week, _ = at.isocalendar()
        weeks[experience].add((year, week))
    welcoming, unwelcoming = len(weeks["welcoming"]), len(weeks["unwelcoming"])
    if welcoming + unwelcoming < MIN_WEEKS:
        return None
    if welcoming >= 3 * unwelcoming:
        stance = "welcoming"
    elif unwelcoming >= 3 * welcoming:
        stance = "unwelcoming"
    else:
        stance = "mixed"
    times = [at for _, at in recent]
    return ReportAggregate(stance, welcoming, unwelcoming, min(times), max(times))
