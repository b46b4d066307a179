"""`manyroads sync`: fetch, check and apply sources, with a summary table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from manyroads.cli.state import AppState, console, fail, print_json, state

if TYPE_CHECKING:
    from manyroads.sync import SyncReport


def run_sync(
    app_state: AppState,
    names: list[str] | None,
    *,
    force: bool = False,
    accept_shrink: bool = False,
    quiet: bool = False,
) -> list[SyncReport]:
    from manyroads.sync import HttpFetcher, Syncer

    settings = app_state.settings
    store = app_state.store
    try:
        total = len(store.sources(names or None))
    except KeyError as error:
        fail(str(error.args[0]))
    fetcher = HttpFetcher.from_settings(settings)
    syncer = Syncer(store, fetcher, shrink_threshold=settings.shrink_threshold, parse_workers=1)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with fetcher, Progress(*columns, console=console, transient=True, disable=quiet) as progress:
        task = progress.add_task("syncing", total=total)
        done: set[str] = set()

        def on_progress(source: str, stage: str) -> None:
            if source and stage == "fetching" and done:
                progress.advance(task)
            if source:
                done.add(source)
            progress.update(task, description=f"{source} {stage}" if source else stage)

        reports = syncer.sync(names or None, force=force, accept_shrink=accept_shrink, progress=on_progress)
        progress.update(task, completed=total, description="building the search index")
        refresh_index(app_state)
    return reports


def refresh_index(app_state: AppState) -> None:
    """Save an index snapshot for the store's current data, so servers start fast."""
    from manyroads.surfaces.context import open_index

    open_index(app_state.store, app_state.settings).rebuild()


def print_reports(reports: list[SyncReport]) -> None:
    table = Table(
        "source",
        "outcome",
        "added",
        "changed",
        "removed",
        "quarantined",
        "warnings",
        "meetings",
        "seconds",
        "message",
    )
    colours = {"applied": "green", "unchanged": "dim", "failed": "red", "refused": "yellow"}
    for r in reports:
        table.add_row(
            r.source,
            f"[{colours[r.outcome]}]{r.outcome}[/]",
            str(r.added),
            str(r.changed),
            str(r.removed),
            str(r.quarantined),
            str(r.warnings),
            str(r.meetings),
            f"{r.seconds:.2f}",
            r.message[:90],
        )
    console.print(table)


def sync_command(
    ctx: typer.Context,
    names: list[str] = typer.Argument(None, help="Sources to sync (default: every enabled source)."),
    force: bool = typer.Option(False, "--force", help="Parse and compare even if the feed looks unchanged."),
    accept_shrink: bool = typer.Option(False, "--accept-shrink", help="Apply a feed that lost most meetings."),
    as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
) -> None:
    """Fetch sources, check them and apply what changed. Exits 1 if any source failed."""
    reports = run_sync(state(ctx), names, force=force, accept_shrink=accept_shrink, quiet=as_json)
    if as_json:
        print_json([{f: getattr(r, f) for f in r.__slots__} for r in reports])
    else:
        print_reports(reports)
    if any(not r.ok for r in reports):
        raise typer.Exit(1)
