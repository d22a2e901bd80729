"""Open311 GeoReport v2 as clients expect it: JSON and XML, the spec's fields and errors."""

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from gongzhi.areas.models import Area
from gongzhi.cases import categories, open311
from gongzhi.cases.models import Case, Category, Open311Key
from gongzhi.conftest import sign_in

BASE = "/open311/v2"


@pytest.fixture
def key(world):
    categories.load_defaults()
    return open311.new_key(name="test client", area=Area.objects.unscoped().get(code="510107000000"))


def test_services_list_in_json_and_xml(client, key):
    services = client.get(f"{BASE}/services.json").json()
    garbage = next(s for s in services if s["service_code"] == "garbage_pileup")
    assert set(garbage) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert garbage["metadata"] is False and garbage["type"] == "realtime"
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code").text
    definition = client.get(f"{BASE}/services/garbage_pileup.json").json()
    assert definition == {"service_code": "garbage_pileup", "attributes": []}
    assert client.get(f"{BASE}/services/nope.json").status_code == 404


def test_posting_and_reading_a_request(client, key):
    response = client.post(f"{BASE}/requests.json", {
        "api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25",
        "description": "Rubbish <b>piled</b> at the gate", "first_name": "Li", "phone": "13900001111"})
    assert response.status_code == 200
    [receipt] = response.json()
    number = receipt["service_request_id"]
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    case = Case.objects.unscoped().get(number=number)
    assert case.channel == "open311" and case.area_id == "510107001001001"
    [row] = client.get(f"{BASE}/requests/{number}.json", {"api_key": key}).json()
    assert row["status"] == "open" and row["service_code"] == "garbage_pileup" and row["lat"] == 0.5
    requested = dt.datetime.fromisoformat(row["requested_datetime"])
    assert requested.tzinfo is not None
    xml = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml", {"api_key": key}).content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text == number
    listed = client.get(f"{BASE}/requests.json", {"api_key": key, "service_request_id": f"{number},GZ0"}).json()
    assert [r["service_request_id"] for r in listed] == [number]
    assert client.get(f"{BASE}/tokens/{number}.json", {"api_key": key}).json()[0]["service_request_id"] == number


def test_a_revoked_key_or_a_retired_service_is_refused_at_once(client, key):
    """Keys and categories are remembered between requests; a change must still count at once."""
    post = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "d"}
    assert client.post(f"{BASE}/requests.json", post).status_code == 200
    garbage = Category.objects.get(code="garbage_pileup")
    garbage.is_active = False
    garbage.save()
    assert client.post(f"{BASE}/requests.json", post).status_code == 400
    garbage.is_active = True
    garbage.save()
    stored = Open311Key.objects.get()
    stored.is_active = False
    stored.save()
    assert client.post(f"{BASE}/requests.json", post).status_code == 403


def test_a_retried_post_makes_one_case(client, key):
    post = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "d"}
    first = client.post(f"{BASE}/requests.json", post, headers={"Idempotency-Key": "k-1"}).json()
    again = client.post(f"{BASE}/requests.json", post, headers={"Idempotency-Key": "k-1"}).json()
    assert first == again and Case.objects.unscoped().count() == 1


@pytest.mark.parametrize(("data", "status", "words"), [
    ({"api_key": "", "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25"}, 403, "api_key"),
    ({"api_key": "wrong", "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25"}, 403, "api_key"),
    ({"service_code": "nope", "lat": "0.5", "long": "0.25"}, 400, "service_code"),
    ({"service_code": "garbage_pileup"}, 400, "location"),
    ({"service_code": "garbage_pileup", "lat": "x", "long": "0.25"}, 400, "lat"),
    ({"service_code": "garbage_pileup", "lat": "50", "long": "50"}, 400, "location"),
])
def test_errors_are_the_specs_list(client, key, data, status, words):
    data = {"api_key": key, "description": "d", **data}
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status and words in error["description"]
    xml = ET.fromstring(client.post(f"{BASE}/requests.xml", data).content)
    assert xml.tag == "errors" and xml.find("error/code").text == str(status)


def test_listing_filters_and_the_ninety_day_limit(client, key):
    for lat in ("0.5", "1.5"):
        client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "noise", "lat": lat, "long": "0.25",
                                              "description": "吵"})
    everything = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert len(everything) == 2
    assert client.get(f"{BASE}/requests.json", {"api_key": key, "status": "closed"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"api_key": key, "service_code": "noise"}).json()) == 2
    start = (timezone.now() - dt.timedelta(days=100)).isoformat()
    too_long = client.get(f"{BASE}/requests.json", {"api_key": key, "start_date": start})
    assert too_long.status_code == 400 and "90" in too_long.json()[0]["description"]
    other = open311.new_key(name="jinjiang", area=Area.objects.unscoped().get(code="510104000000"))
    assert client.get(f"{BASE}/requests.json", {"api_key": other}).json() == []  # another district's client


def test_the_key_command_prints_a_working_key(key, capsys):
    from django.core.management import call_command

    call_command("open311_key", "create", "cli client", "--area", "510100000000")
    printed = capsys.readouterr().out.strip()
    assert len(printed) >= 20


def test_keys_are_issued_in_the_admin_and_shown_once(client, cast, world):
    from gongzhi.cases.models import Open311Key

    categories.load_defaults()
    sign_in(client, cast.system_admin)
    response = client.post("/admin/cases/open311key/add/", {"name": "city app", "area": "510100000000",
                                                             "is_active": "on"}, follow=True)
    message = next(str(m) for m in response.context["messages"])
    key = message.rsplit("：", 1)[-1]
    assert Open311Key.objects.get(name="city app").key_digest != key
    assert client.get(f"{BASE}/requests.json", {"api_key": key}).status_code == 200


def test_without_a_key_requests_are_readable_but_coarse(client, key):
    client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "noise", "lat": "0.5123456",
                                          "long": "0.2512345", "description": "张三家楼上装修", "phone": "13900001111"})
    [row] = client.get(f"{BASE}/requests.json").json()
    assert row["description"] == "" and row["address"] == "" and row["lat"] == 0.512 and row["long"] == 0.251
    [full] = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert full["description"] == "张三家楼上装修"
    assert client.get(f"{BASE}/requests.json", {"api_key": "wrong"}).status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_existing_open311_client_library_works_unchanged(live_server, world):
    """georeport (PyPI) against the running server, in JSON and in XML."""
    import requests as http
    from georeport import GeoReport

    categories.load_defaults()
    key = open311.new_key(name="georeport", area=Area.objects.unscoped().get(code="510107000000"))
    number = http.post(f"{live_server.url}{BASE}/requests.json", data={
        "api_key": key, "service_code": "garbage_pileup", "lat": 0.5, "long": 0.25, "description": "垃圾"},
        timeout=10).json()[0]["service_request_id"]
    for fmt in ("json", "xml"):
        client = GeoReport(f"{live_server.url}{BASE}", output_format=fmt)
        services = client.get_service_list()
        assert any(s["service_code"] == "garbage_pileup" for s in services)
        assert client.get_service_definition("garbage_pileup")["service_code"] == "garbage_pileup"
        one = client.get_service_request(number)
        assert one["service_request_id"] == number and one["status"] == "open"
        listed = client.get_service_requests(service_code="garbage_pileup", status="open")
        listed = listed if isinstance(listed, list) else [listed]  # xmltodict gives one dict for one item
        assert [r["service_request_id"] for r in listed] == [number]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_retries_make_one_case_with_its_event_and_count(world):
    """Clients retry before the first answer arrives: eight posts of one submission at once,
    outside any test transaction (the path a server takes), leave exactly one case, one
    report event and one count in the rollups."""
    import threading

    from django.db import connection
    from django.test import Client

    from gongzhi.cases.models import CaseEvent, CaseStat

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database locks whole tables between threads (shared cache)")
    categories.load_defaults()
    key = open311.new_key(name="racer", area=Area.objects.unscoped().get(code="510107000000"))
    post = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "同一件事"}
    answers, start = [], threading.Barrier(8)

    def submit():
        start.wait()
        try:
            response = Client().post(f"{BASE}/requests.json", post, headers={"Idempotency-Key": "once"})
            answers.append((response.status_code, response.json()[0]["service_request_id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [case] = Case.objects.unscoped().all()
    assert answers == [(200, case.number)] * 8
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["report"]
    assert sum(CaseStat.objects.unscoped().values_list("reported", flat=True)) == 1


def test_a_flood_from_one_address_or_one_key_is_bounded(client, key, settings):
    """Past its bound a client gets the spec's error list with 429, and nothing is filed."""
    settings.GONGZHI_OPEN311_RATE_PER_KEY = "3/m"
    post = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "d"}
    answers = [client.post(f"{BASE}/requests.json", post).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429] and Case.objects.unscoped().count() == 3
    [error] = client.post(f"{BASE}/requests.json", post).json()
    assert error["code"] == 429 and "api_key" in error["description"]
    settings.GONGZHI_OPEN311_RATE_PER_ADDRESS = "5/m"
    reads = [client.get(f"{BASE}/services.json", REMOTE_ADDR="10.3.3.3").status_code for _ in range(6)]
    assert reads == [200] * 5 + [429]
    assert client.get(f"{BASE}/services.json", REMOTE_ADDR="10.3.3.4").status_code == 200


def test_a_keyed_client_is_held_to_its_keys_bound_and_a_wrong_key_to_its_address(client, key, settings):
    """An integration posting with its key may send more than one address would (each request
    counts once, against the key); a wrong key counts against the address before it is refused."""
    settings.GONGZHI_OPEN311_RATE_PER_ADDRESS, settings.GONGZHI_OPEN311_RATE_PER_KEY = "2/m", "4/m"
    post = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "d"}
    keyed = [client.post(f"{BASE}/requests.json", post, REMOTE_ADDR="10.5.5.5").status_code for _ in range(5)]
    assert keyed == [200] * 4 + [429] and Case.objects.unscoped().count() == 4
    reads = [client.get(f"{BASE}/services.json", REMOTE_ADDR="10.5.5.5").status_code for _ in range(3)]
    assert reads == [200, 200, 429]  # the keyed posts took nothing from the address's bound
    wrong = {**post, "api_key": "guessed"}
    answers = [client.post(f"{BASE}/requests.json", wrong, REMOTE_ADDR="10.6.6.6").status_code for _ in range(3)]
    assert answers == [403, 403, 429] and Case.objects.unscoped().count() == 4


@pytest.mark.parametrize(("query", "words"), [
    ({"start_date": "2026-13-01T00:00:00+08:00"}, "start_date"),  # well formed, no such month: was a 500
    ({"end_date": "0001-01-05T00:00:00"}, "end_date"),  # 90 days before it is no date: was a 500
    ({"service_code": "noise\x00"}, "NUL"),  # PostgreSQL refuses NUL in text: was a 500 there
    ({"status": "open" * 300}, "longer"),
])
def test_bad_reading_arguments_are_400_in_the_specs_list(client, key, query, words):
    response = client.get(f"{BASE}/requests.json", query)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and words in error["description"]


@pytest.mark.parametrize(("change", "headers", "words"), [
    ({"first_name": "李" * 40, "last_name": "四" * 30}, {}, "first_name and last_name"),  # longer than the column
    ({"description": "路灯\x00"}, {}, "NUL"),
    ({"lat": "nan"}, {}, "lat"),
    ({}, {"Idempotency-Key": "k" * 65}, "Idempotency-Key"),
])
def test_bad_posts_are_400_in_the_specs_list(client, key, change, headers, words):
    data = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "d", **change}
    response = client.post(f"{BASE}/requests.json", data, headers=headers)
    assert response.status_code == 400
    [error] = response.json()
    assert words in error["description"]
    assert not Case.objects.unscoped().exists()


def test_methods_other_than_the_specs_are_405(client, key):
    for method, url in (("put", "requests.json"), ("delete", "requests.json"), ("post", "services.json")):
        response = getattr(client, method)(f"{BASE}/{url}")
        assert response.status_code == 405 and response.json()[0]["code"] == 405
        assert "GET" in response["Allow"]


def test_a_server_that_cannot_see_client_addresses_answers_and_still_bounds(client, settings):
    """Behind a proxy on a unix socket with no trusted proxies set, REMOTE_ADDR is empty (or a
    forwarded hop is not an address): every such request shares one bound, none is an error."""
    settings.GONGZHI_OPEN311_RATE_PER_ADDRESS = "3/m"
    answers = [client.get(f"{BASE}/services.json", REMOTE_ADDR=addr).status_code for addr in ("", "", "not-an-ip", "")]
    assert answers == [200, 200, 200, 429]
    assert client.get(f"{BASE}/services.json", REMOTE_ADDR="10.9.9.9").status_code == 200  # a real address: its own


def test_the_openapi_document_is_served_and_names_every_method(client):
    from django.urls import reverse

    document = client.get(reverse("open311-openapi")).json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/services.json", "/services/{service_code}.json", "/requests.json",
                                      "/requests/{service_request_id}.json", "/tokens/{token}.json"}
    assert {code for path in document["paths"].values() for operation in path.values()
            for code in operation["responses"]} == {"200", "400", "403", "404", "413", "429"}


def test_a_key_bound_to_an_area_files_nothing_outside_it(client, key):
    """Issue 15 item 8: the key serves 510107 (武侯); a point in 锦江 is refused in the spec's
    error list, and nothing is filed. A key of the whole city files the same point."""
    outside = {"api_key": key, "service_code": "garbage_pileup", "lat": "1.0", "long": "3.0", "description": "d"}
    refused = client.post(f"{BASE}/requests.json", outside)
    assert refused.status_code == 400
    [error] = refused.json()
    assert error["code"] == 400 and error["description"].startswith("location:") and "范围" in error["description"]
    assert not Case.objects.unscoped().exists()
    city = open311.new_key(name="city client", area=Area.objects.unscoped().get(code="510100000000"))
    assert client.post(f"{BASE}/requests.json", {**outside, "api_key": city}).status_code == 200
    assert Case.objects.unscoped().get().area_id.startswith("510104")
