"""The `manyroads` command line."""

from __future__ import annotations

from pathlib import Path

import typer

from manyroads import __version__
from manyroads.cli import demo, meetings, referral, serve, sources, stance, sync, users, vocabulary
from manyroads.cli.state import AppState
from manyroads.config import Settings

app = typer.Typer(
    name="manyroads",
    help="Recovery meetings from every fellowship, correct in time and space.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"manyroads {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        envvar="MANYROADS_DATABASE_URL",
        help="SQLAlchemy URL of the store (default: SQLite in the data directory).",
    ),
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        envvar="MANYROADS_DATA_DIR",
        help="Where the store and demo files live.",
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    overrides: dict[str, object] = {}
    if database_url:
        overrides["database_url"] = database_url
    if data_dir:
        overrides["data_dir"] = data_dir
    ctx.obj = AppState(Settings(**overrides))  # type: ignore[arg-type]


app.add_typer(sources.app, name="sources")
app.add_typer(meetings.app, name="meetings")
app.add_typer(users.app, name="users")
app.add_typer(stance.statements_app, name="statements")
app.add_typer(stance.reports_app, name="reports")
app.command("sync")(sync.sync_command)
app.command("history")(meetings.history_command)
app.command("problems")(meetings.problems_command)
app.command("demo")(demo.demo_command)
app.command("vocabulary")(vocabulary.vocabulary_command)
app.command("serve")(serve.serve_command)
app.command("search")(serve.search_command)
app.command("referral")(referral.referral_command)


def main() -> None:
    app()
