"""Importing places: every problem named by its feature, nothing half-imported unless asked."""

import copy
import json

import pytest

from gongzhi.areas import exporters, importers
from gongzhi.areas.models import Area
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C1, G1, SYSTEM, WORLD, box, feature, world_collection


def run(collection: dict, **kwargs) -> importers.ImportReport:
    features, problems = importers.read_geojson(json.dumps(collection, ensure_ascii=False))
    return importers.import_areas(features, actor=SYSTEM, read_problems=problems, **kwargs)


def with_features(*extra) -> dict:
    doc = world_collection()
    return {**doc, "features": [*copy.deepcopy(doc["features"]), *extra]}


def test_a_valid_file_imports_every_level(db):
    report = run(world_collection())
    assert report.ok and report.committed
    assert len(report.created) == len(WORLD)
    g = Area.objects.unscoped().get(code=G1)
    assert g.parent_id == C1 and g.level == "grid" and g.grid_kind == "base"
    assert (g.min_lon, g.min_lat, g.max_lon, g.max_lat) == (0, 0, 0.5, 1)
    entry = AuditEntry.objects.get(action="areas.area.imported")
    assert len(entry.changes["created"]) == len(WORLD)


def test_importing_the_same_file_again_changes_nothing(db):
    run(world_collection())
    before = AuditEntry.objects.count()
    report = run(world_collection())
    assert report.created == [] and report.updated == [] and report.unchanged == len(WORLD)
    assert AuditEntry.objects.count() == before


def test_a_changed_name_and_boundary_update_in_place(world):
    doc = world_collection()
    for f in doc["features"]:
        if f["properties"]["code"] == G1:
            f["properties"]["name"] = "洗面桥一网格"
    report = run(doc)
    assert report.updated == [G1]
    assert Area.objects.unscoped().get(code=G1).name == "洗面桥一网格"


@pytest.mark.parametrize(
    ("props", "geometry", "message"),
    [
        ({"code": "51010700100", "level": "community", "parent_code": "510107001000"}, box(0, 0, 1, 1), "12位数字"),
        ({"code": "510107001003", "level": "community", "parent_code": "510104001000"}, box(0, 0, 1, 1), "前缀不一致"),
        ({"code": "510107001003", "level": "community", "parent_code": "510107009000"}, box(0, 0, 1, 1), "不存在"),
        ({"code": "510107001003", "level": "小区", "parent_code": "510107001000"}, box(0, 0, 1, 1), "层级"),
        ({"code": "510107001001009", "level": "grid", "parent_code": C1}, None, "必须有边界"),
        ({"code": "510107001001009", "level": "grid", "parent_code": C1},
         {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "边界无效"),
        ({"code": "510107001001009", "level": "grid", "parent_code": C1},
         {"type": "Point", "coordinates": [0, 0]}, "Polygon"),
        ({"code": "510107001001009", "level": "grid", "parent_code": C1}, box(200, 0, 201, 1), "经纬度范围"),
        ({"code": "510107001001009", "level": "grid", "parent_code": C1}, box(0.9, 0.2, 1.5, 0.4), "超出所属社区"),
        ({"code": "510107001001009", "level": "grid", "parent_code": C1}, box(0.1, 0.1, 0.4, 0.4), "重叠"),
        ({"code": G1, "level": "grid", "parent_code": C1}, box(0, 0, 0.5, 1), "重复"),
        ({"code": "510107001001009", "level": "grid", "parent_code": C1, "name": ""}, box(0, 0, 0.1, 0.1), "名称"),
    ],
)
def test_each_problem_is_reported_with_its_feature_and_nothing_is_imported(db, props, geometry, message):
    props = {"name": "测试", **props}
    doc = with_features({"type": "Feature", "properties": props, "geometry": geometry})
    report = run(doc)
    assert not report.committed
    assert Area.objects.unscoped().count() == 0
    where = f"第{len(WORLD) + 1}个要素"
    assert any(p.where == where and message in p.message for p in report.problems), [str(p) for p in report.problems]


def test_partial_import_keeps_the_valid_part_and_drops_orphans(db):
    bad_community = feature("510107001003", "坏社区", "community", "510104001000", box(0, 0, 1, 1))
    orphan_grid = feature("510107001003001", "孤儿网格", "grid", "510107001003", box(0, 0, 0.1, 0.1))
    report = run(with_features(bad_community, orphan_grid), partial=True)
    assert report.committed
    assert set(report.rejected) == {"510107001003", "510107001003001"}
    assert any("上级" in p.message and p.code == "510107001003001" for p in report.problems)
    assert Area.objects.unscoped().count() == len(WORLD)


def test_grids_overlapping_stored_grids_are_refused(world):
    doc = {"type": "FeatureCollection", "features": [
        feature("510107001001003", "新网格", "grid", C1, box(0.2, 0.2, 0.3, 0.3))]}
    report = run(doc)
    assert not report.committed
    assert any(G1 in p.message for p in report.problems)


def test_tolerance_lets_a_sliver_pass_but_not_more(world):
    def grids(east_edge: float) -> dict:
        return {"type": "FeatureCollection", "features": [
            feature("510104001001001", "和平第1网格", "grid", "510104001001", box(2, 0, 3, 2)),
            feature("510104001001002", "和平第2网格", "grid", "510104001001", box(3, 0, east_edge, 2)),
        ]}

    too_far = run(grids(4.05))  # 4.8% of the grid outside its community
    assert not too_far.committed
    assert [p.code for p in too_far.problems] == ["510104001001002"]
    assert "超出所属社区" in too_far.problems[0].message
    assert run(grids(4.005)).committed  # 0.5%: inside the default 1% tolerance


def test_not_json_and_not_a_collection(db):
    assert "JSON" in importers.read_geojson(b"{nope")[1][0].message
    assert "FeatureCollection" in importers.read_geojson(b'{"type": "Feature"}')[1][0].message


def test_csv_with_geometry_from_a_geojson_file(db):
    rows = ["code,name,level,parent_code,short_name"]
    shapes = []
    for f in WORLD:
        p = f["properties"]
        rows.append(f'{p["code"]},{p["name"]},{p["level"]},{p["parent_code"]},{p.get("short_name", "")}')
        shapes.append({"type": "Feature", "properties": {"code": p["code"]}, "geometry": f["geometry"]})
    features, problems = importers.read_csv("\n".join(rows), json.dumps({"type": "FeatureCollection",
                                                                           "features": shapes}))
    report = importers.import_areas(features, actor=SYSTEM, read_problems=problems)
    assert report.ok and len(report.created) == len(WORLD)
    assert Area.objects.unscoped().get(code=C1).short_name == "洗面桥社区"


def test_csv_rows_are_numbered_like_the_spreadsheet(db):
    text = "code,name,level,parent_code\n510100000000,成都市,市,\n510107000000,,区,510100000000\n"
    features, problems = importers.read_csv(text)
    report = importers.import_areas(features, actor=SYSTEM, read_problems=problems)
    assert [(p.where, p.code) for p in report.problems] == [("第3行", "510107000000")]


def test_csv_without_required_columns(db):
    _, problems = importers.read_csv("编码,名称\n1,2\n")
    assert "缺少列" in problems[0].message


def test_export_then_import_is_a_round_trip(world):
    collection = exporters.feature_collection(Area.objects.unscoped().order_by("code"))
    report = run(collection)
    assert report.ok and report.unchanged == len(WORLD) and not report.updated
