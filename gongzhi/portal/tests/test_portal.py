"""The public portal: a resident reports with a pin or an address, gets a number and a code
shown once, follows the case, rates it when closed; bad input says which field and why."""

import pytest

from gongzhi.cases import categories, workflow
from gongzhi.cases.models import Case
from gongzhi.registry.tests.conftest import register  # noqa: F401  (an address to match)

pytestmark = pytest.mark.django_db

REPORT = {"category": "garbage_pileup", "description": "小区门口垃圾三天没人清", "lon": "0.25", "lat": "0.5",
          "token": "t-1", "reporter_phone": "13900001111"}


@pytest.fixture
def portal(world, settings):
    settings.GONGZHI_PORTAL_AREA = "510100000000"
    categories.load_defaults()


def test_a_resident_reports_with_a_pin_and_sees_the_code_once(client, portal):
    page = client.post("/report/", REPORT).content.decode()
    case = Case.objects.unscoped().get()
    assert case.channel == "self_report" and case.area_id == "510107001001001" and case.number in page
    assert "查询码" in page and case.reporter_phone_masked.startswith("139")
    again = client.post("/report/", REPORT).content.decode()  # a double click, a refresh
    assert Case.objects.unscoped().count() == 1 and case.number in again and "已经提交过" in again


def test_an_address_is_matched_when_there_is_no_pin(client, portal, register):  # noqa: F811
    answer = client.post("/report/", {**REPORT, "lon": "", "lat": "", "token": "t-2",
                                      "address": "桂溪路18号锦绣花园1栋2单元301"})
    case = Case.objects.unscoped().get()
    assert answer.status_code == 200 and case.address == register.h1.address


@pytest.mark.parametrize(("change", "field_words"), [
    ({"category": ""}, "问题类型"),
    ({"description": ""}, "问题描述"),
    ({"lon": "", "lat": ""}, "点选位置"),
    ({"lon": "50", "lat": "50"}, "不在任何网格"),
    ({"lon": "", "lat": "", "address": "火星大道1号"}, "未能识别该地址"),
    ({"reporter_phone": "123"}, "手机"),
])
def test_bad_reports_say_why_and_keep_what_was_typed(client, portal, change, field_words):
    page = client.post("/report/", {**REPORT, **change})
    html = page.content.decode()
    assert page.status_code == 200 and Case.objects.unscoped().count() == 0
    assert "errorlist" in html and (field_words in html or "请" in html)
    if change.get("description") != "":
        assert "小区门口垃圾三天没人清" in html  # nothing typed is lost


def test_tracking_and_rating_a_closed_case(client, portal, cast, departments):
    page = client.post("/report/", REPORT).content.decode()
    case = Case.objects.unscoped().get()
    code = page.split('id="tracking-code">')[1].split("<")[0]
    assert "编号或查询码不正确" in client.post("/track/", {"number": case.number, "code": "000000x"}).content.decode()
    for who, action, extra in [("dispatcher", "accept", {}),
                               ("dispatcher", "dispatch", {"department": departments["s1_city_management"]}),
                               ("handler", "handle", {"note": "已清运"}), ("community_worker", "verify", {}),
                               ("dispatcher", "close", {})]:
        case = workflow.act(actor=getattr(cast, who), case=case, action=action, **extra)
    tracked = client.post("/track/", {"number": case.number, "code": "13900001111"}).content.decode()
    assert "已清运" in tracked and "评价办理结果" in tracked
    rated = client.post("/track/rate/", {"number": case.number, "code": code, "satisfaction": "satisfied"})
    assert "感谢您的评价" in rated.content.decode()
    assert Case.objects.unscoped().get(pk=case.pk).satisfaction == "satisfied"
    twice = client.post("/track/rate/", {"number": case.number, "code": code, "satisfaction": "unsatisfied"})
    assert "办结后才能评价" in twice.content.decode()


def test_one_address_is_bounded(client, portal, settings):
    settings.GONGZHI_PORTAL_RATE_PER_ADDRESS = "2/h"
    statuses = [client.post("/report/", {**REPORT, "token": f"t-{n}"}).status_code for n in range(3)]
    assert statuses == [200, 200, 429] and Case.objects.unscoped().count() == 2


def test_the_map_outlines_are_public_geojson(client, portal):
    data = client.get("/report/places.geojson").json()
    assert data["type"] == "FeatureCollection" and data["features"]
    assert {"code", "name"} <= set(data["features"][0]["properties"])
