"""Meetings near a point: a grid of small latitude/longitude cells, rows sorted by cell.

Rows are sorted by (latitude band, longitude cell), so the cells of one band that a circle's
bounding box covers are one contiguous slice of the sorted rows. A query takes a slice per
band and keeps what is truly within the radius (great-circle distance). Everything is array
arithmetic: no per-point Python work, whatever the radius.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
CELL_DEGREES = 0.25
_LON_CELLS = int(360 / CELL_DEGREES)
_LAT_CELLS = int(180 / CELL_DEGREES)

Rows = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def great_circle_km(lat: float, lon: float, lats: Floats, lons: Floats) -> Floats:
    phi1, phi2 = math.radians(lat), np.radians(lats)
    a = np.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    result: Floats = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result


def _cell(lat: Floats, lon: Floats) -> Rows:
    band = np.clip(np.floor((lat + 90) / CELL_DEGREES), 0, _LAT_CELLS - 1).astype(np.int64)
    column = np.floor((lon + 180) / CELL_DEGREES).astype(np.int64) % _LON_CELLS
    return band * _LON_CELLS + column


@dataclass(frozen=True, slots=True)
class CellGrid:
    rows: Rows  # meeting rows, sorted by cell
    cells: Rows  # the cell of each of `rows`
    latitude: Floats  # of `rows`, in the same order
    longitude: Floats

    @classmethod
    def build(cls, rows: Rows, latitude: Floats, longitude: Floats) -> CellGrid:
        cells = _cell(latitude[rows], longitude[rows])
        order = np.argsort(cells, kind="stable")
        chosen = rows[order]
        return cls(chosen, cells[order], latitude[chosen], longitude[chosen])

    def within(self, lat: float, lon: float, radius_km: float) -> tuple[Rows, Floats]:
        """Rows within `radius_km` of the point, with their distances."""
        dlat = radius_km / 111.0
        south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
        widest = max(abs(south), abs(north))
        polar = widest >= 89.0 or radius_km >= 5000
        dlon = 180.0 if polar else min(180.0, radius_km / (111.0 * math.cos(math.radians(widest))))
        first = int(np.clip(math.floor((south + 90) / CELL_DEGREES), 0, _LAT_CELLS - 1))
        last = int(np.clip(math.floor((north + 90) / CELL_DEGREES), 0, _LAT_CELLS - 1))
        spans = _longitude_spans(lon, dlon)
        starts, ends = [], []
        for band in range(first, last + 1):
            base = band * _LON_CELLS
            for low, high in spans:
                starts.append(base + low)
                ends.append(base + high + 1)
        lo = np.searchsorted(self.cells, np.array(starts, np.int64), side="left")
        hi = np.searchsorted(self.cells, np.array(ends, np.int64), side="left")
        if not (hi > lo).any():
            return np.empty(0, np.int64), np.empty(0, np.float64)
        index = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True) if b > a])
        distance = great_circle_km(lat, lon, self.latitude[index], self.longitude[index])
        inside = distance <= radius_km
        return self.rows[index[inside]], distance[inside]


def _longitude_spans(lon: float, dlon: float) -> list[tuple[int, int]]:
    """Cell-column ranges covering [lon - dlon, lon + dlon], split at the antimeridian."""
    if dlon >= 180.0:
        return [(0, _LON_CELLS - 1)]
    west = math.floor((lon - dlon + 180) / CELL_DEGREES)
    east = math.floor((lon + dlon + 180) / CELL_DEGREES)
    if west < 0:
        return [(0, east), (west % _LON_CELLS, _LON_CELLS - 1)]
    if east >= _LON_CELLS:
        return [(west, _LON_CELLS - 1), (0, east % _LON_CELLS)]
    return [(west, east)]
