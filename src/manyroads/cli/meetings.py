"""`manyroads meetings ...`, `manyroads history`, `manyroads problems`: look at the store."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from manyroads.cli.state import console, fail, print_json, state
from manyroads.model import WEEKDAY_NAMES

app = typer.Typer(help="Look at stored meetings.", no_args_is_help=True)


def _when(record: dict[str, Any]) -> str:
    if record["weekday"] is None:
        return "by appointment"
    minute = record["start_minute"]
    return (
        f"{WEEKDAY_NAMES[record['weekday']][:3]} {minute // 60:02d}:{minute % 60:02d} {record['timezone'] or '(zone?)'}"
    )


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """A stored record as we show it: datetimes as text, no internal hashes."""
    shown = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in record.items()}
    shown.pop("content_hash", None)
    return shown


@app.command("list")
def list_meetings(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", help="Only this source."),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Stored meetings (ordered by id)."""
    try:
        records = state(ctx).store.meeting_records(source=source, limit=limit)
    except KeyError as error:
        fail(str(error.args[0]))
    if as_json:
        print_json([_public(r) for r in records])
        return
    table = Table("id", "name", "when", "attendance", "status", "place")
    for r in records:
        place = r["location_city"] or r["location_formatted_address"]
        table.add_row(r["id"], r["name"], _when(r), r["attendance"], r["status"], place[:40])
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    ident: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Everything stored about one meeting, and which other listings it is linked with."""
    store = state(ctx).store
    record = store.meeting_record(ident)
    if record is None:
        fail(f"no meeting with id {ident!r} (ids look like <source>:<source's id>)")
    shown = _public(record) | {"also_listed_as": store.linked_meetings(ident)}
    if as_json:
        print_json(shown)
        return
    table = Table("field", "value", show_header=False)
    for key, value in shown.items():
        if value not in ("", None, [], ()):
            table.add_row(key, str(value))
    console.print(table)


def history_command(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", help="Only this source."),
    meeting: str | None = typer.Option(None, "--meeting", help="Only this meeting id."),
    limit: int = typer.Option(100, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """What changed, newest first: added / changed (field: before -> after) / removed."""
    try:
        entries = state(ctx).store.history(source=source, meeting=meeting, limit=limit)
    except KeyError as error:
        fail(str(error.args[0]))
    if as_json:
        print_json(entries)
        return
    table = Table("at", "source", "fetch", "action", "meeting", "changes")
    for e in entries:
        changes = e["changes"]
        summary = "; ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in changes.items() if k != "last")[:120]
        table.add_row(e["at"][:19], e["source"], str(e["fetch"]), e["action"], e["meeting"], summary)
    console.print(table)


def problems_command(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", help="Only this source."),
    limit: int = typer.Option(500, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Quarantined records and warnings from each source's latest document, with reasons."""
    try:
        problems = state(ctx).store.problems(source=source, limit=limit)
    except KeyError as error:
        fail(str(error.args[0]))
    if as_json:
        print_json(problems)
        return
    table = Table("source", "severity", "record", "field", "reason")
    for p in problems:
        colour = "red" if p["severity"] == "quarantined" else "yellow"
        table.add_row(p["source"], f"[{colour}]{p['severity']}[/]", p["record"][:40], p["field"], p["reason"])
    console.print(table)
