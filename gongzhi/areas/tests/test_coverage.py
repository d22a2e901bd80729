import json

from gongzhi.areas import coverage, importers
from gongzhi.areas.models import Area
from gongzhi.conftest import SYSTEM, box, feature


def test_fully_covered_communities_have_no_gaps(world):
    rows = coverage.coverage(Area.objects.unscoped())
    assert rows and all(not r.gaps and r.covered_share > 0.999 for r in rows)


def test_an_uncovered_part_is_listed_with_its_size_and_place(world):
    doc = {"type": "FeatureCollection", "features": [
        feature("510104001001001", "和平第1网格", "grid", "510104001001", box(2, 0, 3, 2))]}
    features, _ = importers.read_geojson(json.dumps(doc))
    assert importers.import_areas(features, actor=SYSTEM).ok
    row = next(r for r in coverage.coverage(Area.objects.unscoped()) if r.code == "510104001001")
    assert len(row.gaps) == 1
    gap = row.gaps[0]
    assert 3 < gap.lon < 4 and 0 < gap.lat < 2
    assert abs(row.covered_share - 0.5) < 0.01
    assert gap.square_metres > 1e9  # a 1° × 2° box is tens of thousands of km²
