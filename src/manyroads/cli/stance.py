"""`manyroads statements ...` and `manyroads reports ...`: medication-stance evidence."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from manyroads.cli.state import console, fail, print_json, state

statements_app = typer.Typer(help="Statements groups gave about people on medication.", no_args_is_help=True)
reports_app = typer.Typer(help="Anonymous reports from attendees: list and moderate.", no_args_is_help=True)
OPERATOR = "(command line)"


@statements_app.command("add")
def add(
    ctx: typer.Context,
    meeting_id: str = typer.Argument(..., help="The meeting's id, e.g. na-west:1234."),
    stance: str = typer.Option(..., "--stance", help="welcoming or unwelcoming"),
    statement: str = typer.Option(..., "--statement", help="What the group said, in a sentence or two."),
    given_by: str = typer.Option(..., "--given-by", help="Who gave it, as a role (e.g. 'the group secretary')."),
    given_on: str = typer.Option(..., "--given-on", help="When, as YYYY-MM-DD."),
) -> None:
    """Record what a group told you about people on medication for opioid use disorder."""
    from manyroads.medication.statements import StatementError, add_statement

    try:
        day = datetime.strptime(given_on, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        fail(f"--given-on: {given_on!r} is not a date like 2026-11-01")
    try:
        saved = add_statement(
            state(ctx).store,
            meeting_id=meeting_id,
            stance=stance,
            statement=statement,
            given_by=given_by,
            given_on=day,
            operator=OPERATOR,
        )
    except StatementError as error:
        fail(str(error))
    console.print(f"Recorded statement {saved.id} for [bold]{meeting_id}[/] ({saved.stance}).")


@statements_app.command("list")
def list_statements(
    ctx: typer.Context,
    meeting: str | None = typer.Option(None, "--meeting", help="Only this meeting."),
    withdrawn: bool = typer.Option(False, "--withdrawn", help="Include withdrawn statements."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List group statements, newest first."""
    from manyroads.medication.statements import statements

    found = statements(state(ctx).store, meeting_id=meeting, include_withdrawn=withdrawn)
    if as_json:
        print_json([_plain(s) for s in found])
        return
    table = Table("id", "meeting", "stance", "given by", "given on", "statement")
    for s in found:
        table.add_row(str(s.id), s.meeting_id, s.stance, s.given_by, s.given_on.date().isoformat(), s.statement)
    console.print(table)


@statements_app.command("withdraw")
def withdraw(ctx: typer.Context, statement_id: int = typer.Argument(..., help="The statement's id.")) -> None:
    """Withdraw a statement (it stays in the history, no longer counts)."""
    from manyroads.medication.statements import StatementError, withdraw_statement

    try:
        withdraw_statement(state(ctx).store, statement_id, OPERATOR)
    except StatementError as error:
        fail(str(error))
    console.print(f"Statement {statement_id} withdrawn.")


@reports_app.command("list")
def list_reports(
    ctx: typer.Context,
    status: str = typer.Option("pending", "--status", help="pending, approved, rejected or all"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Reports from attendees, newest first, with the reasons to look twice."""
    from manyroads.medication.reports import reports

    found = reports(state(ctx).store, status=None if status == "all" else status)
    if as_json:
        print_json([_plain(r) for r in found])
        return
    table = Table("id", "sent", "meeting", "report", "status", "look twice")
    for r in found:
        table.add_row(
            str(r.id), f"{r.submitted_at:%Y-%m-%d %H:%M}", r.meeting_id, r.experience, r.status, "; ".join(r.flags)
        )
    console.print(table)


@reports_app.command("approve")
def approve(ctx: typer.Context, ids: list[int] = typer.Argument(..., help="Report ids.")) -> None:
    """Approve reports, so they count."""
    _moderate(ctx, ids, "approved")


@reports_app.command("reject")
def reject(ctx: typer.Context, ids: list[int] = typer.Argument(..., help="Report ids.")) -> None:
    """Reject reports."""
    _moderate(ctx, ids, "rejected")


def _moderate(ctx: typer.Context, ids: list[int], decision: str) -> None:
    from manyroads.medication.reports import moderate

    changed = moderate(state(ctx).store, ids, decision, OPERATOR)
    console.print(f"{changed} report(s) {decision}.")


def _plain(item: object) -> dict[str, object]:
    return {name: getattr(item, name) for name in getattr(item, "__slots__", ())}
