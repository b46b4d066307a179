"""`manyroads demo`: write the demo data set and sync it."""

from __future__ import annotations

import typer

from manyroads.cli.state import console, state
from manyroads.cli.sync import print_reports, run_sync


def demo_command(
    ctx: typer.Context,
    meetings: int = typer.Option(3000, "--meetings", min=10, help="Synthetic meetings to generate."),
    files: int = typer.Option(12, "--files", min=1, help="Synthetic feed files to spread them over."),
    seed: int = typer.Option(7, "--seed", help="Random seed (the same seed gives the same world)."),
) -> None:
    """Write realistic synthetic sources (several fellowships, cities, zones, online meetings and a
    few deliberate defects) into the data directory, register them and sync them."""
    from manyroads.demo import register_and_sync_plan, write_demo
    from manyroads.synthetic import WorldSpec

    app_state = state(ctx)
    directory = app_state.settings.data_dir / "demo"
    with console.status(f"Writing {meetings} synthetic meetings to {directory} ..."):
        sources = write_demo(directory, WorldSpec(meetings=meetings, files=files, seed=seed))
    names = register_and_sync_plan(app_state.store, sources)
    reports = run_sync(app_state, names)
    print_reports(reports)
    failed = [r.source for r in reports if not r.ok]
    console.print(
        f"[bold]{app_state.store.count_meetings()}[/] meetings stored in {app_state.settings.resolved_database_url}.\n"
        + (
            f"As intended, the demo's broken feed failed ({', '.join(failed)}); its problems are shown by "
            "`manyroads sources list` and `manyroads problems`."
            if failed
            else ""
        )
    )
