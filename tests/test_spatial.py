"""The spatial grid finds exactly the meetings within a radius, anywhere on Earth."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from manyroads.index.spatial import CellGrid, great_circle_km

RNG = np.random.default_rng(11)
# Points clustered around awkward places (antimeridian, poles, equator) plus some anywhere.
CLUSTERS = [(0.0, 179.9), (0.0, -179.9), (89.5, 10.0), (-89.5, -60.0), (40.7, -74.0), (0.0, 0.0), (64.8, -147.7)]
LAT = np.concatenate(
    [np.clip(c[0] + RNG.normal(0, 1.5, 400), -90, 90) for c in CLUSTERS] + [RNG.uniform(-90, 90, 2000)]
)
LON = np.concatenate(
    [((c[1] + RNG.normal(0, 1.5, 400)) + 180) % 360 - 180 for c in CLUSTERS] + [RNG.uniform(-180, 180, 2000)]
)
ROWS = np.arange(LAT.size, dtype=np.int64)
GRID = CellGrid.build(ROWS, LAT, LON)


def _reference(lat: float, lon: float, radius: float) -> set[int]:
    return {int(i) for i in ROWS if great_circle_km(lat, lon, LAT[i : i + 1], LON[i : i + 1])[0] <= radius}


@settings(max_examples=200, deadline=None)
@given(
    centre=st.sampled_from(CLUSTERS),
    dlat=st.floats(-2, 2),
    dlon=st.floats(-2, 2),
    radius=st.sampled_from([1.0, 10.0, 50.0, 250.0, 1000.0]),
)
def test_within_equals_brute_force(centre: tuple[float, float], dlat: float, dlon: float, radius: float) -> None:
    lat = max(-90.0, min(90.0, centre[0] + dlat))
    lon = (centre[1] + dlon + 180) % 360 - 180
    rows, distances = GRID.within(lat, lon, radius)
    assert set(rows.tolist()) == _reference(lat, lon, radius)
    assert np.all(distances <= radius)


def test_distance_is_great_circle() -> None:
    # London to New York: about 5,570 km
    assert math.isclose(
        great_circle_km(51.5074, -0.1278, np.array([40.7128]), np.array([-74.0060]))[0], 5570, rel_tol=0.01
    )
