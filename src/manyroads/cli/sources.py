"""`manyroads sources ...`: register, list and retire sources."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich.table import Table

from manyroads.cli.state import console, fail, print_json, state
from manyroads.sources import ADAPTERS, SourceFormatError, adapter_for
from manyroads.sources.bmlt import server_list
from manyroads.sources.normalise import slugify
from manyroads.sources.timezones import canonical_zone
from manyroads.store.tables import SourceRow

app = typer.Typer(help="Register, list and retire meeting sources.", no_args_is_help=True)

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


def source_summary(row: SourceRow) -> dict[str, object]:
    return {
        "name": row.name,
        "kind": row.kind,
        "location": row.location,
        "fellowship": row.fellowship,
        "timezone": row.default_timezone,
        "enabled": row.enabled,
        "status": row.status,
        "status_reason": row.status_reason,
        "meetings": row.meeting_count,
        "last_success": row.last_success_at.isoformat() if row.last_success_at else None,
        "last_attempt": row.last_attempt_at.isoformat() if row.last_attempt_at else None,
        "last_error": row.last_error,
        "options": row.options,
    }


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Short name: lowercase letters, digits, - _ ."),
    location: str = typer.Argument(..., help="A URL (BMLT root server, feed URL) or a local file."),
    kind: str = typer.Option(..., "--kind", help=f"One of: {', '.join(sorted(ADAPTERS))}."),
    fellowship: str | None = typer.Option(None, "--fellowship", help="Fellowship code, e.g. NA, AA, SMART."),
    timezone: str | None = typer.Option(None, "--timezone", help="IANA zone for records that give none."),
    formats: Path | None = typer.Option(None, "--formats", help="BMLT: a saved GetFormats file for a saved search."),
) -> None:
    """Register a source. Nothing is fetched until `manyroads sync`."""
    if not _NAME.match(name):
        fail(
            f"source name {name!r} must be lowercase letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    try:
        adapter = adapter_for(kind)
    except ValueError as error:
        fail(str(error))
    zone = None
    if timezone:
        zone = canonical_zone(timezone)
        if zone is None:
            fail(f"--timezone {timezone!r} is not an IANA zone name (for example America/New_York)")
    if not location.startswith(("http://", "https://", "file://")):
        path = Path(location).expanduser()
        if not path.is_file():
            fail(f"{location} is neither an http(s) URL nor a readable file")
        location = str(path.resolve())
    options: dict[str, object] = {}
    if formats is not None:
        if kind != "bmlt":
            fail("--formats only applies to --kind bmlt")
        if not formats.is_file():
            fail(f"formats file {formats} does not exist")
        options["formats"] = str(formats.resolve())
    chosen = (fellowship or adapter.default_fellowship or "").upper()
    if not chosen:
        fail(f"--fellowship is required for {kind} sources")
    try:
        row = state(ctx).store.add_source(
            name=name, kind=kind, location=location, fellowship=chosen, default_timezone=zone, options=options
        )
    except ValueError as error:
        fail(str(error))
    console.print(f"Added source [bold]{row.name}[/] ({kind}, {chosen}). Run [bold]manyroads sync {row.name}[/].")


@app.command("list")
def list_sources(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every source with its status, meeting count, last success and last error."""
    rows = state(ctx).store.sources()
    if as_json:
        print_json([source_summary(r) for r in rows])
        return
    table = Table("name", "kind", "fellowship", "status", "meetings", "last success", "last error")
    colours = {"ok": "green", "failed": "red", "needs_review": "yellow", "disabled": "dim", "new": "cyan"}
    for r in rows:
        table.add_row(
            r.name,
            r.kind,
            r.fellowship,
            f"[{colours.get(r.status, 'white')}]{r.status}[/]",
            str(r.meeting_count),
            r.last_success_at.strftime("%Y-%m-%d %H:%M UTC") if r.last_success_at else "never",
            (r.last_error[:70] + "…") if len(r.last_error) > 70 else r.last_error,
        )
    console.print(table)


@app.command("remove")
def remove(ctx: typer.Context, name: str, yes: bool = typer.Option(False, "--yes", help="Do not ask.")) -> None:
    """Delete a source and all its meetings."""
    if not yes:
        typer.confirm(f"Delete source {name} and its meetings?", abort=True)
    try:
        count = state(ctx).store.remove_source(name)
    except KeyError as error:
        fail(str(error.args[0]))
    console.print(f"Removed {name} and {count} meetings.")


@app.command("disable")
def disable(ctx: typer.Context, name: str) -> None:
    """Stop syncing a source (its meetings stay, hidden from search)."""
    _set_enabled(ctx, name, False)


@app.command("enable")
def enable(ctx: typer.Context, name: str) -> None:
    """Resume syncing a disabled source."""
    _set_enabled(ctx, name, True)


def _set_enabled(ctx: typer.Context, name: str, enabled: bool) -> None:
    try:
        state(ctx).store.set_source_enabled(name, enabled)
    except KeyError as error:
        fail(str(error.args[0]))
    console.print(f"{name} {'enabled' if enabled else 'disabled'}.")


@app.command("add-bmlt-servers")
def add_bmlt_servers(
    ctx: typer.Context,
    server_list_file: Path = typer.Argument(..., help="The BMLT aggregator's serverList.json (or rootServerList)."),
    prefix: str = typer.Option("na-", "--prefix", help="Put before each server's name to make the source name."),
) -> None:
    """Register every root server of a BMLT server list as a `bmlt` source (skips known ones)."""
    try:
        servers = server_list(server_list_file.read_bytes())
    except (OSError, SourceFormatError) as error:
        fail(str(error))
    store = state(ctx).store
    known = {s.location for s in store.sources()} | {s.name for s in store.sources()}
    added = 0
    for name, url in servers:
        source_name = (prefix + slugify(name))[:100]
        if url in known or source_name in known:
            continue
        store.add_source(name=source_name, kind="bmlt", location=url, fellowship="NA")
        known.update({url, source_name})
        added += 1
    console.print(f"Registered {added} BMLT root servers ({len(servers) - added} already known).")
