"""`manyroads users ...`: operator accounts for the admin pages."""

from __future__ import annotations

import sys

import typer

from manyroads.cli.state import console, fail, state

app = typer.Typer(help="Operator accounts (for the admin pages).", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The operator's username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Create an operator. Asks for the password (or reads one line from stdin)."""
    from manyroads.operators import OperatorError, add_operator

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        add_operator(state(ctx).store, username, password)
    except OperatorError as error:
        fail(str(error))
    console.print(f"Operator [bold]{username}[/] added. Sign in at /admin.")
