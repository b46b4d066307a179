"""Joins every kind of stance evidence for the index and for pages.

Charter and feed code come with each meeting; group statements and approved attendee reports
live in their own tables. This loads the latter once per data version (they are few) and
answers both "which stance code does each meeting get in the index?" and "what evidence does
this meeting's page show?".
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from manyroads.index.columns import StanceProvider
from manyroads.medication.reports import ReportAggregate, aggregate
from manyroads.medication.stance import STANCE_CODES, Evidence, charter_evidence, decide, stance_codes
from manyroads.store import Store, utcnow
from manyroads.store.tables import GroupStatementRow, StanceReportRow

STALE_STATEMENT = timedelta(days=730)

_TEXT = {
    "en": {
        "statement": "{who} told the people who run this site: “{words}”",
        "stale": " This was more than two years ago; groups change.",
        "reports_welcoming": "People who attended said they felt welcome as people on medication in {w} of {n} weeks "
        "with reports, from {since} to {latest}.",
        "reports_unwelcoming": "People who attended said they did not feel welcome as people on medication in {u} of "
        "{n} weeks with reports, from {since} to {latest}.",
        "reports_mixed": "Reports from people who attended differ: welcome in {w} and not welcome in {u} of {n} weeks "
        "with reports, from {since} to {latest}.",
    },
    "es": {
        "statement": "{who} dijo a quienes administran este sitio: «{words}»",
        "stale": " Esto fue hace más de dos años; los grupos cambian.",
        "reports_welcoming": "Personas que asistieron dijeron sentirse bienvenidas tomando medicamentos en {w} de {n} "
        "semanas con informes, de {since} a {latest}.",
        "reports_unwelcoming": "Personas que asistieron dijeron no sentirse bienvenidas tomando medicamentos en {u} de "
        "{n} semanas con informes, de {since} a {latest}.",
        "reports_mixed": "Los informes de quienes asistieron difieren: bienvenida en {w} y sin bienvenida en {u} de "
        "{n} semanas con informes, de {since} a {latest}.",
    },
}


def _month(at: datetime) -> str:
    return at.strftime("%Y-%m")  # month precision: enough to judge age, too coarse to identify anyone


class StanceEvidence:
    """Statements and report totals for one data version of the store."""

    def __init__(self, store: Store, check_seconds: float = 2.0):
        self.store = store
        self.check_seconds = check_seconds  # how stale a page may be after an operator's change
        self._checked = -1e9
        self._lock = threading.Lock()
        self._version = -1
        self._statements: dict[str, GroupStatementRow] = {}
        self._reports: dict[str, ReportAggregate] = {}

    def _load(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._checked < self.check_seconds:
            return
        self._checked = time.monotonic()
        version = self.store.data_version()
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            now = utcnow()
            latest: dict[str, GroupStatementRow] = {}
            approved: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
            with self.store.session() as session:
                for row in session.scalars(
                    select(GroupStatementRow)
                    .where(GroupStatementRow.withdrawn_at.is_(None))
                    .order_by(GroupStatementRow.given_on, GroupStatementRow.id)
                ):
                    session.expunge(row)
                    latest[row.meeting_id] = row  # the newest statement wins
                for meeting, experience, at in session.execute(
                    select(StanceReportRow.meeting_id, StanceReportRow.experience, StanceReportRow.submitted_at).where(
                        StanceReportRow.status == "approved"
                    )
                ):
                    approved[meeting].append((experience, at))
            reports = {meeting: found for meeting, rows in approved.items() if (found := aggregate(rows, now))}
            self._statements, self._reports, self._version = latest, reports, version

    def evidence_for(self, meeting_id: str, language: str = "en") -> list[Evidence]:
        self._load()
        text = _TEXT["es" if language.startswith("es") else "en"]
        found = []
        statement = self._statements.get(meeting_id)
        if statement is not None:
            summary = text["statement"].format(who=statement.given_by, words=statement.statement)
            if utcnow() - statement.given_on > STALE_STATEMENT:
                summary += text["stale"]
            found.append(Evidence("group_statement", statement.stance, summary, statement.given_on.date().isoformat()))
        totals = self._reports.get(meeting_id)
        if totals is not None:
            weeks = totals.welcoming_weeks + totals.unwelcoming_weeks
            summary = text[f"reports_{totals.stance}"].format(
                w=totals.welcoming_weeks,
                u=totals.unwelcoming_weeks,
                n=weeks,
                since=_month(totals.since),
                latest=_month(totals.latest),
            )
            found.append(Evidence("attendee_reports", totals.stance, summary, _month(totals.latest)))
        return found

    def index_stance(self) -> StanceProvider:
        """The index's stance column: charter and feed code, then statements and reports."""

        def codes(
            ids: Sequence[str], fellowships: Sequence[str], features: Sequence[Sequence[str]]
        ) -> npt.NDArray[np.int8]:
            column = stance_codes(ids, fellowships, features)
            self._load(force=True)  # the index being built must match the store it reads
            touched = self._statements.keys() | self._reports.keys()
            if not touched:
                return column
            for row, ident in enumerate(ids):
                if ident not in touched:
                    continue
                evidence = [e for e in (charter_evidence(fellowships[row]),) if e]
                if "medication_welcome" in features[row]:
                    evidence.append(Evidence("feed_code", "welcoming", ""))
                evidence.extend(self.evidence_for(ident))
                column[row] = STANCE_CODES[decide(evidence)]
            return column

        return codes
