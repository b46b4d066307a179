"""Next occurrences of weekly meetings, for many meetings at once, right across daylight saving.

A meeting is "weekday + local time in an IANA zone". Its next start after an instant depends
on that zone's UTC offset, which changes at daylight-saving transitions. For every zone in
use we find its transitions within a three-year era (probing zoneinfo, then bisecting to the
second) and merge them into one sorted array of instants. Between two consecutive instants
every zone's offset is constant, so a query needs one `searchsorted` and array lookups: no
Python call per meeting.

Semantics match `zoneinfo` with `fold=0`, so the brute-force reference below is the spec:
a local time that does not exist (spring forward) maps with the offset before the jump; a
local time that happens twice (fall back) means its first occurrence.

Times are int64 seconds since the Unix epoch (UTC). Weekdays: 0 = Monday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

WEEK = 7 * 24 * 3600
DAY = 24 * 3600
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)
_PROBE = 3 * DAY  # no zone changes offset twice within three days
_ERA_YEARS = 3

IntArray = npt.NDArray[np.int64]


def next_start_reference(weekday: int, start_minute: int, zone: str, after: datetime) -> datetime:
    """The next start at or after `after`, computed the slow, obviously-right way."""
    tz = ZoneInfo(zone)
    local = after.astimezone(tz)
    for days in range(0, 9):
        day = local.date() + timedelta(days=days)
        if day.weekday() != weekday:
            continue
        candidate = datetime.combine(day, time(start_minute // 60, start_minute % 60), tzinfo=tz)  # fold=0
        if candidate >= after:
            return candidate.astimezone(UTC)
    raise AssertionError("unreachable: a weekly meeting occurs within 8 days")


@lru_cache(maxsize=4096)
def _transitions(zone: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """((instant, offset after it), ...) for `zone` between `start` and `end`, plus the
    offset in force at `start` as the first pair (instant = start)."""
    tz = ZoneInfo(zone)

    def offset(at: int) -> int:
        delta = datetime.fromtimestamp(at, UTC).astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    pairs = [(start, offset(start))]
    previous_at, previous = start, pairs[0][1]
    for at in range(start + _PROBE, end + _PROBE, _PROBE):
        current = offset(at)
        if current != previous:
            low, high = previous_at, at  # offset(low) == previous != offset(high)
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == previous:
                    low = middle
                else:
                    high = middle
            pairs.append((high, current))
            previous = current
        previous_at = at
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class Era:
    """Offsets of every zone in use, between every transition, over a few years."""

    zones: tuple[str, ...]
    start: int
    end: int
    breakpoints: IntArray  # sorted instants where some zone's offset changes; [0] = start
    offset: IntArray  # [k, z]: offset of zone z on [breakpoints[k], breakpoints[k+1])
    next_change: IntArray  # [k, z]: first transition of zone z after breakpoints[k] (or far future)
    offset_after: IntArray  # [k, z]: offset of zone z after that transition
    previous_change: IntArray  # [k, z]: last transition of zone z at or before breakpoints[k]
    offset_before: IntArray  # [k, z]: offset of zone z before that transition

    @classmethod
    def build(cls, zones: tuple[str, ...], year: int) -> Era:
        start = int(datetime(year - 1, 1, 1, tzinfo=UTC).timestamp())
        end = int(datetime(year + _ERA_YEARS - 1, 1, 1, tzinfo=UTC).timestamp())
        per_zone = [_transitions(zone, start, end) for zone in zones]
        instants = sorted({at for pairs in per_zone for at, _ in pairs} | {start})
        breakpoints = np.array(instants, dtype=np.int64)
        shape = (len(instants), max(len(zones), 1))
        offset = np.zeros(shape, np.int64)
        next_change = np.full(shape, np.iinfo(np.int64).max // 4, np.int64)
        offset_after = np.zeros(shape, np.int64)
        previous_change = np.full(shape, np.iinfo(np.int64).min // 4, np.int64)
        offset_before = np.zeros(shape, np.int64)
        for z, pairs in enumerate(per_zone):
            at = np.array([p[0] for p in pairs], np.int64)
            off = np.array([p[1] for p in pairs], np.int64)
            # index of the pair in force at each breakpoint
            j = np.searchsorted(at, breakpoints, side="right") - 1
            offset[:, z] = off[j]
            has_next = j + 1 < len(at)
            next_change[has_next, z] = at[j[has_next] + 1]
            offset_after[:, z] = np.where(has_next, off[np.minimum(j + 1, len(at) - 1)], off[j])
            real_previous = j >= 1  # pairs[0] is the era start, not a transition
            previous_change[real_previous, z] = at[j[real_previous]]
            offset_before[:, z] = np.where(real_previous, off[np.maximum(j - 1, 0)], off[j])
        return cls(zones, start, end, breakpoints, offset, next_change, offset_after, previous_change, offset_before)

    def covers(self, instants: IntArray) -> bool:
        return bool(instants.size == 0 or (instants.min() >= self.start and instants.max() < self.end - WEEK))


class ZonePlan:
    """Vectorised next-start computations for meetings given as column arrays."""

    def __init__(self, zones: tuple[str, ...]):
        self.zones = zones
        self.zone_index = {zone: i for i, zone in enumerate(zones)}
        self._eras: dict[int, Era] = {}
        self._spreads: dict[tuple[int, bytes], int] = {}

    def era_for(self, instants: IntArray) -> Era:
        first = datetime.fromtimestamp(int(instants.min()) if instants.size else 0, UTC).year
        era = self._eras.get(first)
        if era is None:
            era = Era.build(self.zones, first)
            if len(self._eras) > 8:
                self._eras.clear()
            self._eras[first] = era
        if not era.covers(instants):
            raise ValueError("instants span more than the era; query one period at a time")
        return era

    def offsets(self, zone_idx: IntArray, instants: IntArray) -> IntArray:
        """UTC offset (seconds) of each meeting's zone at each instant."""
        era = self.era_for(instants)
        k = np.searchsorted(era.breakpoints, instants, side="right") - 1
        return era.offset[k, zone_idx]

    def next_start(self, week_second: IntArray, zone_idx: IntArray, after: IntArray) -> IntArray:
        """For each meeting, its first start at or after `after` (seconds since the epoch).

        `week_second` is the local start as seconds after Monday 00:00; `zone_idx` indexes
        `self.zones`; `after` is an array of the same length (or broadcastable).
        """
        after = np.broadcast_to(np.asarray(after, np.int64), week_second.shape)
        era = self.era_for(after)
        k = np.searchsorted(era.breakpoints, after, side="right") - 1
        current = era.offset[k, zone_idx]
        local_now = after + current
        # local naive second-of-week now, and the naive local start this week or next
        now_in_week = (local_now + _EPOCH_WEEKDAY * DAY) % WEEK
        ahead = (week_second - now_in_week) % WEEK
        naive = local_now + ahead
        start = _to_utc(naive, current, k, zone_idx, era)
        # Only when `after` sits in the second pass of a repeated hour can the fold=0 reading
        # of this week's start lie before `after`; then the next occurrence is a week later.
        late = start < after
        if late.any():
            naive = np.where(late, naive + WEEK, naive)
            start = _to_utc(naive, current, k, zone_idx, era)
        # Just after a spring-forward jump, a start whose local time was skipped (02:30 when
        # clocks went 02:00 -> 03:00) reads, with fold=0, as an instant after the jump: it can
        # still be ahead of `after` although its local time is behind the local clock.
        previous = era.previous_change[k, zone_idx]
        before = era.offset_before[k, zone_idx]
        skipped = naive - WEEK
        in_gap = (current > before) & (skipped >= previous + before) & (skipped < previous + current)
        if in_gap.any():
            gap_start = skipped - before
            start = np.where(in_gap & (gap_start >= after), gap_start, start)
        return start

    def in_progress(self, week_second: IntArray, zone_idx: IntArray, duration: IntArray, at: int) -> IntArray:
        """Start of the occurrence running at `at`, or -1 where none is (boundaries: [start, end))."""
        starts = self.next_start(week_second, zone_idx, at - duration + 1)
        return np.where(starts <= at, starts, -1)

    def max_offset_change(self, reference: IntArray, instant: int) -> int:
        """The largest difference, over the zones, between `reference` offsets and any offset
        in force in the era around `instant` (how far an offset-based estimate can be off)."""
        if not self.zones:
            return 0
        era = self.era_for(np.array([instant], np.int64))
        key = (era.start, reference.tobytes())
        spread = self._spreads.get(key)
        if spread is None:
            spread = int(np.abs(era.offset - reference[None, :]).max())
            self._spreads[key] = spread
        return spread

    def local_week_second(self, zone: str, instants: IntArray) -> IntArray:
        """Seconds after Monday 00:00 local time in `zone` at each instant (for a viewer's zone)."""
        index = self.zone_index[zone]
        zone_idx = np.full(instants.shape, index, np.int64)
        return (instants + self.offsets(zone_idx, instants) + _EPOCH_WEEKDAY * DAY) % WEEK


def _to_utc(naive: IntArray, current: IntArray, k: IntArray, zone_idx: IntArray, era: Era) -> IntArray:
    """Naive local seconds -> UTC with fold=0, around at most one transition each side of now."""
    nxt = era.next_change[k, zone_idx]
    after_next = era.offset_after[k, zone_idx]
    prev = era.previous_change[k, zone_idx]
    before_prev = era.offset_before[k, zone_idx]
    offset = current.copy()
    # Past the next transition in local terms (its later reading, so gaps map forward).
    crossed = naive >= nxt + np.maximum(current, after_next)
    offset = np.where(crossed, after_next, offset)
    # Inside the repeated hour just after a fall-back transition: fold=0 is the earlier reading.
    repeated = (before_prev > current) & (naive < prev + before_prev)
    offset = np.where(repeated & ~crossed, before_prev, offset)
    return naive - offset


def week_second(weekday: int, start_minute: int) -> int:
    return weekday * DAY + start_minute * 60


def to_epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("an instant must carry a time zone")
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def local_date(seconds: int, zone: str) -> date:
    return from_epoch(seconds).astimezone(ZoneInfo(zone)).date()
