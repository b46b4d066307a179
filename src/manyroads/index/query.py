"""One query model for every surface (API, feeds, web finder, CLI), and its execution.

Every answer is reproducible: "now" is the `at` parameter (default: the server clock), and a
cursor carries the `at` of its first page.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import numpy as np
import numpy.typing as npt
import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from manyroads.index.columns import (
    ATTENDANCE_CODES,
    FEATURE_BITS,
    FEATURE_WORDS,
    LONG_MEETING,
    MeetingColumns,
)
from manyroads.index.timeplan import DAY, WEEK, ZonePlan, to_epoch
from manyroads.model import Attendance
from manyroads.sources.timezones import canonical_zone
from manyroads.vocabulary.features import FEATURE_FAMILIES

MAX_RADIUS_KM = 1000.0
MAX_LIMIT = 200
STANCES = {"unknown": 0, "welcoming": 1, "mixed": 2, "unwelcoming": 3}
_FAR = np.iinfo(np.int64).max
Rows = npt.NDArray[np.int64]


class QueryError(ValueError):
    """A query that cannot be answered as asked; names the parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SearchQuery(BaseModel):
    """Which meetings, and in which order. Every field is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    near: tuple[float, float] | None = Field(default=None, description="(latitude, longitude) of the place")
    radius_km: float | None = Field(default=None, gt=0, le=MAX_RADIUS_KM, description="search radius around `near`")
    bbox: tuple[float, float, float, float] | None = Field(default=None, description="south, west, north, east")
    at: datetime | None = Field(default=None, description="the instant treated as now (default: the server clock)")
    weekdays: frozenset[int] | None = Field(default=None, description="0 = Monday ... 6 = Sunday")
    time_from: int | None = Field(default=None, ge=0, le=1440, description="minutes after midnight, inclusive")
    time_to: int | None = Field(default=None, ge=0, le=1440, description="minutes after midnight, exclusive")
    time_basis: Literal["meeting", "viewer"] = Field(
        default="meeting", description="weekdays/time window in the meeting's zone or in `tz`"
    )
    starting_within: int | None = Field(default=None, ge=0, le=7 * 1440, description="starts within N minutes")
    in_progress: bool = Field(default=False, description="running at `at` (with starting_within: either)")
    attendance: frozenset[Attendance] | None = None
    fellowships: frozenset[str] | None = None
    features_all: frozenset[str] = frozenset()
    features_any: frozenset[str] = frozenset()
    languages: frozenset[str] | None = None
    medication: frozenset[Literal["unknown", "welcoming", "mixed", "unwelcoming"]] | None = None
    text: str | None = Field(default=None, max_length=200)
    include_closed: bool = False
    sources: frozenset[str] | None = None
    sort: Literal["next_start", "distance", "relevance"] = "next_start"
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    cursor: str | None = None
    tz: str | None = Field(default=None, description="the viewer's IANA zone")

    @field_validator("near")
    @classmethod
    def _near(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
            raise ValueError("latitude must be within -90..90 and longitude within -180..180")
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: frozenset[int] | None) -> frozenset[int] | None:
        if value is not None and not value <= set(range(7)):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return value

    @field_validator("features_all", "features_any")
    @classmethod
    def _features(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(f for f in value if f not in FEATURE_BITS)
        if unknown:
            raise ValueError(f"unknown feature(s) {', '.join(unknown)}; see /api/v1/features")
        return value

    @field_validator("tz")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        if value is None:
            return None
        zone = canonical_zone(value)
        if zone is None:
            raise ValueError(f"{value!r} is not an IANA time zone name (e.g. America/Chicago)")
        return zone

    @field_validator("at")
    @classmethod
    def _at(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the instant with its offset or Z (e.g. 2026-11-22T19:00:00Z)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SearchQuery:
        if self.radius_km is not None and self.near is None:
            raise ValueError("radius_km needs a place (near or place)")
        if self.near is not None and self.bbox is not None:
            raise ValueError("give either near or bbox, not both")
        if self.sort == "distance" and self.near is None:
            raise ValueError("sort=distance needs a place (near or place)")
        if self.sort == "relevance" and not self.text:
            raise ValueError("sort=relevance needs text")
        if self.time_basis == "viewer" and self.tz is None:
            raise ValueError("time_basis=viewer needs tz, the viewer's time zone")
        return self

    def fingerprint(self) -> str:
        data = self.model_dump(mode="json", exclude={"cursor", "limit", "at"})
        return hashlib.blake2b(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Hit:
    row: int
    id: str
    next_start: int | None  # epoch seconds
    running_since: int | None  # epoch seconds, when in progress at `at`
    distance_km: float | None
    score: float | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[Hit]
    total: int
    at: int
    next_cursor: str | None


@dataclass(slots=True)
class _Candidates:
    """Rows still in the running, with what has been computed for them so far."""

    rows: Rows
    distance: npt.NDArray[np.float64] | None = None
    score: npt.NDArray[np.float64] | None = None
    next_start: Rows | None = None
    running: Rows | None = None

    def keep(self, mask: npt.NDArray[np.bool_] | Rows) -> None:
        self.rows = self.rows[mask]
        if self.distance is not None:
            self.distance = self.distance[mask]
        if self.score is not None:
            self.score = self.score[mask]
        if self.next_start is not None:
            self.next_start = self.next_start[mask]
        if self.running is not None:
            self.running = self.running[mask]


def search(columns: MeetingColumns, query: SearchQuery) -> SearchResult:
    cursor = _Cursor.decode(query.cursor, query.fingerprint()) if query.cursor else None
    at = cursor.at if cursor else to_epoch(query.at or datetime.now(UTC))
    wants_now = query.in_progress or query.starting_within is not None
    broad = query.near is None and query.bbox is None and not query.text
    if wants_now and broad:  # "online now" across the world: start from the time window itself
        found = _Candidates(_window_rows(columns, query, at, _slack(columns, at)))
    else:
        found = _candidates(columns, query)
    found.keep(_attribute_mask(columns, query, found.rows))
    if wants_now:
        if not broad:
            found.keep(_may_be_now(columns, query, found.rows, at, _slack(columns, at)))
        _exact_times(columns, found, at, running=True)
        assert found.next_start is not None and found.running is not None
        now = np.zeros(found.rows.shape, bool)
        if query.in_progress:
            now |= found.running >= 0
        if query.starting_within is not None:
            now |= (found.next_start != _FAR) & (found.next_start - at <= query.starting_within * 60)
        found.keep(now)
    if query.time_basis == "viewer" and (query.weekdays is not None or query.time_from is not None):
        assert query.tz is not None
        if found.next_start is None:
            _exact_times(columns, found, at)
        found.keep(_viewer_window(columns, query, query.tz, found.next_start))
    total = int(found.rows.size)
    after = _Position(cursor.key, columns.row_of.get(cursor.id)) if cursor else None
    if query.sort == "next_start":
        page, more = _page_by_start(columns, found, at, query.limit, after)
    else:
        page, more = _page_by_key(found, _sort_key(query, found), query.limit, after)
        _exact_times(columns, page, at)
    if page.running is None and (query.in_progress or query.starting_within is not None):
        _exact_times(columns, page, at, running=True)
    hits = [_hit(columns, page, i) for i in range(page.rows.size)]
    next_cursor = None
    if more and hits:
        last_key = _sort_key(query, page)[-1]
        next_cursor = _Cursor(float(last_key), hits[-1].id, at, query.fingerprint()).encode()
    return SearchResult(hits, total, at, next_cursor)


_FAR_KEY = 9.0e18  # sort key of meetings with no next start (by appointment, zone unknown)


@dataclass(frozen=True, slots=True)
class _Position:
    """Where the previous page ended: its last sort key and row (None if no longer indexed)."""

    key: float
    row: int | None

    def after(self, keys: npt.NDArray[np.float64], rows: Rows) -> npt.NDArray[np.bool_]:
        later = keys > self.key
        if self.row is not None:
            later |= (keys == self.key) & (rows > self.row)
        return later


def _slack(columns: MeetingColumns, at: int) -> int:
    """How far an approximate UTC position can be from the truth around `at` (plus a minute)."""
    return columns.plan.max_offset_change(columns.build_offsets, at) + 60


def _ahead(columns: MeetingColumns, rows: Rows, at: int) -> Rows:
    """Approximate seconds from `at` to each timed row's next start, in [0, WEEK)."""
    at_week = (at + 3 * DAY) % WEEK  # 1970-01-01 was a Thursday: shift so 0 = Monday 00:00 UTC
    return (columns.approx_utc[rows] - at_week) % WEEK


def _may_be_now(columns: MeetingColumns, query: SearchQuery, rows: Rows, at: int, slack: int) -> npt.NDArray[np.bool_]:
    """Rows that can possibly be running at `at` or starting within the window (a superset)."""
    timed = columns.scheduled[rows] & (columns.zone_idx[rows] >= 0)
    ahead = _ahead(columns, rows, at)
    keep = np.zeros(rows.shape, bool)
    if query.starting_within is not None:
        keep |= (ahead <= query.starting_within * 60 + slack) | (ahead >= WEEK - slack)
    if query.in_progress:
        keep |= (ahead >= WEEK - LONG_MEETING - slack) | (ahead <= slack)
        long_rows = np.zeros(columns.size, bool)
        long_rows[columns.long_rows] = True
        keep |= long_rows[rows]
    return keep & timed


def _window_rows(columns: MeetingColumns, query: SearchQuery, at: int, slack: int) -> Rows:
    """Timed rows that may be running at `at` or starting within the window, found by binary
    search in the rows sorted by approximate UTC position (the same superset `_may_be_now` keeps)."""
    at_week = (at + 3 * DAY) % WEEK
    spans: list[tuple[int, int]] = []  # seconds ahead of `at`, inclusive
    if query.starting_within is not None:
        spans += [(0, query.starting_within * 60 + slack), (WEEK - slack, WEEK - 1)]
    if query.in_progress:
        spans += [(WEEK - LONG_MEETING - slack, WEEK - 1), (0, slack)]
    merged: list[list[int]] = []
    for low, high in sorted(spans):  # overlapping spans would repeat rows
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    sorted_positions = columns.approx_sorted
    pieces = []
    for low, high in merged:
        if high - low >= WEEK - 1:
            return columns.approx_order
        start, end = (at_week + low) % WEEK, (at_week + high) % WEEK
        bounds = [(start, end)] if start <= end else [(start, WEEK - 1), (0, end)]
        for a, b in bounds:
            first = np.searchsorted(sorted_positions, a, side="left")
            last = np.searchsorted(sorted_positions, b, side="right")
            pieces.append(columns.approx_order[first:last])
    if query.in_progress and columns.long_rows.size:  # long meetings, unless already in a piece
        ahead = (columns.approx_utc[columns.long_rows] - at_week) % WEEK
        covered = np.zeros(ahead.shape, bool)
        for low, high in merged:
            covered |= (ahead >= low) & (ahead <= high)
        pieces.append(columns.long_rows[~covered])
    return np.concatenate(pieces) if pieces else np.empty(0, np.int64)


def _exact_times(columns: MeetingColumns, found: _Candidates, at: int, *, running: bool = False) -> None:
    rows = found.rows
    timed = columns.scheduled[rows] & (columns.zone_idx[rows] >= 0)
    found.next_start = np.full(rows.shape, _FAR, np.int64)
    if timed.any():
        r = rows[timed]
        found.next_start[timed] = columns.plan.next_start(
            columns.week_second[r], columns.zone_idx[r], np.full(r.shape, at, np.int64)
        )
    if running:
        found.running = np.full(rows.shape, -1, np.int64)
        if timed.any():
            r = rows[timed]
            found.running[timed] = columns.plan.in_progress(
                columns.week_second[r], columns.zone_idx[r], columns.duration[r], at
            )


def _page_by_start(
    columns: MeetingColumns, found: _Candidates, at: int, limit: int, after: _Position | None
) -> tuple[_Candidates, bool]:
    """The next `limit` rows by next start, computing exact starts only where they can matter.

    Approximate positions are off by at most `slack`, so the true first `limit` rows are among
    those whose approximate start is within 2 x slack of the limit-th approximate start. If the
    exact pass comes up short (rows before the cursor took places), the bound widens.
    """
    if found.next_start is not None:
        keys = np.where(found.next_start == _FAR, _FAR_KEY, found.next_start.astype(np.float64))
        return _page_by_key(found, keys, limit, after)
    rows = found.rows
    timed = columns.scheduled[rows] & (columns.zone_idx[rows] >= 0)
    if timed.sum() <= 4 * limit + 256:
        _exact_times(columns, found, at)
        return _page_by_start(columns, found, at, limit, after)
    slack = _slack(columns, at)
    ahead = _ahead(columns, rows, at)
    # Bounds on each row's true seconds-to-next-start (which can pass a week when the clocks
    # fall back in between): an estimate within `slack` of 0 may really be about a week away,
    # and one within `slack` of a week may really be imminent.
    lower = np.where(ahead >= WEEK - slack, 0, np.maximum(ahead - slack, 0))
    upper = np.where(ahead < slack, WEEK + slack, ahead + slack)
    eligible = timed.copy()
    if after is not None and after.key < _FAR_KEY:
        eligible &= upper >= after.key - at  # may come after the cursor
    elif after is not None:
        eligible[:] = False  # the cursor is already among the meetings with no next start
    candidates = np.flatnonzero(eligible)
    page = np.empty(0, np.int64)  # positions in `rows`
    starts = np.empty(0, np.int64)
    more_timed = False
    if candidates.size:
        take = min(limit, candidates.size)
        bound = np.partition(upper[candidates], take - 1)[take - 1]
        while True:
            chosen = candidates[lower[candidates] <= bound]
            computed = _Candidates(rows[chosen])
            _exact_times(columns, computed, at)
            assert computed.next_start is not None
            keys = computed.next_start.astype(np.float64)
            later = after.after(keys, computed.rows) if after is not None else np.ones(keys.shape, bool)
            if chosen.size == candidates.size:
                break
            if later.sum() >= limit:
                # Rows not computed start at least `bound` from now, so the page is complete
                # once its limit-th start is no later than that.
                kth = np.partition(keys[later], limit - 1)[limit - 1] - at
                if kth <= bound:
                    break
                bound = kth
            else:
                bound = bound * 2 + slack
        order = np.lexsort((computed.rows[later], keys[later]))[:limit]
        page = chosen[later][order]
        starts = computed.next_start[later][order]
        more_timed = int(later.sum()) > limit or chosen.size < candidates.size
    more = more_timed or bool((~timed).any())
    if page.size < limit:  # then the meetings with no next start, in id order
        untimed = np.flatnonzero(~timed)
        if after is not None and after.key >= _FAR_KEY and after.row is not None:
            untimed = untimed[rows[untimed] > after.row]
        untimed = untimed[np.argsort(rows[untimed], kind="stable")]
        room = limit - page.size
        page = np.concatenate((page, untimed[:room]))
        starts = np.concatenate((starts, np.full(min(room, untimed.size), _FAR, np.int64)))
        more = untimed.size > room
    result = _Candidates(rows[page], next_start=starts)
    result.distance = found.distance[page] if found.distance is not None else None
    result.score = found.score[page] if found.score is not None else None
    return result, more


def _page_by_key(
    found: _Candidates, keys: npt.NDArray[np.float64], limit: int, after: _Position | None
) -> tuple[_Candidates, bool]:
    """The next `limit` rows by `keys` (ties by row, i.e. by id), and whether more follow."""
    positions = np.arange(found.rows.size)
    if after is not None:
        positions = positions[after.after(keys, found.rows)]
    more = positions.size > limit
    if more:  # sort only what can reach the page
        cut = np.partition(keys[positions], limit - 1)[limit - 1]
        positions = positions[keys[positions] <= cut]
    chosen = positions[np.lexsort((found.rows[positions], keys[positions]))[:limit]]
    page = _Candidates(found.rows[chosen])
    page.distance = found.distance[chosen] if found.distance is not None else None
    page.score = found.score[chosen] if found.score is not None else None
    page.next_start = found.next_start[chosen] if found.next_start is not None else None
    page.running = found.running[chosen] if found.running is not None else None
    return page, more


def _hit(columns: MeetingColumns, found: _Candidates, i: int) -> Hit:
    row = int(found.rows[i])
    start = int(found.next_start[i]) if found.next_start is not None else _FAR
    running = int(found.running[i]) if found.running is not None else -1
    return Hit(
        row=row,
        id=columns.ids[row],
        next_start=start if start != _FAR else None,
        running_since=running if running >= 0 else None,
        distance_km=float(found.distance[i]) if found.distance is not None else None,
        score=float(found.score[i]) if found.score is not None else None,
    )


def _candidates(columns: MeetingColumns, query: SearchQuery) -> _Candidates:
    """The first cut, from the most selective structure: the spatial grid, then the text index."""
    found: _Candidates | None = None
    if query.near is not None:
        rows, distance = columns.grid.within(query.near[0], query.near[1], query.radius_km or 25.0)
        found = _Candidates(rows, distance=distance)
    elif query.bbox is not None:
        south, west, north, east = query.bbox
        lat, lon = columns.latitude[columns.point_rows], columns.longitude[columns.point_rows]
        inside = (lat >= south) & (lat <= north)
        inside &= ((lon >= west) & (lon <= east)) if west <= east else ((lon >= west) | (lon <= east))
        found = _Candidates(columns.point_rows[inside])
    if query.text:
        matched, text_score = columns.text.search(query.text)
        text_rows: Rows = matched.astype(np.int64)
        if found is None:
            found = _Candidates(text_rows, score=text_score)
        else:
            _, left, right = np.intersect1d(found.rows, text_rows, assume_unique=True, return_indices=True)
            found.keep(left)
            found.score = text_score[right]
    if found is None:
        online_only = query.attendance is not None and Attendance.IN_PERSON not in query.attendance
        found = _Candidates(columns.online_rows if online_only else np.arange(columns.size, dtype=np.int64))
    return found


def _attribute_mask(columns: MeetingColumns, query: SearchQuery, rows: Rows) -> npt.NDArray[np.bool_]:
    """Everything that does not depend on time or place, as one boolean mask."""
    keep = np.ones(rows.shape, bool)
    if not query.include_closed:
        keep &= ~columns.closed[rows]
    if query.attendance is not None:
        keep &= np.isin(columns.attendance[rows], [ATTENDANCE_CODES[a.value] for a in query.attendance])
    if query.fellowships is not None:
        wanted = {f.upper() for f in query.fellowships}
        keep &= np.isin(columns.fellowship_idx[rows], [i for i, f in enumerate(columns.fellowships) if f in wanted])
    if query.sources is not None:
        keep &= np.isin(columns.source_idx[rows], [i for i, s in enumerate(columns.sources) if s in query.sources])
    if query.features_all or query.features_any:
        bits = columns.features[rows]
        for name in query.features_all:  # each named feature (or one of its family) must be there
            keep &= np.any(bits & _feature_mask({name}), axis=1)
        if query.features_any:
            keep &= np.any(bits & _feature_mask(query.features_any), axis=1)
    if query.languages is not None:
        mask = np.zeros(columns.language_bits.shape[1], np.uint64)
        for position, language in enumerate(columns.languages):
            if language in query.languages:
                mask[position // 64] |= np.uint64(1) << np.uint64(position % 64)
        keep &= np.any(columns.language_bits[rows] & mask, axis=1)
    if query.medication is not None:
        keep &= np.isin(columns.stance[rows], [STANCES[s] for s in query.medication])
    if query.time_basis == "meeting":
        if query.weekdays is not None:
            keep &= np.isin(columns.weekday[rows], sorted(query.weekdays))
        if query.time_from is not None or query.time_to is not None:
            keep &= columns.scheduled[rows] & _in_window(columns.start_minute[rows].astype(np.int64), query)
    return keep


def _feature_mask(names: frozenset[str] | set[str]) -> npt.NDArray[np.uint64]:
    """Bits for `names`; a family name ("lgbtq") also covers its members ("lesbian", ...)."""
    mask = np.zeros(FEATURE_WORDS, np.uint64)
    for name in names:
        for member in FEATURE_FAMILIES.get(name, (name,)):
            bit = FEATURE_BITS[member]
            mask[bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return mask


def _in_window(minutes: Rows, query: SearchQuery) -> npt.NDArray[np.bool_]:
    start = query.time_from if query.time_from is not None else 0
    end = query.time_to if query.time_to is not None else 1440
    if start <= end:
        return (minutes >= start) & (minutes < end)
    return (minutes >= start) | (minutes < end)  # a window across midnight, e.g. 22:00-02:00


def _viewer_window(
    columns: MeetingColumns, query: SearchQuery, zone: str, next_start: Rows | None
) -> npt.NDArray[np.bool_]:
    """Weekdays / time window read in the viewer's zone, on each meeting's next occurrence."""
    assert next_start is not None
    timed = next_start != _FAR
    keep = np.zeros(next_start.shape, bool)
    if not timed.any():
        return keep
    plan = columns.plan if zone in columns.plan.zone_index else ZonePlan((zone,))
    seconds = plan.local_week_second(zone, next_start[timed])
    ok = np.ones(seconds.shape, bool)
    if query.weekdays is not None:
        ok &= np.isin(seconds // DAY, sorted(query.weekdays))
    if query.time_from is not None or query.time_to is not None:
        ok &= _in_window((seconds % DAY) // 60, query)
    keep[timed] = ok
    return keep


def _sort_key(query: SearchQuery, found: _Candidates) -> npt.NDArray[np.float64]:
    if query.sort == "distance" and found.distance is not None:
        return found.distance.astype(np.float64)
    if query.sort == "relevance" and found.score is not None:
        return -found.score
    assert found.next_start is not None
    return np.where(found.next_start == _FAR, _FAR_KEY, found.next_start.astype(np.float64))


@dataclass(frozen=True, slots=True)
class _Cursor:
    key: float
    id: str
    at: int
    fingerprint: str

    def encode(self) -> str:
        raw = orjson.dumps({"k": self.key, "i": self.id, "t": self.at, "q": self.fingerprint})
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, fingerprint: str) -> _Cursor:
        try:
            data = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            cursor = cls(float(data["k"]), str(data["i"]), int(data["t"]), str(data["q"]))
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise QueryError("cursor", "not a cursor this server issued") from None
        if cursor.fingerprint != fingerprint:
            raise QueryError("cursor", "belongs to a different query; repeat the query's other parameters unchanged")
        return cursor
