"""The register over the API: scope, masking for every role, audited reveal, search, links."""

import json

import pytest

from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C1, SYSTEM

from .conftest import LI_ID, SHARED_PHONE, SHOP_PHONE, WANG_ID, ZHANG_ID
from .factories import id_number, uscc

ALL_ROLES = ["grid_worker", "other_grid_worker", "community_worker", "dispatcher", "city_dispatcher", "leader",
             "handler", "system_admin", "security_admin", "audit_admin", "multi", "revoked", "nobody"]
# Who sees 张三 (house in G1, community C1, subdistrict S1, 武侯区).
SEES_ZHANG = {"grid_worker", "community_worker", "dispatcher", "city_dispatcher", "leader", "multi"}
MAY_REVEAL = {"grid_worker", "community_worker", "multi"}


@pytest.fixture
def api(login):
    return login


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", ALL_ROLES)
def test_every_role_sees_only_masked_values_or_nothing(api, register, who):
    client = api(who)
    response = client.get(f"/api/v1/registry/people/{register.zhang.pk}")
    if who not in SEES_ZHANG:
        assert response.status_code in (403, 404)
        return
    assert response.status_code == 200
    text = response.content.decode()
    for clear in (ZHANG_ID, LI_ID, SHARED_PHONE, SHOP_PHONE):
        assert clear not in text
    body = response.json()
    assert body["person"]["id_number"] == ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:]
    assert body["phones"][0]["number"] == "138****5678"


@pytest.mark.parametrize("who", ALL_ROLES)
def test_revealing_needs_the_role_a_reason_and_is_audited(api, register, who):
    client = api(who)
    url = f"/api/v1/registry/people/{register.zhang.pk}/reveal"
    response = post(client, url, {"field": "id_number", "reason": "入户核实身份"})
    if who in MAY_REVEAL:
        assert response.status_code == 200 and response.json()["value"] == ZHANG_ID
        entry = AuditEntry.objects.filter(action="registry.sensitive.revealed").latest("seq")
        assert entry.actor_name == who and entry.changes == {"field": "id_number", "reason": "入户核实身份"}
        assert ZHANG_ID not in json.dumps(entry.changes)
        assert post(client, url, {"field": "id_number", "reason": " "}).status_code == 422
    else:
        assert response.status_code in (403, 404)
        assert not AuditEntry.objects.filter(action="registry.sensitive.revealed").exists()


def test_a_phone_is_revealed_through_its_link(api, register):
    client = api("grid_worker")
    link = api("grid_worker").get(f"/api/v1/registry/people/{register.zhang.pk}").json()["phones"][0]
    response = post(client, f"/api/v1/registry/phone-links/{link['link_id']}/reveal", {"field": "phone", "reason": "回访"})
    assert response.json()["value"] == SHARED_PHONE


def test_out_of_scope_reveal_is_404(api, register):
    response = post(api("other_grid_worker"), f"/api/v1/registry/people/{register.zhang.pk}/reveal",
                    {"field": "id_number", "reason": "好奇"})
    assert response.status_code == 404


@pytest.mark.parametrize(("query", "expect_people", "how"), [
    ("张", {"张三"}, "text"),
    ("zhangsan", {"张三"}, "pinyin"),
    ("zs", {"张三"}, "pinyin"),
    ("ZS", {"张三"}, "pinyin"),
    (ZHANG_ID, {"张三"}, "id_number"),
    (ZHANG_ID.lower(), {"张三"}, "id_number"),
    (SHARED_PHONE, {"张三", "李四"}, "phone"),
    ("138 1234 5678", {"张三", "李四"}, "phone"),
    (WANG_ID, set(), "id_number"),  # 王五 lives in G3, outside the grid worker's grid
    ("wangwu", set(), "pinyin"),
])
def test_search_within_scope(api, register, query, expect_people, how):
    body = api("grid_worker").get("/api/v1/registry/search", {"q": query}).json()
    assert {p["name"] for p in body["people"]} == expect_people and body["how"] == how


def test_search_entities_and_addresses(api, register):
    client = api("community_worker")
    assert [e["name"] for e in client.get("/api/v1/registry/search", {"q": "便利店"}).json()["entities"]] == ["成都锦绣便利店"]
    assert [e["name"] for e in client.get("/api/v1/registry/search", {"q": SHOP_PHONE}).json()["entities"]] == ["成都锦绣便利店"]
    assert client.get("/api/v1/registry/search", {"q": register.shop.uscc}).json()["how"] == "uscc"
    found = client.get("/api/v1/registry/search", {"q": "锦绣花园1栋"}).json()["addresses"]
    assert [a["full_text"] for a in found][:1] == ["桂溪路18号锦绣花园1栋"]


def test_the_person_view_links_house_phones_entity_household_and_history(api, register):
    body = api("community_worker").get(f"/api/v1/registry/people/{register.zhang.pk}").json()
    assert [p["name"] for p in body["household"]] == ["李四"]
    assert body["residences"][0]["house_id"] == register.h1.pk
    assert [e["name"] for e in body["represents"]] == ["成都锦绣便利店"]
    assert body["tags"] == ["party_member"] and body["history"][0]["action"] == "created"


def test_the_phone_view_lists_everyone_on_the_number(api, register):
    body = post(api("community_worker"), "/api/v1/registry/phones/lookup", {"number": SHARED_PHONE}).json()
    assert {p["name"] for p in body["people"]} == {"张三", "李四"} and body["number"] == "138****5678"
    assert post(api("other_grid_worker"), "/api/v1/registry/phones/lookup",
                {"number": SHARED_PHONE}).status_code == 404


def test_the_address_view_shows_what_is_at_and_below_it(api, register):
    client = api("community_worker")
    estate = register.h1.address.parent.parent.parent
    body = client.get(f"/api/v1/registry/addresses/{estate.code}").json()
    assert [a["name"] for a in body["parents"]] == ["桂溪路", "18号"]
    assert {p["name"] for p in body["people"]} == {"张三", "李四"}
    assert [e["name"] for e in body["entities"]] == ["成都锦绣便利店"]


def test_the_house_view_answers_for_a_date(api, register):
    client = api("dispatcher")
    assert {r["person"]["name"] for r in client.get(f"/api/v1/registry/houses/{register.h1.pk}").json()["residents"]} \
        == {"张三", "李四"}
    assert client.get(f"/api/v1/registry/houses/{register.h1.pk}", {"on": "2019-06-01"}).json()["residents"] == []
    tenants = client.get(f"/api/v1/registry/houses/{register.h2.pk}").json()["tenants"]
    assert [t["person"]["name"] for t in tenants] == ["王五"]


def test_registering_a_person_with_phone_through_the_api(api, register):
    client = api("grid_worker")
    new_id = id_number("510107", "20010203", "468")
    response = post(client, "/api/v1/registry/people", {
        "name": "孙七", "residency": "registered", "id_number": new_id, "house_id": register.h1.pk,
        "relation_to_head": "child", "phones": ["13900001111"]})
    assert response.status_code == 201, response.content
    assert response.json()["birth_date"] == "2001-02-03" and new_id not in response.content.decode()


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "孙七", "residency": "registered", "id_number": "510107200102034681"}, "id_number"),
    ({"name": "", "residency": "registered", "id_number": "x"}, "name"),
])
def test_bad_input_names_the_field_in_chinese(api, register, body, field):
    response = post(api("grid_worker"), "/api/v1/registry/people", {**body, "house_id": register.h1.pk})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == field and any("\u4e00" <= ch <= "\u9fff" for ch in detail["msg"])


def test_a_grid_worker_cannot_register_into_another_grid(api, register):
    response = post(api("grid_worker"), "/api/v1/registry/people", {
        "name": "孙七", "residency": "registered", "id_number": id_number(serial="468"), "house_id": register.h2.pk})
    assert response.status_code == 404


def test_read_only_roles_cannot_write(api, register):
    response = post(api("dispatcher"), "/api/v1/registry/people", {
        "name": "孙七", "residency": "registered", "id_number": id_number(serial="468"), "house_id": register.h1.pk})
    assert response.status_code == 403


def test_addresses_houses_and_entities_through_the_api(api, register):
    client = api("community_worker")
    address = post(client, "/api/v1/registry/addresses", {
        "community_code": C1, "components": [["road", "桂溪路"], ["number", "十八号"], ["building", "3号楼"],
                                             ["room", "1203室"]], "lon": 0.3, "lat": 0.6})
    assert address.status_code == 201 and address.json()["full_text"] == "桂溪路18号3栋1203"
    house = post(client, "/api/v1/registry/houses", {"address_code": address.json()["code"], "use": "rented"})
    assert house.status_code == 201
    entity = post(client, "/api/v1/registry/entities", {
        "kind": "enterprise", "name": "成都共治科技有限公司", "uscc": uscc(org="MA6C0A2C"),
        "address_code": address.json()["code"], "phones": ["028-85550000"]})
    assert entity.status_code == 201, entity.content
    bad = post(client, "/api/v1/registry/entities", {"kind": "enterprise", "name": "坏", "uscc": "123",
                                                     "area_code": C1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "uscc"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_hold_only_what_the_user_sees_masked_and_are_audited(api, register, fmt):
    import io

    from openpyxl import load_workbook

    from gongzhi.registry import people

    people.update_person(actor=SYSTEM, person=register.li, name="=HYPERLINK(\"http://x\")")
    response = api("grid_worker").get(f"/api/v1/registry/export/people?format={fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(",".join(str(c.value) for c in row) for row in sheet.iter_rows())
        assert "grid_worker" in sheet.oddHeader.center.text  # on every printed page
    assert "grid_worker" in text  # who exported it, and when
    assert "张三" in text and "王五" not in text  # 王五 lives in another grid
    assert ZHANG_ID not in text and ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:] in text
    assert "'=HYPERLINK" in text
    entry = AuditEntry.objects.filter(action="registry.people.exported").latest("seq")
    assert entry.actor_name == "grid_worker" and entry.changes == {"rows": 2, "format": fmt}


def test_exporting_is_refused_to_roles_without_the_register(api, register):
    assert api("system_admin").get("/api/v1/registry/export/people").status_code == 403
    assert api("grid_worker").get("/api/v1/registry/export/spaceships").status_code == 404


def test_a_correction_keeps_what_is_null_and_refuses_unknown_codes(api, register):
    client = api("community_worker")
    url = f"/api/v1/registry/people/{register.li.pk}"
    kept = client.patch(url, json.dumps({"residency": None, "relation_to_head": None, "ethnicity": "汉族"}),
                        content_type="application/json")
    assert kept.status_code == 200 and kept.json()["residency"] == "registered"  # null residency was a 500
    assert kept.json()["ethnicity"] == "汉族"
    for field, value in (("relation_to_head", "boss"), ("residency", "visitor")):
        refused = client.patch(url, json.dumps({field: value}), content_type="application/json")
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == field
    moved = post(client, f"/api/v1/registry/people/{register.li.pk}/move-in",
                 {"house_id": register.h1.pk, "day": "2024-01-01", "relation_to_head": "boss"})
    assert moved.status_code == 422 and moved.json()["detail"][0]["loc"][-1] == "relation_to_head"


@pytest.mark.parametrize(("method", "url", "body", "field"), [
    ("post", "/api/v1/registry/people", {"name": "张" * 61, "residency": "registered"}, "name"),
    ("patch", "/api/v1/registry/people/{li}", {"nationality": "CHNX"}, "nationality"),
    ("patch", "/api/v1/registry/people/{li}", {"ethnicity": "汉\x00"}, "ethnicity"),
    ("post", "/api/v1/registry/address-match", {"text": "桂溪路\x00"}, "text"),
    ("post", "/api/v1/registry/entities", {"kind": "shop", "name": "店", "uscc": uscc(), "headcount": 2**40}, "headcount"),
    ("post", "/api/v1/registry/houses", {"address_code": "x", "floor_area": "123456789.5"}, "floor_area"),
    ("get", "/api/v1/registry/search?q=%E5%BC%A0%00", None, "q"),
])
def test_values_beyond_their_column_or_holding_nul_are_422(api, register, method, url, body, field):
    """PostgreSQL refuses them (a string longer than its column, NUL in text, an integer out of
    range) and the API answered 500; the declared limits answer 422 naming the field."""
    client = api("community_worker")
    url = url.format(li=register.li.pk)
    if body is None:
        response = client.get(url)
    else:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == field


def test_an_address_longer_than_its_columns_is_refused(api, register):
    parts = [["road", "路" * 100], ["number", "1" * 90], ["estate", "苑" * 100], ["building", "2"]]
    response = post(api("community_worker"), "/api/v1/registry/addresses", {"community_code": C1, "components": parts})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "components"


def test_no_two_answer_classes_of_the_api_share_a_name():
    """The document keys its schemas by class name: two classes of one name became one entry,
    and the person view was described with the fields of a case's events (both were EventOut)."""
    from collections import Counter

    from ninja import Schema

    import gongzhi.api  # every router, so every class is defined

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = Counter(c.__name__ for c in set(subclasses(Schema)) if c.__module__.startswith("gongzhi."))
    assert [name for name, count in names.items() if count > 1] == []
    document = gongzhi.api.api.get_openapi_schema()
    assert "kind" in document["components"]["schemas"]["PersonEventOut"]["properties"]
