"""The case page's photos, map and possible duplicates: photos added several at a time (a bad
file named with its reason, the good ones kept), served only to those who see the case and
without their metadata; the point and the grid's outline as JSON for the map; nearby cases of
the same kind listed for whoever may merge, and merged from the page."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases import intake, reporters, workflow
from gongzhi.cases.models import Case, CaseEvent, CasePhoto
from gongzhi.cases.tests.test_photos import jpeg_with_gps
from gongzhi.conftest import G1

NOT_A_PHOTO = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def case(cast, garbage):
    return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="门口垃圾",
                         lon=0.25, lat=0.5).case


def upload(client, case, *files):
    return client.post(f"/w/cases/{case.number}/photos/", {"photos": list(files)}, follow=True)


def jpeg(name="site.jpg", **gps):
    return SimpleUploadedFile(name, jpeg_with_gps(**gps), "image/jpeg")


def photo_url(case, photo):
    return f"/w/cases/{case.number}/photos/{photo.pk}/"


# ---------------------------------------------------------------- photos
def test_a_photo_uploaded_on_the_page_is_shown_and_served_without_its_metadata(login, case):
    client = login("grid_worker")
    page = upload(client, case, jpeg()).content.decode()
    photo = CasePhoto.objects.get(case=case)
    assert "已添加1张照片" in page and photo_url(case, photo) in page
    assert f'{photo_url(case, photo)}?size=thumb' in page and 'alt="事件' in page
    assert abs(photo.taken_lon - 104.0665) < 1e-4 and abs(photo.taken_lat - 30.5728) < 1e-4  # kept in our field
    assert photo.uploaded_by == case.reported_by

    served = client.get(photo_url(case, photo))
    body = b"".join(served.streaming_content)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "private" in served["Cache-Control"] and served["X-Content-Type-Options"] == "nosniff"
    assert b"Exif" not in body and b"PhoneMaker" not in body and not Image.open(io.BytesIO(body)).getexif()
    assert "添加照片" in client.get(f"/w/cases/{case.number}/").content.decode()  # in the history


def test_the_thumbnail_is_a_small_copy(login, case):
    client = login("grid_worker")
    big = io.BytesIO()
    Image.new("RGB", (1200, 900), "blue").save(big, format="PNG")
    upload(client, case, SimpleUploadedFile("big.png", big.getvalue(), "image/png"))
    thumb = client.get(photo_url(case, CasePhoto.objects.get(case=case)) + "?size=thumb")
    assert thumb["Content-Type"] == "image/png" and "private" in thumb["Cache-Control"]
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320


def test_a_bad_file_is_named_and_the_good_ones_of_the_same_upload_are_kept(login, case):
    page = upload(login("grid_worker"), case, jpeg("good.jpg"),
                  SimpleUploadedFile("evil.jpg", NOT_A_PHOTO, "image/jpeg")).content.decode()
    assert "evil.jpg 未上传：不是可识别的图片" in page and "已添加1张照片" in page
    assert CasePhoto.objects.filter(case=case).count() == 1


def test_a_non_image_named_jpg_is_refused(login, case):
    page = upload(login("grid_worker"), case, SimpleUploadedFile("photo.jpg", b"%PDF-1.7", "image/jpeg"))
    assert "photo.jpg 未上传" in page.content.decode() and not CasePhoto.objects.filter(case=case).exists()


def test_size_and_count_are_bounded(login, case, settings):
    client = login("grid_worker")
    page = upload(client, case, *[jpeg(f"p{n}.jpg") for n in range(7)]).content.decode()
    assert "一次最多上传6张照片" in page and not CasePhoto.objects.filter(case=case).exists()
    settings.GONGZHI_PHOTO_MAX_BYTES = 1000
    page = upload(client, case, SimpleUploadedFile("huge.jpg", jpeg_with_gps() + b"\0" * 2000)).content.decode()
    assert "huge.jpg 未上传：照片过大" in page and not CasePhoto.objects.filter(case=case).exists()
    assert "请选择要上传的照片" in upload(client, case).content.decode()


def test_the_upload_form_shows_to_those_who_add_photos(login, case):
    form = 'accept="image/jpeg,image/png,image/webp"'
    page = login("grid_worker").get(f"/w/cases/{case.number}/").content.decode()
    assert form in page and 'enctype="multipart/form-data"' in page and "暂无照片" in page
    assert form not in login("leader").get(f"/w/cases/{case.number}/").content.decode()
    assert upload(login("leader"), case, jpeg()).status_code == 403


def test_photos_are_served_only_to_those_who_see_the_case(login, cast, case, garbage):
    upload(login("grid_worker"), case, jpeg())
    photo = CasePhoto.objects.get(case=case)
    assert login("leader").get(photo_url(case, photo)).status_code == 200  # reads the case, may see its photos
    assert login("other_grid_worker").get(photo_url(case, photo)).status_code == 404
    assert login("system_admin").get(photo_url(case, photo)).status_code == 403  # no case role at all
    # Another case this user also sees: its number does not open this case's photo.
    other = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="又一处",
                          lon=0.3, lat=0.6).case
    client = login("grid_worker")
    assert client.get(photo_url(other, photo)).status_code == 404
    assert client.get(f"/w/cases/{case.number}/photos/999999/").status_code == 404


# ---------------------------------------------------------------- the map
def map_data(page: str):
    found = re.search(r'<script id="case-map-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else None


def test_the_map_gets_the_point_and_the_grids_outline_as_json(login, case, settings):
    page = login("dispatcher").get(f"/w/cases/{case.number}/").content.decode()
    data = map_data(page)
    assert data["point"] == [0.25, 0.5] and data["tiles"] == ""
    assert data["area"]["properties"]["code"] == G1 and data["area"]["geometry"]["type"] == "Polygon"
    assert 'id="case-map"' in page and "gongzhi/case_map.js" in page
    settings.GONGZHI_MAP_TILES = "https://tiles.example/{z}/{x}/{y}.png"
    assert map_data(login("dispatcher").get(f"/w/cases/{case.number}/").content.decode())["tiles"].startswith(
        "https://tiles.example/")


def test_a_handler_sees_the_grid_of_a_case_it_holds(login, cast, case, departments):
    workflow.act(actor=cast.dispatcher, case=case, action="accept")
    workflow.act(actor=cast.dispatcher, case=case, action="dispatch", department=departments["s1_city_management"])
    data = map_data(login("handler").get(f"/w/cases/{case.number}/").content.decode())
    assert data["area"]["properties"]["code"] == G1  # a unit's scope holds no places of its own


def test_a_case_without_a_point_shows_its_address_instead(login, cast, garbage, register):
    case = intake.report(source=reporters.staff(cast.dispatcher, "hotline"), category=garbage, description="楼道堆物",
                         address_text=register.h1.address.code).case
    page = login("dispatcher").get(f"/w/cases/{case.number}/").content.decode()
    assert map_data(page) is None and 'id="case-map"' not in page and "leaflet" not in page
    assert register.h1.address.full_text in page.split('id="case-place"')[1].split("</p>")[0]


# ---------------------------------------------------------------- possible duplicates
def test_possible_duplicates_are_listed_and_merged_from_the_page(login, cast, garbage, case):
    later = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="同一堆垃圾",
                          lon=0.2505, lat=0.5004).case  # about 70 m away
    intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="别处",
                  lon=0.4, lat=0.9)  # far away
    client = login("dispatcher")
    page = client.get(f"/w/cases/{later.number}/").content.decode()
    listed = page.split("可能重复的事件")[1].split("</ul>")[0]
    assert case.number in listed and re.search(r"相距约\d+米", listed) and "已上报" in listed
    assert "几乎同时上报" in listed  # within the minute: not "0 minutes earlier"
    assert listed.count("<li") == 1  # the one nearby case, not the far one
    Case.objects.unscoped().filter(pk=case.pk).update(reported_at=later.reported_at - dt.timedelta(hours=2))
    listed = client.get(f"/w/cases/{later.number}/").content.decode().split("可能重复的事件")[1].split("</ul>")[0]
    assert re.search(r"早2\s*小时上报", listed)
    assert f'name="into" value="{case.number}"' in listed

    done = client.post(f"/w/cases/{later.number}/act/", {"action": "merge", "into": case.number}, follow=True)
    merged = Case.objects.unscoped().get(pk=later.pk)
    assert merged.state == "merged" and merged.duplicate_of_id == case.pk and "已合并" in done.content.decode()
    assert CaseEvent.objects.filter(case=later, action="merge", data__into=case.number).exists()


def test_merging_into_a_case_no_longer_open_is_refused_in_words(login, cast, garbage, case):
    later = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="同一堆垃圾",
                          lon=0.2501, lat=0.5).case
    workflow.act(actor=cast.dispatcher, case=case, action="reject", note="重复")
    page = login("dispatcher").post(f"/w/cases/{later.number}/act/", {"action": "merge", "into": case.number},
                                    follow=True).content.decode()
    assert "请选择一个仍在办理中的事件合并到" in page
    assert Case.objects.unscoped().get(pk=later.pk).state == "reported"


def test_duplicates_show_only_to_those_who_may_merge(login, cast, garbage, case):
    later = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="同一堆垃圾",
                          lon=0.2501, lat=0.5).case
    assert "可能重复的事件" not in login("grid_worker").get(f"/w/cases/{later.number}/").content.decode()
    assert "可能重复的事件" in login("community_worker").get(f"/w/cases/{later.number}/").content.decode()
    alone = login("dispatcher").get(f"/w/cases/{case.number}/").content.decode()
    assert later.number in alone  # the later one is a candidate of the earlier too
