"""`manyroads users ...`: operator accounts for the admin pages."""

from __future__ import annotations

import sys

import typer

from manyroads.cli.state import console, fail, print_json, state

app = typer.Typer(help="Operator accounts (for the admin pages).", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The operator's username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Create an operator. Asks for the password (or reads one line from stdin)."""
    from manyroads.operators import OperatorError, add_operator

    try:
        add_operator(state(ctx).store, username, _password(password_stdin))
    except OperatorError as error:
        fail(str(error))
    console.print(f"Operator [bold]{username}[/] added. Sign in at /admin.")


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List operators and when each last signed in."""
    from rich.table import Table

    from manyroads.operators import operators

    found = operators(state(ctx).store)
    if as_json:
        print_json(
            [{"username": o.username, "created_at": o.created_at, "last_login_at": o.last_login_at} for o in found]
        )
        return
    table = Table("Username", "Created", "Last sign-in")
    for o in found:
        table.add_row(
            o.username,
            f"{o.created_at:%Y-%m-%d %H:%M}",
            f"{o.last_login_at:%Y-%m-%d %H:%M}" if o.last_login_at else "never",
        )
    console.print(table)


@app.command("password")
def password(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The operator's username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Set a new password for an operator."""
    from manyroads.operators import OperatorError, set_password

    try:
        set_password(state(ctx).store, username, _password(password_stdin))
    except OperatorError as error:
        fail(str(error))
    console.print(f"Password changed for [bold]{username}[/].")


@app.command("remove")
def remove(ctx: typer.Context, username: str = typer.Argument(..., help="The operator's username.")) -> None:
    """Remove an operator (their past actions stay in the audit log)."""
    from manyroads.operators import OperatorError, remove_operator

    try:
        remove_operator(state(ctx).store, username)
    except OperatorError as error:
        fail(str(error))
    console.print(f"Operator [bold]{username}[/] removed.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
