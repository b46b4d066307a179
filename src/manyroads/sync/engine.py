"""Sync: fetch each source, check it, compare it with the store, apply the difference.

The rules that keep data safe:
- a source that cannot be fetched or parsed keeps its last good meetings and is marked
  failed with the reason; other sources still sync;
- a document that would shrink a source below `shrink_threshold` of its meetings is
  refused and the source is marked for review (an operator can accept it);
- the difference is applied in one transaction, so a sync that dies half-way leaves the
  store exactly as it was;
- every change is recorded: added / changed (field by field) / removed, with the fetch.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from manyroads.model import ParseResult, Problem, Severity
from manyroads.sources import SourceContext, adapter_for
from manyroads.sources.base import Document, Fetcher, FetchError, SourceFormatError, Validators
from manyroads.store import Store, meeting_row, row_record, utcnow
from manyroads.store.tables import CHANGES, MEETINGS, PROBLEMS, FetchRow, MeetingRow, ProblemRow, SourceRow
from manyroads.sync.changes import chunks, field_changes, history_row, jsonable, split_changes
from manyroads.sync.dedupe import link_duplicates
from manyroads.sync.facilities import FACILITY_KIND, apply_facilities

# Bump when normalisation changes, so unchanged feeds are parsed again with the new rules.
PARSER_VERSION = "2026-11-22.1"


@dataclass(slots=True)
class SyncReport:
    source: str
    outcome: str  # applied | unchanged | failed | refused
    added: int = 0
    changed: int = 0
    removed: int = 0
    quarantined: int = 0
    warnings: int = 0
    meetings: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in {"applied", "unchanged"}


ProgressCallback = Callable[[str, str], None]  # (source name, stage)


@dataclass(slots=True)
class _Fetched:
    """A source whose document was fetched and must now be parsed and applied."""

    source: SourceRow
    context: SourceContext
    document: Document
    digest: str
    started: datetime
    clock: float
    report: SyncReport


def parse_document(kind: str, body: bytes, context: SourceContext) -> ParseResult:
    """Parse one document (a module-level function, so a worker process can run it)."""
    return adapter_for(kind).parse(body, context)


class Syncer:
    """Syncs sources. With `parse_workers=1`, a worker process parses the next source while
    this process writes the previous one to the store, so both cores are busy. The worker is
    started with "spawn", so a script using it needs the usual `if __name__ == "__main__":`
    guard; the `manyroads` command has one."""

    def __init__(self, store: Store, fetcher: Fetcher, *, shrink_threshold: float = 0.5, parse_workers: int = 0):
        self.store = store
        self.fetcher = fetcher
        self.shrink_threshold = shrink_threshold
        self.parse_workers = parse_workers

    def sync(
        self,
        names: Sequence[str] | None = None,
        *,
        force: bool = False,
        accept_shrink: bool = False,
        progress: ProgressCallback | None = None,
    ) -> list[SyncReport]:
        sources = [s for s in self.store.sources(names) if s.enabled or names]
        reports: dict[str, SyncReport] = {}
        pool = None
        if self.parse_workers > 0 and len(sources) > 2:
            pool = ProcessPoolExecutor(self.parse_workers, mp_context=multiprocessing.get_context("spawn"))
        pending: deque[tuple[_Fetched, Future[ParseResult]]] = deque()
        try:
            for source in sources:
                fetched = self._fetch(source, force=force, progress=progress)
                if isinstance(fetched, SyncReport):
                    reports[source.name] = fetched
                    continue
                if progress:
                    progress(source.name, "parsing")
                pending.append((fetched, self._submit(pool, fetched)))
                # Keep one parse in flight while the previous document is written.
                while len(pending) > (1 if pool else 0):
                    done, parse = pending.popleft()
                    reports[done.source.name] = self._finish(done, parse, accept_shrink, progress)
            while pending:
                done, parse = pending.popleft()
                reports[done.source.name] = self._finish(done, parse, accept_shrink, progress)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        ordered = [reports[s.name] for s in sources]
        if any(r.outcome == "applied" for r in ordered):
            if progress:
                progress("", "linking duplicates")
            with self.store.transaction() as session:
                if link_duplicates(session):
                    self.store.bump_version(session)
        return ordered

    def sync_source(
        self,
        source: SourceRow,
        *,
        force: bool = False,
        accept_shrink: bool = False,
        progress: ProgressCallback | None = None,
    ) -> SyncReport:
        """Sync one source, all in this process."""
        fetched = self._fetch(source, force=force, progress=progress)
        if isinstance(fetched, SyncReport):
            return fetched
        return self._finish(fetched, self._submit(None, fetched), accept_shrink, progress)

    @staticmethod
    def _submit(pool: ProcessPoolExecutor | None, fetched: _Fetched) -> Future[ParseResult]:
        args = (fetched.source.kind, fetched.document.body, fetched.context)
        if pool is not None:
            return pool.submit(parse_document, *args)
        future: Future[ParseResult] = Future()
        try:
            future.set_result(parse_document(*args))
        except Exception as error:  # handed to _finish exactly as a worker's error would be
            future.set_exception(error)
        return future

    def _fetch(self, source: SourceRow, *, force: bool, progress: ProgressCallback | None) -> _Fetched | SyncReport:
        """Fetch a source; returns the final report if there is nothing to parse."""
        started = utcnow()
        clock = time.perf_counter()
        report = SyncReport(source.name, "failed")
        context = SourceContext(
            name=source.name,
            kind=source.kind,
            location=source.location,
            fellowship=source.fellowship,
            default_timezone=source.default_timezone,
            options=source.options or {},
            now=started,
        )
        try:
            adapter = adapter_for(source.kind)
            if progress:
                progress(source.name, "fetching")
            previous = None if force else Validators(source.etag, source.last_modified)
            document = adapter.fetch(context, self.fetcher, previous)
        except (FetchError, SourceFormatError, ValueError) as error:
            report.message = str(error)
            self._record_failure(source, started, report, "failed")
            report.seconds = time.perf_counter() - clock
            return report
        report.requests, report.bytes = document.requests, len(document.body)
        digest = _digest(document)
        if document.not_modified or (not force and digest == source.content_hash and source.status == "ok"):
            report.outcome, report.meetings = "unchanged", source.meeting_count
            self._record_unchanged(source, started, document, report)
            report.seconds = time.perf_counter() - clock
            return report
        return _Fetched(source, context, document, digest, started, clock, report)

    def _finish(
        self, fetched: _Fetched, parse: Future[ParseResult], accept_shrink: bool, progress: ProgressCallback | None
    ) -> SyncReport:
        """Check the parsed document and apply it (or record why not)."""
        source, report, started = fetched.source, fetched.report, fetched.started
        try:
            try:
                parsed = parse.result()
            except BrokenProcessPool:  # the worker died (killed, out of memory): parse here instead
                parsed = self._submit(None, fetched).result()
        except (SourceFormatError, ValueError) as error:
            report.message = str(error)
            self._record_failure(source, started, report, "failed")
            report.seconds = time.perf_counter() - fetched.clock
            return report
        report.quarantined = len(parsed.quarantined)
        report.warnings = len(parsed.problems) - report.quarantined
        new_count = len(parsed.meetings) + len(parsed.facilities)
        if not accept_shrink and source.meeting_count and new_count < source.meeting_count * self.shrink_threshold:
            report.outcome = "refused"
            report.message = (
                f"the source now lists {new_count} meetings, down from {source.meeting_count}; "
                "kept the stored meetings until an operator accepts the change (sync --accept-shrink)"
            )
            self._record_failure(source, started, report, "needs_review")
            report.seconds = time.perf_counter() - fetched.clock
            return report
        if progress:
            progress(source.name, "applying")
        self._apply(source, parsed, fetched.document, fetched.digest, started, report)
        report.seconds = time.perf_counter() - fetched.clock
        return report

    # -- writing -----------------------------------------------------------------------
    def _apply(
        self,
        source: SourceRow,
        parsed: ParseResult,
        document: Document,
        digest: str,
        started: datetime,
        report: SyncReport,
    ) -> None:
        now = utcnow()
        with self.store.transaction() as session:
            fetch = FetchRow(
                source_id=source.id,
                started_at=started,
                outcome="applied",
                requests=document.requests,
                bytes=len(document.body),
                content_hash=digest,
                message="",
            )
            session.add(fetch)
            session.flush()
            if parsed.facilities or adapter_for(source.kind).kind == FACILITY_KIND:
                added, changed, removed = apply_facilities(session, source.id, fetch.id, parsed.facilities, now)
                count = len(parsed.facilities)
            else:
                added, changed, removed = self._apply_meetings(session, source, fetch.id, parsed, now)
                count = len(parsed.meetings)
            self.store.mark_seen(session, source.id, now)
            self._replace_problems(session, source.id, fetch.id, parsed.problems, now)

            fetch.added, fetch.changed, fetch.removed = added, changed, removed
            fetch.quarantined, fetch.warnings = report.quarantined, report.warnings
            fetch.finished_at = utcnow()
            session.execute(
                update(SourceRow)
                .where(SourceRow.id == source.id)
                .values(
                    status="ok",
                    status_reason="",
                    status_changed_at=now if source.status != "ok" else source.status_changed_at,
                    last_attempt_at=started,
                    last_success_at=now,
                    last_error="",
                    etag=document.validators.etag,
                    last_modified=document.validators.last_modified,
                    content_hash=digest,
                    meeting_count=count,
                )
            )
            if added or changed or removed:
                self.store.bump_version(session)
        report.outcome = "applied"
        report.added, report.changed, report.removed = added, changed, removed
        report.meetings = count

    def _apply_meetings(
        self, session: Session, source: SourceRow, fetch_id: int, parsed: ParseResult, now: datetime
    ) -> tuple[int, int, int]:
        """Write a meeting source's difference; returns (added, changed, removed)."""
        stored = dict(
            session.execute(
                select(MeetingRow.id, MeetingRow.content_hash).where(MeetingRow.source_id == source.id)
            ).all()
        )
        incoming = {m.id: m for m in parsed.meetings}
        hashes = {i: m.content_hash() for i, m in incoming.items()}
        added, removed, changed = split_changes(stored, hashes)
        history: list[dict[str, Any]] = []

        for chunk in chunks(added):
            session.execute(
                insert(MEETINGS),
                [meeting_row(incoming[i], source.id, now, hashes[i]) for i in chunk],
            )
            history.extend(history_row(i, source.id, fetch_id, now, "added", {}) for i in chunk)

        for chunk in chunks(changed):
            before = {
                r.id: row_record(r, source.name)
                for r in session.execute(select(MEETINGS).where(MeetingRow.id.in_(chunk))).all()
            }
            rows = []
            for ident in chunk:
                row = meeting_row(incoming[ident], source.id, now, hashes[ident])
                for keep in ("first_seen_at", "canonical_id"):
                    row.pop(keep)
                rows.append(row)
                diff = field_changes(before[ident], incoming[ident].to_record())
                history.append(history_row(ident, source.id, fetch_id, now, "changed", diff))
            session.execute(update(MeetingRow), rows)  # bulk UPDATE by primary key

        for chunk in chunks(removed):
            last = {
                r.id: row_record(r, source.name)
                for r in session.execute(select(MEETINGS).where(MeetingRow.id.in_(chunk))).all()
            }
            session.execute(delete(MeetingRow).where(MeetingRow.id.in_(chunk)))
            session.execute(update(MeetingRow).where(MeetingRow.canonical_id.in_(chunk)).values(canonical_id=None))
            history.extend(
                history_row(i, source.id, fetch_id, now, "removed", {"last": jsonable(last[i])}) for i in chunk
            )

        for chunk in chunks(history):
            session.execute(insert(CHANGES), chunk)
        return len(added), len(changed), len(removed)

    @staticmethod
    def _replace_problems(
        session: Session, source_id: int, fetch_id: int, problems: list[Problem], now: datetime
    ) -> None:
        session.execute(delete(ProblemRow).where(ProblemRow.source_id == source_id))
        rows = [
            {
                "source_id": source_id,
                "fetch_id": fetch_id,
                "record": p.record[:500],
                "field": p.field[:100],
                "reason": p.reason,
                "severity": p.severity.value,
                "excerpt": p.excerpt,
                "at": now,
            }
            for p in problems
        ]
        for chunk in chunks(rows):
            session.execute(insert(PROBLEMS), chunk)

    def _record_unchanged(self, source: SourceRow, started: datetime, document: Document, report: SyncReport) -> None:
        now = utcnow()
        with self.store.transaction() as session:
            session.add(
                FetchRow(
                    source_id=source.id,
                    started_at=started,
                    finished_at=now,
                    outcome="unchanged",
                    requests=document.requests,
                    bytes=len(document.body),
                    content_hash=source.content_hash,
                    message="",
                )
            )
            values: dict[str, Any] = {"last_attempt_at": started, "last_success_at": now, "last_error": ""}
            if source.status != "ok":
                values.update(status="ok", status_reason="", status_changed_at=now)
            if document.validators.etag or document.validators.last_modified:
                values.update(etag=document.validators.etag, last_modified=document.validators.last_modified)
            session.execute(update(SourceRow).where(SourceRow.id == source.id).values(**values))
            self.store.mark_seen(session, source.id, now)

    def _record_failure(self, source: SourceRow, started: datetime, report: SyncReport, status: str) -> None:
        now = utcnow()
        with self.store.transaction() as session:
            session.add(
                FetchRow(
                    source_id=source.id,
                    started_at=started,
                    finished_at=now,
                    outcome=report.outcome,
                    requests=report.requests,
                    bytes=report.bytes,
                    quarantined=report.quarantined,
                    warnings=report.warnings,
                    message=report.message,
                )
            )
            values: dict[str, Any] = {
                "status": status,
                "status_reason": report.message,
                "last_attempt_at": started,
                "last_error": report.message,
            }
            if source.status != status:
                values["status_changed_at"] = now
            session.execute(update(SourceRow).where(SourceRow.id == source.id).values(**values))
        report.meetings = source.meeting_count


def _digest(document: Document) -> str:
    return hashlib.sha256(PARSER_VERSION.encode() + b"\0" + document.body).hexdigest()


__all__ = ["PARSER_VERSION", "Severity", "SyncReport", "Syncer"]
