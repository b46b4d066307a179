"""`manyroads serve` and `manyroads search`. Heavy modules load inside the commands, so
`manyroads --help` and the other commands stay quick."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer
from rich.table import Table

from manyroads.cli.state import console, fail, print_json, state


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes (forked; they share the index)."),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the finder, the API (/api/v1, described at /openapi.json) and the feeds (/feeds, /bmlt)."""
    from manyroads.surfaces.server import serve

    settings = state(ctx).settings
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    console.print(
        f"manyroads is serving the finder at [bold]http://{shown}:{port}/[/] "
        f"(API described at http://{shown}:{port}/openapi.json). Press Ctrl+C to stop."
    )
    serve(settings, host=host, port=port, workers=workers, log_level=log_level)


def search_command(
    ctx: typer.Context,
    place: str | None = typer.Option(None, "--place", help="ZIP code or 'Town, State'."),
    near: str | None = typer.Option(None, "--near", help="latitude,longitude"),
    radius_km: float | None = typer.Option(None, "--radius-km"),
    radius_mi: float | None = typer.Option(None, "--radius-mi"),
    at: datetime | None = typer.Option(
        None,
        "--at",
        formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"],
        help="Treat this instant as now, e.g. 2026-11-22T19:00+0000.",
    ),
    tz: str | None = typer.Option(None, "--tz", help="Your IANA time zone, to show times in it."),
    weekday: list[str] = typer.Option([], "--weekday", help="0-6 (Monday = 0) or day names."),
    time_from: str | None = typer.Option(None, "--from", help="HH:MM"),
    time_to: str | None = typer.Option(None, "--to", help="HH:MM"),
    starting_within: int | None = typer.Option(None, "--starting-within", help="Minutes."),
    in_progress: bool = typer.Option(False, "--in-progress"),
    attendance: list[str] = typer.Option([], "--attendance", help="in_person, online, hybrid"),
    fellowship: list[str] = typer.Option([], "--fellowship"),
    feature: list[str] = typer.Option([], "--feature", help="All of these (see `manyroads vocabulary`)."),
    any_feature: list[str] = typer.Option([], "--any-feature"),
    language: list[str] = typer.Option([], "--language"),
    medication: list[str] = typer.Option([], "--medication", help="welcoming, mixed, unwelcoming, unknown"),
    text: str | None = typer.Option(None, "--text"),
    sort: str = typer.Option("next_start", "--sort", help="next_start, distance or relevance"),
    limit: int = typer.Option(20, "--limit", min=1, max=200),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Search meetings from the command line, with the same query model as the API."""
    from manyroads.surfaces.context import AppContext
    from manyroads.surfaces.params import ApiError, build_query, parse_minutes, parse_point, parse_weekdays, split
    from manyroads.surfaces.service import run_search

    app_state = state(ctx)
    context = AppContext.open(app_state.settings)
    raw: dict[str, Any] = {
        "place": place,
        "radius_km": radius_km,
        "radius_mi": radius_mi,
        "at": at,
        "tz": tz,
        "time_from": None,
        "time_to": None,
        "starting_within": starting_within,
        "in_progress": in_progress,
        "attendance": frozenset(split(attendance)) or None,
        "fellowships": frozenset(f.upper() for f in split(fellowship)) or None,
        "features_all": frozenset(split(feature)),
        "features_any": frozenset(split(any_feature)),
        "languages": frozenset(split(language)) or None,
        "medication": frozenset(split(medication)) or None,
        "text": text,
        "sort": sort,
        "limit": limit,
    }
    try:
        raw["near"] = parse_point(near, "near")
        raw["weekdays"] = parse_weekdays(weekday)
        raw["time_from"] = parse_minutes(time_from, "from")
        raw["time_to"] = parse_minutes(time_to, "to")
        query, found_place = build_query(context, raw)
        page = run_search(context, query, found_place)
    except ApiError as error:
        fail(f"{error.field}: {error.message}" if error.field else error.message)
    if as_json:
        print_json({"total": page.result.total, "meetings": page.meetings})
        return
    if found_place:
        console.print(f"Near [bold]{found_place.name}[/]")
    table = Table("name", "fellowship", "how", "next (meeting's time)", "your time" if tz else "zone", "km", "where")
    for m in page.meetings:
        local = m["next_start_meeting_time"]
        viewer = m["next_start_viewer_time"]
        table.add_row(
            m["name"],
            m["fellowship"],
            m["attendance"],
            f"{local['weekday'][:3]} {local['time']}" if local else "by appointment",
            (f"{viewer['weekday'][:3]} {viewer['time']}" if viewer else "")
            if tz
            else (m["schedule"]["timezone"] or "?"),
            f"{m['distance_km']:.1f}" if m["distance_km"] is not None else "",
            (m["location"]["address"] or "")[:50],
        )
    console.print(table)
    console.print(f"{page.result.total} meetings match; showing {len(page.meetings)}.")
