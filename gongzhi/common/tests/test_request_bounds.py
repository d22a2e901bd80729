"""What comes in through the door is bounded and answered in the interface's own format (issue
15, items 14 and 15): a NUL in the path or the query is a 400, not a 500 on PostgreSQL; a body
too large, or with too many fields or files, is refused in Open311's error list and in the
API's JSON, not with Django's HTML page; a large anonymous body to Open311 is refused unread."""

import json
from xml.etree import ElementTree as ET  # nosec B405  # our own answers, in a test

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import LimitedStream

from gongzhi.areas.models import Area
from gongzhi.cases import categories, open311

OPEN311 = "/open311/v2/requests"


@pytest.fixture
def key(world):
    categories.load_defaults()
    return open311.new_key(name="test client", area=Area.objects.unscoped().get(code="510107000000"))


@pytest.fixture
def unread(monkeypatch):
    """Reading a request's body fails the test."""
    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    monkeypatch.setattr(LimitedStream, "read", read)
    monkeypatch.setattr(LimitedStream, "readline", read)


# ---------------------------------------------------------------- NUL in the path or the query
@pytest.mark.parametrize("url, params", [
    ("/topics/", {"community": "\x00"}),  # the portal's public lists, anonymously
    ("/disclosures/", {"kind": "x\x00"}),
    ("/topics/", {"st\x00ate": "open"}),
])
def test_a_nul_in_a_public_pages_query_is_a_400_saying_where(client, world, url, params):
    answer = client.get(url, params)
    assert answer.status_code == 400 and answer["Content-Type"] == "text/html; charset=utf-8"
    name = next(iter(params)).replace("\x00", "␀")
    assert f"参数“{name}”含有空字符（NUL），已拒绝" in answer.content.decode()


def test_a_nul_in_a_staff_pages_path_is_a_400(login, world):
    answer = login("grid_worker").get("/w/cases/2026%00/")
    assert answer.status_code == 400 and "网址路径含有空字符" in answer.content.decode()


def test_a_nul_in_the_apis_query_is_its_own_422(login, world):
    answer = login("grid_worker").get("/api/v1/cases/inbox", {"state": "\x00"})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "state"]


def test_a_nul_in_open311s_query_is_its_own_400(client, key):
    answer = client.get(f"{OPEN311}.json", {"status": "\x00"})
    assert answer.status_code == 400 and answer.json()[0]["code"] == 400


# ---------------------------------------------------------------- Open311: bodies and files
def test_open311_with_too_many_files_answers_its_own_400(client, key):
    files = {f"f{n}": SimpleUploadedFile(f"{n}.txt", b"x") for n in range(150)}
    for fmt in ("json", "xml"):
        answer = client.post(f"{OPEN311}.{fmt}", {"api_key": key, "service_code": "garbage_pileup", **files})
        assert answer.status_code == 400
        if fmt == "json":
            [error] = answer.json()
            assert error["code"] == 400 and "too many fields or files" in error["description"]
        else:
            assert ET.fromstring(answer.content).find("error/code").text == "400"


def test_a_large_body_without_a_key_in_the_query_is_refused_unread(client, key, unread):
    body = "api_key=" + key + "&description=" + "x" * (3 * 1024 * 1024)  # the key in the body is not read
    for fmt in ("json", "xml"):
        answer = client.post(f"{OPEN311}.{fmt}", body, content_type="application/x-www-form-urlencoded")
        assert answer.status_code == 403
        text = answer.json()[0]["description"] if fmt == "json" else ET.fromstring(answer.content).find(
            "error/description").text
        assert "api_key is missing or not valid" in text and "query string" in text
    answer = client.post(f"{OPEN311}.json?api_key=wrong", body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 403


def test_a_large_body_with_a_valid_key_in_the_query_is_413_in_its_format(client, key, unread):
    body = "description=" + "x" * (3 * 1024 * 1024)
    answer = client.post(f"{OPEN311}.xml?api_key={key}", body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 413 and answer["Content-Type"] == "text/xml; charset=utf-8"
    assert ET.fromstring(answer.content).find("error/code").text == "413"


def test_a_post_within_the_bound_still_files(client, key):
    answer = client.post(f"{OPEN311}.json", {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5",
                                              "long": "0.25", "description": "路灯" * 2000})
    assert answer.status_code == 200 and answer.json()[0]["service_request_id"]


# ---------------------------------------------------------------- the JSON API
def test_a_20_mb_body_to_the_api_is_413_in_its_json(login, world):
    answer = login("grid_worker").post("/api/v1/cases", b"{" + b" " * (20 * 1024 * 1024) + b"}",
                                       content_type="application/json")
    assert answer.status_code == 413 and answer["Content-Type"].startswith("application/json")
    assert json.loads(answer.content) == {"detail": "请求体过大（上限2.5 MB）", "code": "body_too_large"}


def test_too_many_files_to_the_api_is_400_in_its_json(login, world):
    files = {f"f{n}": SimpleUploadedFile(f"{n}.txt", b"x") for n in range(150)}
    answer = login("grid_worker").post("/api/v1/cases/2026/photos", files)
    assert answer.status_code == 400 and answer["Content-Type"].startswith("application/json")
    assert answer.json()["detail"]
