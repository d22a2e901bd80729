"""Point → grid: one lookup, a batch, borders, outside, and rebuilding when grids change."""

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.areas import importers, lookup
from gongzhi.conftest import G1, G2, G3, SYSTEM, box, feature


def test_a_point_inside_a_grid(world):
    assert lookup.locate(0.25, 0.5) == G1
    assert lookup.locate(0.75, 0.5) == G2
    assert lookup.locate(0.25, 1.5) == G3


def test_a_point_outside_every_grid(world):
    assert lookup.locate(10, 10) is None
    assert lookup.locate(-0.0001, 0.5) is None


def test_a_point_on_a_shared_border_goes_to_the_smaller_code(world):
    for _ in range(3):
        assert lookup.locate(0.5, 0.5) == G1  # G1 | G2 border
        assert lookup.locate(0.25, 1.0) == G1  # G1 / G3 border
        assert lookup.locate(0.5, 1.0) == G1  # the corner of four grids


def test_batch_agrees_with_single_lookups(world):
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(-0.5, 4.5, 500), rng.uniform(-0.5, 2.5, 500)
    batch = lookup.locate_many(lons, lats)
    assert list(batch) == [lookup.locate(x, y) for x, y in zip(lons, lats, strict=True)]
    assert lookup.locate_many([], []).size == 0


def test_the_index_is_rebuilt_when_grids_change(world):
    assert lookup.locate(3.0, 1.0) == "510104001001001"
    doc = {"type": "FeatureCollection", "features": [
        feature("510104001001001", "和平第1网格", "grid", "510104001001", box(2, 0, 3, 2)),
        feature("510104001001002", "和平第2网格", "grid", "510104001001", box(3, 0, 4, 2)),
    ]}
    features, _ = importers.read_geojson(json.dumps(doc))
    assert importers.import_areas(features, actor=SYSTEM).ok
    assert lookup.locate(3.5, 1.0) == "510104001001002"


@settings(max_examples=200, deadline=None)
@given(st.floats(0.001, 0.999), st.floats(0.001, 0.999))
def test_every_point_of_a_community_lands_in_one_of_its_grids(x, y):
    from shapely.geometry import shape

    from gongzhi.areas.lookup import GridIndex

    index = GridIndex.build(1, [(G1, box(0, 0, 0.5, 1)), (G2, box(0.5, 0, 1, 1))])
    code = index.locate_many([x], [y])[0]
    assert code == (G1 if x <= 0.5 else G2)
    assert shape(box(0, 0, 1, 1)).contains(shape({"type": "Point", "coordinates": [x, y]}))
