"""Facility search: near a place, with the filters a clinician or person needs.

Facilities are few (SAMHSA lists about 23,000 in the whole country), so a scan of NumPy
columns answers any question in well under a millisecond; full records are read from the
store only for the page being shown. The columns are rebuilt when the store's data version
moves, in the background, like the meeting index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select

from manyroads.index.spatial import great_circle_km
from manyroads.store import Store
from manyroads.store.tables import FacilityRow
from manyroads.treatment.model import MEDICATIONS

log = logging.getLogger(__name__)
MAX_RADIUS_KM = 500.0


class FacilityQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    near: tuple[float, float]
    radius_km: float = Field(40.0, gt=0, le=MAX_RADIUS_KM)
    medications: frozenset[str] = frozenset()  # any of these
    opioid_treatment_program: bool = False
    accepts_people_on_medication: bool = False
    telehealth: bool = False
    sign_language: bool = False
    languages: frozenset[str] = frozenset()  # any of
    payment: frozenset[str] = frozenset()  # any of
    ages: frozenset[str] = frozenset()  # any of
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)

    @model_validator(mode="after")
    def _known_medications(self) -> FacilityQuery:
        unknown = self.medications - set(MEDICATIONS)
        if unknown:
            raise ValueError(f"medication must be one of {', '.join(MEDICATIONS)} (got {', '.join(sorted(unknown))})")
        return self


@dataclass(frozen=True, slots=True)
class FacilityHit:
    id: str
    distance_km: float


@dataclass(frozen=True, slots=True)
class FacilityResult:
    total: int
    hits: list[FacilityHit]


def _bits(values: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> npt.NDArray[np.uint64]:
    out = np.zeros(len(values), np.uint64)
    for row, items in enumerate(values):
        mask = 0
        for item in items:
            bit = vocabulary.setdefault(item, len(vocabulary))
            if bit < 64:
                mask |= 1 << bit
        out[row] = mask
    return out


@dataclass(slots=True)
class FacilityColumns:
    version: int
    ids: list[str]
    latitude: npt.NDArray[np.float64]
    longitude: npt.NDArray[np.float64]
    medications: npt.NDArray[np.uint64]
    flags: dict[str, npt.NDArray[np.bool_]]
    vocabularies: dict[str, dict[str, int]]
    sets: dict[str, npt.NDArray[np.uint64]]

    @classmethod
    def build(cls, store: Store) -> FacilityColumns:
        version = store.data_version()
        with store.engine.connect() as connection:
            rows = connection.execute(
                select(FacilityRow.id, FacilityRow.latitude, FacilityRow.longitude, FacilityRow.record).order_by(
                    FacilityRow.id
                )
            ).all()
        records: list[dict[str, Any]] = [r.record for r in rows]
        medication_bits = {name: i for i, name in enumerate(MEDICATIONS)}
        vocabularies: dict[str, dict[str, int]] = {"languages": {}, "payment": {}, "ages": {}}
        return cls(
            version=version,
            ids=[r.id for r in rows],
            latitude=np.array([np.nan if r.latitude is None else r.latitude for r in rows], np.float64),
            longitude=np.array([np.nan if r.longitude is None else r.longitude for r in rows], np.float64),
            medications=_bits([r.get("medications", []) for r in records], medication_bits),
            flags={
                name: np.array([bool(r.get(name)) for r in records], np.bool_)
                for name in ("opioid_treatment_program", "accepts_people_on_medication", "telehealth", "sign_language")
            },
            vocabularies=vocabularies,
            sets={name: _bits([r.get(name, []) for r in records], vocabularies[name]) for name in vocabularies},
        )

    def search(self, query: FacilityQuery) -> FacilityResult:
        if not self.ids:
            return FacilityResult(0, [])
        lat, lon = query.near
        distance = great_circle_km(lat, lon, self.latitude, self.longitude)
        keep = distance <= query.radius_km
        if query.medications:
            mask = sum(1 << MEDICATIONS.index(m) for m in query.medications)
            offers = (self.medications & np.uint64(mask)) != 0
            if "methadone" in query.medications:  # methadone is dispensed by certified OTPs
                offers |= self.flags["opioid_treatment_program"]
            keep &= offers
        for flag in ("opioid_treatment_program", "accepts_people_on_medication", "telehealth", "sign_language"):
            if getattr(query, flag):
                keep &= self.flags[flag]
        for name in ("languages", "payment", "ages"):
            wanted: frozenset[str] = getattr(query, name)
            if wanted:
                vocabulary = self.vocabularies[name]
                mask = sum(1 << vocabulary[w] for w in wanted if w in vocabulary and vocabulary[w] < 64)
                keep &= (self.sets[name] & np.uint64(mask)) != 0
        rows = np.flatnonzero(keep)
        order = rows[np.argsort(distance[rows], kind="stable")]
        page = order[query.offset : query.offset + query.limit]
        return FacilityResult(
            int(rows.size), [FacilityHit(self.ids[int(r)], round(float(distance[int(r)]), 3)) for r in page]
        )


def facility_details(store: Store, found: Sequence[tuple[str, float | None]]) -> list[dict[str, Any]]:
    """Stored facilities for (id, distance) pairs, in that order, each with `distance_km` and
    `matched_on` (the date we last read its source); ids no longer stored are skipped."""
    records = {r["id"]: r for r in store.facility_records([ident for ident, _ in found])}
    matched = {s.name: s.last_success_at for s in store.sources()}
    details = []
    for ident, distance_km in found:
        record = records.get(ident)
        if record is None:  # removed since the index was built
            continue
        last = matched.get(record["source"])
        details.append({**record, "distance_km": distance_km, "matched_on": last.date().isoformat() if last else None})
    return details


class FacilityIndexHolder:
    """The current facility columns for this process; rebuilt in the background on change."""

    def __init__(self, store: Store, check_seconds: float = 2.0):
        self.store = store
        self.check_seconds = check_seconds
        self._columns: FacilityColumns | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._building: threading.Thread | None = None

    def current(self) -> FacilityColumns:
        columns = self._columns
        if columns is None:
            with self._lock:
                if self._columns is None:
                    self._columns = FacilityColumns.build(self.store)
                return self._columns
        now = time.monotonic()
        if now - self._checked >= self.check_seconds:
            self._checked = now
            if self.store.data_version() != columns.version and not (self._building and self._building.is_alive()):
                self._building = threading.Thread(target=self._rebuild, name="facility-index", daemon=True)
                self._building.start()
        return columns

    def _rebuild(self) -> None:
        try:
            columns = FacilityColumns.build(self.store)
            with self._lock:
                self._columns = columns
        except Exception:
            log.exception("facility index rebuild failed; still serving the previous one")
