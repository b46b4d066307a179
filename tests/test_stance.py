"""Medication stance: how evidence combines, what reports can and cannot do, and what pages show."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from manyroads import operators
from manyroads.medication import reports, statements
from manyroads.medication.provider import StanceEvidence
from manyroads.medication.stance import Evidence, decide
from manyroads.store import Store
from manyroads.store.tables import MetaRow, StanceReportRow
from tests.helpers import syncer, write_json
from tests.live import LiveServer

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _rows(prefix: str, count: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "slug": f"{prefix}{i}",
            "name": f"{prefix.title()} Meeting {i}",
            "day": i % 7,
            "time": "19:00",
            "formatted_address": f"{10 + i} Main St, Springfield, IL 62701, USA",
            "latitude": 39.80 + i * 0.01,
            "longitude": -89.65,
            "types": ["O"],
            **extra,
        }
        for i in range(count)
    ]


@pytest.fixture
def world(store: Store, tmp_path: Path) -> Store:
    """AA meetings (charter: unknown), SMART meetings (charter: welcoming), one AA meeting whose
    feed carries our medication code."""
    aa = _rows("aa", 6)
    aa[5]["types"] = ["O", "MOUD"]
    store.add_source(
        name="aa", kind="meeting-guide", location=str(write_json(tmp_path / "aa.json", aa)), fellowship="AA"
    )
    smart = _rows("smart", 2)
    store.add_source(
        name="smart", kind="meeting-guide", location=str(write_json(tmp_path / "s.json", smart)), fellowship="SMART"
    )
    syncer(store).sync()
    return store


def _ev(kind: str, stance: str) -> Evidence:
    return Evidence(kind, stance, "")


def test_decide_ranks_evidence_and_reports_only_show_disagreement() -> None:
    assert decide([]) == "unknown"
    assert decide([_ev("charter", "welcoming")]) == "welcoming"
    assert decide([_ev("charter", "welcoming"), _ev("group_statement", "unwelcoming")]) == "unwelcoming"
    assert decide([_ev("feed_code", "welcoming"), _ev("charter", "unknown")]) == "welcoming"
    assert decide([_ev("attendee_reports", "welcoming")]) == "welcoming", "reports decide when nothing else does"
    assert decide([_ev("group_statement", "welcoming"), _ev("attendee_reports", "unwelcoming")]) == "mixed"
    assert decide([_ev("charter", "welcoming"), _ev("attendee_reports", "welcoming")]) == "welcoming"


def _weeks_ago(n: int, hour: int = 0) -> datetime:
    return NOW - timedelta(weeks=n, hours=hour)


def test_aggregate_needs_three_independent_weeks() -> None:
    assert reports.aggregate([("welcoming", _weeks_ago(1)), ("welcoming", _weeks_ago(2))], NOW) is None
    # A flood inside one week is one data point.
    flood = [("unwelcoming", _weeks_ago(1, hour=h)) for h in range(40)]
    assert reports.aggregate(flood, NOW) is None
    three = reports.aggregate([("welcoming", _weeks_ago(w)) for w in (1, 5, 9)], NOW)
    assert three is not None and (three.stance, three.welcoming_weeks) == ("welcoming", 3)
    old = [("welcoming", NOW - timedelta(days=800 + d)) for d in (0, 10, 20, 30)]
    assert reports.aggregate(old, NOW) is None, "reports older than two years do not count"
    mixed = reports.aggregate([("welcoming", _weeks_ago(w)) for w in (1, 2, 3)] + [("unwelcoming", _weeks_ago(4))], NOW)
    assert mixed is not None and mixed.stance == "welcoming", "three to one is still welcoming"
    split = [("welcoming", _weeks_ago(w)) for w in (1, 2)] + [("unwelcoming", _weeks_ago(w)) for w in (3, 4)]
    assert reports.aggregate(split, NOW).stance == "mixed"  # type: ignore[union-attr]


def test_a_brigade_in_one_week_cannot_overturn_long_standing_reports() -> None:
    history = [("welcoming", _weeks_ago(w)) for w in (10, 14, 20, 26, 30, 40)]
    brigade = [("unwelcoming", _weeks_ago(0, hour=h)) for h in range(25)]
    result = reports.aggregate(history + brigade, NOW)
    assert result is not None and result.stance == "welcoming"
    assert (result.welcoming_weeks, result.unwelcoming_weeks) == (6, 1)


def _submit(store: Store, meeting: str, experience: str, address: str = "198.51.100.7", at: datetime = NOW) -> str:
    return reports.submit_report(store, meeting, experience, address, now=at)


def test_report_limits_per_sender(world: Store) -> None:
    assert "Thank you" in _submit(world, "aa:aa0", "welcoming")
    with pytest.raises(reports.ReportRefused) as duplicate:
        _submit(world, "aa:aa0", "unwelcoming")
    assert duplicate.value.reason == "duplicate"
    for i in range(1, 5):
        _submit(world, f"aa:aa{i}", "welcoming")
    with pytest.raises(reports.ReportRefused) as limit:
        _submit(world, "aa:aa5", "welcoming")
    assert limit.value.reason == "limit"
    _submit(world, "aa:aa5", "welcoming", address="203.0.113.9")  # another sender is fine
    _submit(world, "aa:aa0", "welcoming", at=NOW + timedelta(days=1))  # and so is tomorrow
    with pytest.raises(reports.ReportRefused) as unknown:
        _submit(world, "aa:nope", "welcoming", address="192.0.2.1")
    assert unknown.value.reason == "meeting"
    with pytest.raises(reports.ReportRefused) as blank:
        _submit(world, "aa:aa1", "maybe", address="192.0.2.1")
    assert blank.value.reason == "experience"
    flagged = {r.meeting_id: r.flags for r in reports.reports(world, status="pending") if r.flags}
    assert any("meetings today" in " ".join(f) for f in flagged.values()), "one sender on many meetings is flagged"


def test_nothing_identifying_is_kept(world: Store) -> None:
    _submit(world, "aa:aa1", "welcoming", address="198.51.100.77")
    with world.session() as session:
        row = session.scalars(select(StanceReportRow)).one()
        stored = " ".join(str(getattr(row, c.name)) for c in StanceReportRow.__table__.columns)
        keys = [k for k in session.scalars(select(MetaRow.key)) if k.startswith("report-key:")]
    assert "198.51.100.77" not in stored
    assert re.fullmatch(r"[0-9a-f]{32}", row.reporter)
    # Keys older than yesterday are deleted as soon as a new day's key is made.
    _submit(world, "aa:aa2", "welcoming", at=NOW + timedelta(days=3))
    with world.session() as session:
        later = [k for k in session.scalars(select(MetaRow.key)) if k.startswith("report-key:")]
    assert keys == [f"report-key:{NOW.date().isoformat()}"]
    assert later == [f"report-key:{(NOW + timedelta(days=3)).date().isoformat()}"]
    first_hash = row.reporter
    assert reports.reporter_hash(world, "198.51.100.77", NOW + timedelta(days=3)) != first_hash


def test_burst_and_contradiction_are_flagged(world: Store) -> None:
    with world.transaction() as session:
        for weeks in (30, 40, 50):
            session.add(
                StanceReportRow(
                    meeting_id="aa:aa2",
                    experience="welcoming",
                    submitted_at=_weeks_ago(weeks),
                    reporter=f"old{weeks}",
                    status="approved",
                    flags=[],
                )
            )
    for n in range(5):
        _submit(world, "aa:aa2", "unwelcoming", address=f"192.0.2.{n}")
    pending = reports.reports(world, status="pending", meeting_id="aa:aa2")
    flags = " ".join(f for r in pending for f in r.flags)
    assert "contradicts 3 approved reports older than six months" in flags
    assert "burst: 5 reports on this meeting in 24 hours" in flags


def test_pending_reports_count_for_nothing_until_approved(world: Store) -> None:
    evidence = StanceEvidence(world, check_seconds=0)
    for weeks in (0, 3, 6):
        _submit(world, "aa:aa3", "welcoming", address=f"192.0.2.{weeks}", at=NOW - timedelta(weeks=weeks))
    assert evidence.evidence_for("aa:aa3") == []
    ids = [r.id for r in reports.reports(world, meeting_id="aa:aa3")]
    operators.add_operator(world, "mod", "moderator passphrase")
    assert reports.moderate(world, ids, "approved", "mod") == 3
    [found] = evidence.evidence_for("aa:aa3")
    assert found.kind == "attendee_reports" and found.stance == "welcoming"
    assert "3 of 3 weeks" in found.summary
    assert found.as_of is not None and re.fullmatch(r"\d{4}-\d{2}", found.as_of), "month precision only"
    assert operators.audit_log(world)[0].action == "approve reports"
    reports.moderate(world, ids[:1], "rejected", "mod")
    assert evidence.evidence_for("aa:aa3") == [], "below three weeks again"


def test_group_statements(world: Store) -> None:
    given = datetime(2023, 5, 1, tzinfo=UTC)
    saved = statements.add_statement(
        world,
        meeting_id="smart:smart0",
        stance="unwelcoming",
        statement="<b>Please</b> do not share about methadone here.",
        given_by="the group's secretary",
        given_on=given,
        operator="ops",
    )
    assert saved.statement == "Please do not share about methadone here.", "stored as plain text"
    evidence = StanceEvidence(world, check_seconds=0)
    [found] = evidence.evidence_for("smart:smart0")
    assert found.kind == "group_statement" and found.as_of == "2023-05-01"
    assert "more than two years ago" in found.summary
    codes = evidence.index_stance()(["smart:smart0", "smart:smart1"], ["SMART", "SMART"], [[], []])
    assert list(codes) == [3, 1], "the group's statement outranks the charter; the other meeting keeps the charter"
    for bad, message in [
        ({"stance": "maybe"}, "stance must be"),
        ({"statement": "   "}, "write down"),
        ({"given_by": ""}, "role"),
        ({"meeting_id": "smart:none"}, "no meeting"),
        ({"given_on": NOW + timedelta(days=400)}, "future"),
    ]:
        arguments: dict[str, Any] = {
            "meeting_id": "smart:smart1",
            "stance": "welcoming",
            "statement": "All welcome.",
            "given_by": "chair",
            "given_on": given,
            "operator": "ops",
        } | bad
        with pytest.raises(statements.StatementError, match=message):
            statements.add_statement(world, **arguments)
    statements.withdraw_statement(world, saved.id, "ops")
    assert evidence.evidence_for("smart:smart0") == []
    assert [e.action for e in operators.audit_log(world)[:2]] == ["withdraw group statement", "add group statement"]


def test_pages_and_api_show_the_stance_and_where_it_came_from(world: Store, tmp_path: Path) -> None:
    if world.engine.dialect.name != "sqlite":
        pytest.skip("the live server here uses the SQLite store in its data directory")
    statements.add_statement(
        world,
        meeting_id="aa:aa1",
        stance="welcoming",
        statement="Everyone on prescribed medication is welcome to share and do service.",
        given_by="the group's secretary",
        given_on=datetime(2026, 10, 1, tzinfo=UTC),
        operator="ops",
    )
    url = str(world.engine.url)
    with LiveServer(tmp_path, database_url=url) as server:
        api = httpx.get(f"{server.url}/api/v1/meetings", params={"medication": "welcoming", "limit": 50}).json()
        welcoming = {m["id"] for m in api["meetings"]}
        assert welcoming == {"aa:aa1", "aa:aa5", "smart:smart0", "smart:smart1"}
        one = httpx.get(f"{server.url}/api/v1/meetings/aa:aa1").json()
        kinds = [e["kind"] for e in one["medication"]["evidence"]]
        assert one["medication"]["stance"] == "welcoming" and "group_statement" in kinds
        page = httpx.get(f"{server.url}/meetings/aa:aa1").text
        section = page.split('class="medication"', 1)[1].split("</section>", 1)[0]
        assert "A statement from the group" in section and "2026-10-01" in section
        assert "Everyone on prescribed medication is welcome" in section
        coded = httpx.get(f"{server.url}/meetings/aa:aa5").text
        assert "The meeting list&#39;s own code" in coded or "The meeting list's own code" in coded
        charter = httpx.get(f"{server.url}/meetings/smart:smart0?lang=es").text
        assert "Las publicaciones de la propia confraternidad" in charter or "abstinencia" in charter
