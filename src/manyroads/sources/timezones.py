"""Which IANA zone a meeting's local time is in.

Most feeds do not say (8 of 9 real Meeting Guide samples have no `timezone`, every Berlin
BMLT row has an empty `time_zone`). In order: the zone the record gives, the zone of its
coordinates (looked up offline in the zone polygons timezonefinder ships), the operator's
default for the source. Whatever we use, we record where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from timezonefinder import TimezoneFinder

from manyroads.model import ZoneOrigin


@cache
def _finder() -> TimezoneFinder:
    return TimezoneFinder()


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


@cache
def canonical_zone(name: str) -> str | None:
    """A valid IANA name for what a feed wrote ('america/new_york' -> 'America/New_York')."""
    text = name.strip().replace(" ", "_")
    if not text:
        return None
    folded = _zones_by_folded_name()
    match = folded.get(text.casefold())
    if match is None:
        return None
    try:
        ZoneInfo(match)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return match


def zone_at(latitude: float, longitude: float) -> str | None:
    """The zone whose polygon contains the point; None over open sea ("Etc/GMT±n")."""
    zone = _finder().timezone_at(lat=latitude, lng=longitude)
    if zone is None or zone.startswith("Etc/"):
        return None
    return zone


@dataclass(frozen=True, slots=True)
class ZoneDecision:
    zone: str | None
    origin: ZoneOrigin
    problem: str = ""  # set when the feed's own value was unusable


def decide_zone(
    feed_value: str | None,
    latitude: float | None,
    longitude: float | None,
    source_default: str | None,
    *,
    coordinates_trusted: bool = True,
) -> ZoneDecision:
    problem = ""
    if feed_value:
        zone = canonical_zone(feed_value)
        if zone:
            return ZoneDecision(zone, ZoneOrigin.FEED)
        problem = f"time zone {feed_value!r} is not an IANA zone name"
    if coordinates_trusted and latitude is not None and longitude is not None:
        zone = zone_at(latitude, longitude)
        if zone:
            return ZoneDecision(zone, ZoneOrigin.COORDINATES, problem)
    if source_default:
        return ZoneDecision(source_default, ZoneOrigin.SOURCE_DEFAULT, problem)
    return ZoneDecision(None, ZoneOrigin.UNKNOWN, problem)
