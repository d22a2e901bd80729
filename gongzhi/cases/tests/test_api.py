"""The cases API as the grid worker's phone uses it."""

import json

import pytest

from gongzhi.cases import categories


@pytest.fixture
def api(login, world):
    categories.load_defaults()
    return login


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


REPORT = {"category": "garbage_pileup", "description": "小区门口垃圾堆放", "lon": 0.25, "lat": 0.5,
          "reporter_phone": "13900001111"}


def test_a_retried_report_returns_the_same_case(api):
    client = api("grid_worker")
    first = post(client, "/api/v1/cases", REPORT, HTTP_IDEMPOTENCY_KEY="phone-42-1")
    again = post(client, "/api/v1/cases", REPORT, HTTP_IDEMPOTENCY_KEY="phone-42-1")
    assert first.status_code == 201 and first.json()["tracking_code"]
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    assert again.json()["tracking_code"] is None  # the code is shown once


def test_an_idempotency_key_belongs_to_its_sender(api, cast):
    """Another account sending the same key files its own case and learns nothing of the first."""
    first = post(api("grid_worker"), "/api/v1/cases", REPORT, HTTP_IDEMPOTENCY_KEY="k-1").json()
    other = post(api("multi"), "/api/v1/cases", REPORT, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 201 and other.json()["number"] != first["number"]


def test_the_longest_idempotency_key_fits_beside_its_sender(api):
    """Its limit leaves room for the sender's prefix in the column (a 100-character key was a 500
    on PostgreSQL once the prefix was added)."""
    client = api("grid_worker")
    assert post(client, "/api/v1/cases", REPORT, HTTP_IDEMPOTENCY_KEY="k" * 64).status_code == 201
    refused = post(client, "/api/v1/cases", REPORT, HTTP_IDEMPOTENCY_KEY="k" * 65)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


@pytest.mark.parametrize(("change", "field"), [
    ({"category": "nonsense"}, "category"),
    ({"lon": 50.0, "lat": 50.0}, "location"),
    ({"description": ""}, "description"),
    ({"reporter_phone": "123"}, "reporter_phone"),
])
def test_bad_reports_are_422_naming_the_field(api, change, field):
    response = post(api("grid_worker"), "/api/v1/cases", {**REPORT, **change})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == field


def test_the_loop_over_the_api_with_scope(api, departments):
    number = post(api("grid_worker"), "/api/v1/cases", REPORT).json()["number"]
    dispatcher = api("dispatcher")
    inbox = dispatcher.get("/api/v1/cases/inbox").json()
    assert [c["number"] for c in inbox["items"]] == [number]
    detail = dispatcher.get(f"/api/v1/cases/{number}").json()
    assert "accept" in detail["actions"] and detail["case"]["reporter_phone"] == "139****1111"
    assert post(dispatcher, f"/api/v1/cases/{number}/actions", {"action": "close"}).status_code == 422
    post(dispatcher, f"/api/v1/cases/{number}/actions", {"action": "accept"})
    done = post(dispatcher, f"/api/v1/cases/{number}/actions",
                {"action": "dispatch", "department_id": departments["s1_city_management"].pk})
    assert done.json()["case"]["state"] == "dispatched"
    handler = api("handler")
    assert [c["number"] for c in handler.get("/api/v1/cases/inbox").json()["items"]] == [number]
    assert post(handler, f"/api/v1/cases/{number}/actions", {"action": "handle", "note": "已清运"}).status_code == 200
    assert api("other_grid_worker").get(f"/api/v1/cases/{number}").status_code == 404
    assert api("system_admin").get(f"/api/v1/cases/{number}").status_code == 404
    assert post(api("leader"), "/api/v1/cases", REPORT).status_code == 403


def test_the_inbox_pages_by_cursor(api):
    client = api("grid_worker")
    numbers = {post(client, "/api/v1/cases", REPORT).json()["number"] for _ in range(5)}
    dispatcher, seen, cursor = api("dispatcher"), [], ""
    while True:
        page = dispatcher.get("/api/v1/cases/inbox", {"size": 2, "after": cursor}).json()
        seen += [c["number"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and set(seen) == numbers
    # A cursor that was not ours starts from the beginning (a "digit" int() refuses was a 500).
    assert dispatcher.get("/api/v1/cases/inbox", {"size": 2, "after": "-|\u00b2"}).status_code == 200


def test_a_hotline_report_by_address_text_lands_on_the_address(api, register):
    client = api("dispatcher")
    body = {"category": "noise", "description": "楼上装修噪声", "channel": "hotline",
            "address_text": "桂溪路18号锦绣花园1栋2单元301"}
    number = post(client, "/api/v1/cases", body).json()["number"]
    detail = client.get(f"/api/v1/cases/{number}").json()["case"]
    assert detail["area_code"] == register.h1.area_id and detail["channel"] == "hotline"
    unknown = post(client, "/api/v1/cases", {**body, "address_text": "火星基地"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "address_text"


def test_the_dispatcher_is_offered_the_routed_unit(api, departments):
    from gongzhi.cases.models import Category, RoutingRule

    leaf = Category.objects.get(code="garbage_pileup")
    RoutingRule.objects.create(category=leaf.parent, area_id="510107001000",
                               department=departments["s1_city_management"])
    number = post(api("grid_worker"), "/api/v1/cases", REPORT).json()["number"]
    dispatcher = api("dispatcher")
    post(dispatcher, f"/api/v1/cases/{number}/actions", {"action": "accept"})
    detail = dispatcher.get(f"/api/v1/cases/{number}").json()
    assert detail["suggested_department"]["id"] == departments["s1_city_management"].pk


@pytest.mark.parametrize("who", ["system_admin", "security_admin", "audit_admin", "nobody"])
def test_inboxes_and_rates_are_for_the_roles_that_work_cases(api, who):
    # Not an empty queue: a role without cases is refused (403).
    client = api(who)
    assert client.get("/api/v1/cases/inbox").status_code == 403
    assert client.get("/api/v1/cases/rates", {"start": "2026-01-01", "end": "2026-12-31"}).status_code == 403
