"""What every command shares: settings, the store (opened on first use), output helpers."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import orjson
import typer
from rich.console import Console

from manyroads.config import Settings

if TYPE_CHECKING:
    from manyroads.store import Store

# Piped output gets a wide console so tables are not squeezed to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True)


@dataclass
class AppState:
    settings: Settings = field(default_factory=Settings)
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from manyroads.store import Store

            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            self._store = Store(self.settings.resolved_database_url)
        return self._store


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppState)
    return obj


def print_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)
