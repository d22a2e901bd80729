"""The command dashboard: figures for the user's own place, drill-down within scope only."""

import pytest

from gongzhi.cases import categories, intake, reporters, workflow
from gongzhi.cases.models import Category
from gongzhi.cases.tests.conftest import reporter


@pytest.fixture
def cases(cast, world):
    categories.load_defaults()
    garbage = Category.objects.get(code="garbage_pileup")

    def report(lon, lat):
        return intake.report(source=reporters.staff(reporter(cast, lon, lat), "grid_patrol"), category=garbage, description="事",
                             lon=lon, lat=lat).case

    late = report(0.25, 0.5)
    type(late).objects.unscoped().filter(pk=late.pk).update(light="red")
    report(0.75, 0.5)
    workflow.act(actor=cast.grid_worker, case=report(0.25, 0.5), action="self_resolve", note="已劝离")
    report(3.0, 1.0)  # another district


def test_the_city_dispatcher_sees_the_city_by_district(login, cases):
    page = login("city_dispatcher").get("/w/dashboard/")
    assert page.status_code == 200
    board = page.context
    assert board["reported"]["today"] == 4 and board["open_total"] == 3 and board["overdue_total"] == 1
    codes = {f["properties"]["code"]: f["properties"] for f in board["map"]["features"]}
    assert codes["510107000000"]["open"] == 2 and codes["510107000000"]["overdue"] == 1
    assert [row["key"] for row in board["top"]] == ["garbage_pileup"]
    assert [c.light for c in board["overdue"]] == ["red"]
    assert len(board["trend"]) == 12 and board["trend"][-1]["reported"] == 4


def test_drilling_down_stays_within_scope(login, cases):
    client = login("dispatcher")  # holds subdistrict 510107001
    assert client.get("/w/dashboard/?area=510107001001").status_code == 200
    assert client.get("/w/dashboard/?area=510104000000").status_code == 404  # another district
    page = client.get("/w/dashboard/").context
    assert page["area"].code == "510107001000" and page["reported"]["today"] == 3


def test_only_dispatchers_and_leaders(login, cases):
    assert login("grid_worker").get("/w/dashboard/").status_code == 403
    assert login("leader").get("/w/dashboard/").status_code == 200
