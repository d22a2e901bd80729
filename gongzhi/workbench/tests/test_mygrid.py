"""The grid worker's phone pages: my grid (map data, what is due today) and the report from the
patch (location, camera photos, a second tap that must not make a second case)."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from PIL import Image

from gongzhi.cases import categories, intake, reporters
from gongzhi.cases.models import Case, CasePhoto
from gongzhi.conftest import G1

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tree(db):
    categories.load_defaults()


def _case(cast, who, lon, lat, text="占道经营"):
    leaf = categories.active("garbage_pileup")
    return intake.report(source=reporters.staff(getattr(cast, who), "grid_patrol"), category=leaf, description=text,
                         lon=lon, lat=lat).case


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#3a7").save(out, format="JPEG")
    return out.getvalue()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_my_grid_shows_my_grid_and_its_open_cases_not_another_grids(login, cast):
    mine = _case(cast, "grid_worker", 0.25, 0.5)
    theirs = _case(cast, "other_grid_worker", 0.25, 1.5)
    page = login("grid_worker").get("/w/grid/")
    assert page.status_code == 200
    layers = json.loads(page.content.decode().split('id="grid-layers" type="application/json">')[1].split("</script>")[0])
    assert [f["properties"]["code"] for f in layers["grids"]["features"]] == [G1]
    numbers = [f["properties"]["number"] for f in layers["cases"]["features"]]
    assert mine.number in numbers and theirs.number not in numbers
    assert theirs.number not in page.content.decode()


def test_roles_that_walk_no_patch_are_refused(login):
    assert login("handler").get("/w/grid/").status_code == 403
    assert login("leader").get("/w/grid/report/").status_code == 403


def test_today_lists_what_is_due_by_tonight_late_first_and_not_tomorrows(login, cast):
    late, tonight, tomorrow = (_case(cast, "grid_worker", 0.25, 0.5, t) for t in ("甲", "乙", "丙"))
    now = timezone.localtime()
    Case.objects.unscoped().filter(pk=late.pk).update(due_at=now - dt.timedelta(hours=2), light="red")
    Case.objects.unscoped().filter(pk=tonight.pk).update(due_at=now.replace(hour=23, minute=59, second=0))
    Case.objects.unscoped().filter(pk=tomorrow.pk).update(due_at=now + dt.timedelta(days=1, minutes=1))
    html = login("grid_worker").get("/w/grid/").content.decode()
    today = html.split('id="today-title"')[1]
    assert today.index(late.number) < today.index(tonight.number)
    assert tomorrow.number not in today
    home = login("grid_worker").get("/w/").content.decode()
    assert late.number in home and "我的网格" in home


def test_a_report_from_the_patch_with_photos_files_one_case_even_when_sent_twice(login, cast):
    client = login("grid_worker")
    form = {"category": "garbage_pileup", "description": "绿化带里堆了建筑垃圾", "lon": "0.25", "lat": "0.5",
            "token": "tap-1"}
    first = client.post("/w/grid/report/", {**form, "photos": [_upload("a.jpg", _jpeg()), _upload("b.jpg", _jpeg())]})
    case = Case.objects.unscoped().get(description="绿化带里堆了建筑垃圾")
    assert first.status_code == 302 and first["Location"] == f"/w/cases/{case.number}/"
    assert case.channel == "grid_patrol" and case.area_id == G1 and case.reported_by == cast.grid_worker
    again = client.post("/w/grid/report/", {**form, "photos": [_upload("a.jpg", _jpeg())]})
    assert again["Location"] == f"/w/cases/{case.number}/"
    assert Case.objects.unscoped().filter(description="绿化带里堆了建筑垃圾").count() == 1
    assert CasePhoto.objects.filter(case=case).count() == 2


def test_a_bad_photo_is_named_and_nothing_is_filed_while_the_words_stay(login):
    page = login("grid_worker").post("/w/grid/report/", {
        "category": "garbage_pileup", "description": "井盖缺失", "lon": "0.25", "lat": "0.5", "token": "t2",
        "photos": [_upload("ok.jpg", _jpeg()), _upload("notes.jpg", b"not a picture at all")]})
    html = page.content.decode()
    assert page.status_code == 200 and "notes.jpg" in html and "请重新选择照片后再上报" in html
    assert "井盖缺失" in html
    assert not Case.objects.unscoped().filter(description="井盖缺失").exists()


def test_a_point_outside_my_grids_or_no_place_at_all_is_refused_with_the_reason(login):
    client = login("grid_worker")
    outside = client.post("/w/grid/report/", {"category": "garbage_pileup", "description": "别处", "lon": "0.25",
                                              "lat": "1.5", "token": "t3"}).content.decode()
    assert "该位置不在您负责的区域内" in outside
    nowhere = client.post("/w/grid/report/", {"category": "garbage_pileup", "description": "无处",
                                              "token": "t4"}).content.decode()
    assert "请定位、在地图上点选位置，或填写地址" in nowhere
    assert not Case.objects.unscoped().filter(description__in=["别处", "无处"]).exists()


def test_a_community_worker_reports_as_an_inspection(login):
    response = login("community_worker").post("/w/grid/report/", {
        "category": "garbage_pileup", "description": "巡查发现", "lon": "0.75", "lat": "0.5", "token": "t5"})
    assert response.status_code == 302
    assert Case.objects.unscoped().get(description="巡查发现").channel == "inspection"
