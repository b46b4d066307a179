"""Jinja2 environments (one per language) and the small helpers templates use."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from manyroads.fellowships import fellowship
from manyroads.surfaces.web.i18n import translations
from manyroads.vocabulary.features import feature_label
from manyroads.vocabulary.languages import language_name

_LOCALES = {"en": "en_US", "es": "es"}


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("manyroads.surfaces.web", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["nl2br"] = nl2br
    env.globals.update(
        feature_label=lambda name: feature_label(name, language),
        language_label=lambda code: language_name(code, language).capitalize(),
        fellowship_name=lambda code: fellowship(code).name,
        when=lambda meeting, viewer, now: when(meeting, viewer, now, language),
        distance=lambda km, units: distance(km, units),
    )
    return env


def nl2br(text: str | None) -> Markup:
    """Feed text (already plain, never HTML) with its line breaks kept: escaped first."""
    if not text:
        return Markup("")
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def distance(km: float | None, units: str) -> str:
    if km is None:
        return ""
    if units == "mi":
        miles = km / 1.609344
        return f"{miles:.1f} mi" if miles < 10 else f"{miles:.0f} mi"
    return f"{km:.1f} km" if km < 10 else f"{km:.0f} km"


def when(meeting: dict[str, Any], viewer: str, now: datetime, language: str) -> dict[str, Any]:
    """Display strings for a meeting's next start: the viewer's time and the meeting's own."""
    locale = _LOCALES.get(language, "en_US")
    start_text = meeting.get("next_start")
    zone = meeting["schedule"]["timezone"]
    if not start_text or not zone:
        return {"scheduled": False}
    start = datetime.fromisoformat(start_text.replace("Z", "+00:00"))
    mine = start.astimezone(ZoneInfo(viewer))
    theirs = start.astimezone(ZoneInfo(zone))
    today = now.astimezone(ZoneInfo(viewer)).date()
    days = (mine.date() - today).days
    minutes = int((start - now).total_seconds() // 60)
    running = meeting.get("in_progress_since")
    return {
        "scheduled": True,
        "days_away": days,
        "viewer_day": format_date(mine, "EEEE", locale=locale),
        "viewer_time": format_time(mine, "short", locale=locale),
        "viewer_zone": viewer,
        "viewer_iso": mine.isoformat(),
        "meeting_day": format_date(theirs, "EEEE", locale=locale),
        "meeting_time": format_time(theirs, "short", locale=locale),
        "meeting_zone": zone,
        "same_zone": theirs.utcoffset() == mine.utcoffset() and zone == viewer,
        "minutes_away": minutes,
        "running": bool(running),
        "running_minutes": int((now - datetime.fromisoformat(running.replace("Z", "+00:00"))).total_seconds() // 60)
        if running
        else None,
    }


def now_utc() -> datetime:
    return datetime.now(UTC)
