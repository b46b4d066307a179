"""One meeting, several listings: link the same meeting published by two sources.

NA areas run BMLT servers and TSML sites; intergroups import each other's feeds. Ids cannot
match across sources, so we match on what the meeting is: same fellowship, same weekday and
start, and the same place (within ~50 m) or the same conference link. The first-added
source's listing becomes canonical; the others point at it and stay visible in the data.
A source never has two listings in one group, so two real meetings in different rooms of
the same building at the same hour are not merged.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from manyroads.store.tables import MeetingRow

SAME_PLACE_METERS = 50.0
_CELL_DEGREES = 0.001  # ~111 m of latitude: neighbours of a cell cover every 50 m match
_EARTH_RADIUS_M = 6_371_000.0


@dataclass(slots=True)
class _Listing:
    id: str
    source_id: int
    lat: float | None
    lon: float | None
    link: str


def conference_key(url: str) -> str:
    """A comparable form of a conference link: host + path (+ Zoom meeting number)."""
    if not url:
        return ""
    parts = urlsplit(url.strip().lower())
    host = parts.hostname or ""
    path = parts.path.rstrip("/")
    if host.endswith("zoom.us"):
        number = re.search(r"/(?:j|w|s|wc/join)/(\d{9,12})", path)
        if number:
            return f"zoom:{number.group(1)}"
    query = parse_qs(parts.query)
    meeting = query.get("meetingid") or query.get("id")
    return f"{host}{path}?{meeting[0]}" if meeting else f"{host}{path}"


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def link_duplicates(session: Session) -> int:
    """Recompute canonical links for every meeting; returns how many links changed."""
    rows = session.execute(
        select(
            MeetingRow.id,
            MeetingRow.source_id,
            MeetingRow.fellowship,
            MeetingRow.weekday,
            MeetingRow.start_minute,
            MeetingRow.location_latitude,
            MeetingRow.location_longitude,
            MeetingRow.location_approximate,
            MeetingRow.conference_url,
            MeetingRow.canonical_id,
        ).where(MeetingRow.weekday.is_not(None))
    ).all()
    buckets: dict[tuple[str, int, int], list[_Listing]] = defaultdict(list)
    current: dict[str, str | None] = {}
    for row in rows:
        current[row.id] = row.canonical_id
        exact = row.location_latitude is not None and not row.location_approximate
        buckets[(row.fellowship, row.weekday, row.start_minute)].append(
            _Listing(
                row.id,
                row.source_id,
                row.location_latitude if exact else None,
                row.location_longitude if exact else None,
                conference_key(row.conference_url),
            )
        )
    wanted: dict[str, str | None] = dict.fromkeys(current)
    for listings in buckets.values():
        if len({item.source_id for item in listings}) > 1:
            wanted.update(_link_bucket(listings))
    changes = [{"id": ident, "canonical_id": target} for ident, target in wanted.items() if current[ident] != target]
    if changes:
        session.execute(update(MeetingRow), changes)
    return len(changes)


def _link_bucket(listings: list[_Listing]) -> dict[str, str | None]:
    listings.sort(key=lambda item: (item.source_id, item.id))
    links: dict[str, str | None] = {}
    canonicals: list[_Listing] = []
    members: dict[str, set[int]] = {}
    by_cell: dict[tuple[int, int], list[_Listing]] = defaultdict(list)
    by_link: dict[str, list[_Listing]] = defaultdict(list)
    for item in listings:
        match = _find_match(item, by_cell, by_link, members)
        if match is None:
            links[item.id] = None
            canonicals.append(item)
            members[item.id] = {item.source_id}
            if item.lat is not None and item.lon is not None:
                by_cell[_cell(item.lat, item.lon)].append(item)
            if item.link:
                by_link[item.link].append(item)
        else:
            links[item.id] = match.id
            members[match.id].add(item.source_id)
    return links


def _find_match(
    item: _Listing,
    by_cell: dict[tuple[int, int], list[_Listing]],
    by_link: dict[str, list[_Listing]],
    members: dict[str, set[int]],
) -> _Listing | None:
    if item.link:
        for candidate in by_link.get(item.link, ()):
            if item.source_id not in members[candidate.id]:
                return candidate
    if item.lat is None or item.lon is None:
        return None
    best: tuple[float, _Listing] | None = None
    row, col = _cell(item.lat, item.lon)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            for candidate in by_cell.get((row + dr, col + dc), ()):
                if item.source_id in members[candidate.id] or candidate.lat is None or candidate.lon is None:
                    continue
                meters = distance_m(item.lat, item.lon, candidate.lat, candidate.lon)
                if meters <= SAME_PLACE_METERS and (best is None or meters < best[0]):
                    best = (meters, candidate)
    return best[1] if best else None


def _cell(lat: float, lon: float) -> tuple[int, int]:
    # Longitude cells are widened by latitude so that a neighbour scan still covers 50 m.
    scale = max(math.cos(math.radians(lat)), 0.01)
    return math.floor(lat / _CELL_DEGREES), math.floor(lon * scale / _CELL_DEGREES)
