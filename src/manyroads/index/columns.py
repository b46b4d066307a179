"""The index's data: one NumPy column per attribute a query filters or sorts on.

Built from the store's canonical meetings (duplicates linked to another listing are left
out; the canonical one carries them). Rows are numbered 0..n-1; `ids[row]` is the meeting id.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import select

from manyroads.index.spatial import CellGrid
from manyroads.index.text import TextIndex
from manyroads.index.timeplan import WEEK, ZonePlan
from manyroads.model import Attendance, Status
from manyroads.store import Store
from manyroads.store.tables import MeetingRow, SourceRow
from manyroads.vocabulary.features import FEATURES

LONG_MEETING = 4 * 3600  # longer meetings are few; time windows always consider them
ATTENDANCE_CODES = {Attendance.IN_PERSON.value: 0, Attendance.ONLINE.value: 1, Attendance.HYBRID.value: 2}
FEATURE_BITS = {feature.name: i for i, feature in enumerate(FEATURES)}
FEATURE_WORDS = (len(FEATURES) + 63) // 64

Bits = npt.NDArray[np.uint64]
# (ids, fellowships, features per meeting) -> stance code per meeting
StanceProvider = Callable[[Sequence[str], Sequence[str], Sequence[Sequence[str]]], npt.NDArray[np.int8]]

_NAMES = (
    "id",
    "source_id",
    "fellowship",
    "name",
    "group_name",
    "weekday",
    "start_minute",
    "duration_minutes",
    "timezone",
    "attendance",
    "status",
    "location_name",
    "location_city",
    "location_region",
    "location_latitude",
    "location_longitude",
    "location_approximate",
    "features",
    "languages",
    "regions",
)
_COLUMNS = (
    MeetingRow.id,
    MeetingRow.source_id,
    MeetingRow.fellowship,
    MeetingRow.name,
    MeetingRow.group_name,
    MeetingRow.weekday,
    MeetingRow.start_minute,
    MeetingRow.duration_minutes,
    MeetingRow.timezone,
    MeetingRow.attendance,
    MeetingRow.status,
    MeetingRow.location_name,
    MeetingRow.location_city,
    MeetingRow.location_region,
    MeetingRow.location_latitude,
    MeetingRow.location_longitude,
    MeetingRow.location_approximate,
    MeetingRow.features,
    MeetingRow.languages,
    MeetingRow.regions,
)


def default_stance(
    ids: Sequence[str], fellowships: Sequence[str], features: Sequence[Sequence[str]]
) -> npt.NDArray[np.int8]:
    """Without the medication module: welcoming only where the feed carries our code."""
    return np.array([1 if "medication_welcome" in f else 0 for f in features], np.int8)


@dataclass(slots=True)
class MeetingColumns:
    version: int
    ids: list[str]
    row_of: dict[str, int]
    source_idx: npt.NDArray[np.int16]
    sources: list[str]
    fellowship_idx: npt.NDArray[np.int16]
    fellowships: list[str]
    scheduled: npt.NDArray[np.bool_]  # has a weekday and a start
    week_second: npt.NDArray[np.int64]  # local start, seconds after Monday 00:00
    weekday: npt.NDArray[np.int8]
    start_minute: npt.NDArray[np.int16]
    duration: npt.NDArray[np.int64]  # seconds
    zone_idx: npt.NDArray[np.int64]  # -1 = unknown zone
    plan: ZonePlan
    attendance: npt.NDArray[np.int8]
    closed: npt.NDArray[np.bool_]
    latitude: npt.NDArray[np.float64]  # NaN where unknown
    longitude: npt.NDArray[np.float64]
    approximate: npt.NDArray[np.bool_]
    features: Bits  # [row, word]
    language_bits: Bits
    languages: list[str]
    stance: npt.NDArray[np.int8]
    point_rows: npt.NDArray[np.int64]  # rows with an exact point, in KD-tree order
    grid: CellGrid  # meetings with an exact place, for "near"
    text: TextIndex
    online_rows: npt.NDArray[np.int64]  # rows attended online (online or hybrid)
    # Approximate UTC position in the week (seconds after Monday 00:00 UTC) of each timed
    # meeting, using its zone's offset when the index was built; -1 for untimed meetings.
    # Queries widen windows by the largest offset change since, so results stay exact.
    approx_utc: npt.NDArray[np.int64]
    approx_order: npt.NDArray[np.int64]  # timed rows sorted by approx_utc
    approx_sorted: npt.NDArray[np.int64]  # approx_utc of approx_order
    build_offsets: npt.NDArray[np.int64]  # per zone: the offset used for approx_utc
    long_rows: npt.NDArray[np.int64]  # timed rows lasting more than LONG_MEETING seconds

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, store: Store, *, stance: StanceProvider = default_stance) -> MeetingColumns:
        version = store.data_version()
        query = (
            select(*_COLUMNS)
            .join(SourceRow, SourceRow.id == MeetingRow.source_id)
            .where(MeetingRow.canonical_id.is_(None), SourceRow.enabled.is_(True))
            .order_by(MeetingRow.id)
        )
        # The raw driver rows skip SQLAlchemy's per-value processing, which dominates at 300k rows.
        sql = str(query.compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True}))
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql(sql).fetchall()
        columns: dict[str, list[Any]] = {name: [] for name in _NAMES}
        if rows:
            for name, values in zip(_NAMES, zip(*rows, strict=True), strict=True):
                columns[name] = list(values)
        del rows  # the columns hold the same objects; let the row tuples go
        for name in ("features", "languages", "regions"):
            columns[name] = [orjson.loads(v) if isinstance(v, (str, bytes)) else v for v in columns[name]]
        return cls.from_columns(columns, version=version, source_names=store.source_names(), stance=stance)

    @classmethod
    def from_records(
        cls,
        records: list[dict[str, Any]],
        *,
        version: int,
        source_names: dict[int, str],
        stance: StanceProvider = default_stance,
    ) -> MeetingColumns:
        """Build from meeting dicts (tests and tools); `build` is the fast path from the store."""
        columns = {name: [r[name] for r in records] for name in _NAMES}
        return cls.from_columns(columns, version=version, source_names=source_names, stance=stance)

    @classmethod
    def from_columns(
        cls,
        c: dict[str, list[Any]],
        *,
        version: int,
        source_names: dict[int, str],
        stance: StanceProvider = default_stance,
    ) -> MeetingColumns:
        n = len(c["id"])
        ids: list[str] = c["id"]
        source_ids = sorted(set(c["source_id"]))
        source_pos = {sid: i for i, sid in enumerate(source_ids)}
        fellowships = sorted(set(c["fellowship"]))
        fellowship_pos = {f: i for i, f in enumerate(fellowships)}
        zones = tuple(sorted({z for z in c["timezone"] if z}))
        zone_pos = {z: i for i, z in enumerate(zones)}
        languages = sorted({lang for langs in c["languages"] for lang in langs})
        language_pos = {lang: i for i, lang in enumerate(languages)}

        weekday = np.array([-1 if d is None else d for d in c["weekday"]], np.int8)
        start = np.array([-1 if m is None else m for m in c["start_minute"]], np.int16)
        scheduled = (weekday >= 0) & (start >= 0)
        lat = np.array([np.nan if v is None else v for v in c["location_latitude"]], np.float64)
        lon = np.array([np.nan if v is None else v for v in c["location_longitude"]], np.float64)
        approximate = np.array([bool(v) for v in c["location_approximate"]], bool)
        attendance = np.array([ATTENDANCE_CODES[a] for a in c["attendance"]], np.int8)
        features = _bits(c["features"], FEATURE_BITS, FEATURE_WORDS)
        language_bits = _bits(c["languages"], language_pos, max(1, (len(languages) + 63) // 64))

        zone_idx = np.array([zone_pos.get(z, -1) if z else -1 for z in c["timezone"]], np.int64)
        plan = ZonePlan(zones)
        week_second = np.where(scheduled, weekday.astype(np.int64) * 86400 + start.astype(np.int64) * 60, 0)
        duration = np.array(c["duration_minutes"], np.int64) * 60
        timed = np.flatnonzero(scheduled & (zone_idx >= 0))
        now = int(time.time())
        build_offsets = (
            plan.offsets(np.arange(len(zones), dtype=np.int64), np.full(len(zones), now, np.int64))
            if zones
            else np.zeros(0, np.int64)
        )
        approx_utc = np.full(n, -1, np.int64)
        approx_utc[timed] = (week_second[timed] - build_offsets[zone_idx[timed]]) % WEEK
        approx_order = timed[np.argsort(approx_utc[timed], kind="stable")]

        has_point = ~np.isnan(lat) & ~approximate & (attendance != ATTENDANCE_CODES["online"])
        point_rows = np.flatnonzero(has_point)
        grid = CellGrid.build(point_rows, lat, lon)
        text = TextIndex.build(
            {
                "name": c["name"],
                "group": c["group_name"],
                "place": [f"{a} {b}" for a, b in zip(c["location_name"], c["location_city"], strict=True)],
                "region": [f"{a} {' '.join(b)}" for a, b in zip(c["location_region"], c["regions"], strict=True)],
            }
        )
        return cls(
            version=version,
            ids=ids,
            row_of={ident: row for row, ident in enumerate(ids)},
            source_idx=np.array([source_pos[s] for s in c["source_id"]], np.int16),
            sources=[source_names.get(sid, str(sid)) for sid in source_ids],
            fellowship_idx=np.array([fellowship_pos[f] for f in c["fellowship"]], np.int16),
            fellowships=fellowships,
            scheduled=scheduled,
            week_second=week_second,
            weekday=weekday,
            start_minute=start,
            duration=duration,
            zone_idx=zone_idx,
            plan=plan,
            attendance=attendance,
            closed=np.array([s == Status.TEMPORARILY_CLOSED.value for s in c["status"]], bool),
            latitude=lat,
            longitude=lon,
            approximate=approximate,
            features=features,
            language_bits=language_bits,
            languages=languages,
            stance=stance(ids, c["fellowship"], c["features"]) if n else np.zeros(0, np.int8),
            point_rows=point_rows,
            grid=grid,
            text=text,
            online_rows=np.flatnonzero(attendance != ATTENDANCE_CODES["in_person"]),
            approx_utc=approx_utc,
            approx_order=approx_order,
            approx_sorted=approx_utc[approx_order],
            build_offsets=build_offsets,
            long_rows=timed[duration[timed] > LONG_MEETING],
        )


def _bits(values: list[list[str]], positions: dict[str, int], words: int) -> Bits:
    """One bitset row per meeting, built in one vectorised pass."""
    rows = np.fromiter((row for row, names in enumerate(values) for name in names if name in positions), np.int64)
    bits = np.fromiter((positions[name] for names in values for name in names if name in positions), np.int64)
    out = np.zeros((len(values), words), np.uint64)
    if rows.size:
        np.bitwise_or.at(out, (rows, bits // 64), np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64)))
    return out
