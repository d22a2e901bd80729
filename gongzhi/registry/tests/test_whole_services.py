"""Whole services: registering with phones, and moving in at a typed address, are each one
service in one transaction; a refusal part-way leaves nothing behind (issue 16 item 7)."""

import json

from gongzhi.registry.models import Person

from . import dbstate
from .factories import id_number, uscc


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_bad_second_phone_leaves_no_person_and_the_corrected_retry_registers(login, register):
    client = login("grid_worker")
    body = {"name": "孙七", "residency": "registered", "id_number": id_number(serial="468"),
            "house_id": register.h1.pk, "phones": ["13900001111", "12345"]}
    before = dbstate.dump()
    refused = post(client, "/api/v1/registry/people", body)
    assert refused.status_code == 422, refused.content
    detail = refused.json()["detail"][0]
    assert detail["loc"] == ["body", "phones"] and "第2个" in detail["msg"]
    assert dbstate.changed(before, dbstate.dump()) == {}  # no person, phone, residence, history or audit
    retry = post(client, "/api/v1/registry/people", {**body, "phones": ["13900001111", "13900002222"]})
    assert retry.status_code == 201, retry.content
    assert Person.objects.unscoped().get(name="孙七").phone_links.unscoped().count() == 2


def test_an_entity_with_a_bad_phone_leaves_nothing(login, register):
    from gongzhi.conftest import C1

    client = login("community_worker")
    body = {"kind": "enterprise", "name": "成都共治科技有限公司", "uscc": uscc(org="MA6C0A2C"), "area_code": C1,
            "phones": ["028-85550000", "abc"]}
    before = dbstate.dump()
    refused = post(client, "/api/v1/registry/entities", body)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "phones"]
    assert dbstate.changed(before, dbstate.dump()) == {}
    assert post(client, "/api/v1/registry/entities", {**body, "phones": ["028-85550000"]}).status_code == 201


def test_the_page_refuses_a_bad_phone_on_its_field_and_keeps_nothing(login, register):
    client = login("grid_worker")
    url = f"/w/registry/people/new/?house={register.h1.pk}"
    before = dbstate.dump()
    page = client.post(url, {"name": "孙七", "residency": "registered", "id_number": id_number(serial="468"),
                             "tenure": "own", "phones": "13900001111; 12345"})
    assert page.status_code == 200 and "第2个" in page.content.decode()
    assert dbstate.changed(before, dbstate.dump()) == {}


def _unhoused_address(register):
    """A room beside 张三's, in G1, that the register holds no house for yet."""
    from gongzhi.registry import addresses

    community = register.h1.address.community
    return addresses.ensure_address(community=community, lon=0.25, lat=0.5, components=[
        ("road", "桂溪路"), ("number", "18号"), ("estate", "锦绣花园"), ("building", "1栋"), ("unit", "2单元"),
        ("room", "302")])


def test_moving_in_at_a_typed_address_through_the_api_is_one_service(login, register):
    from gongzhi.registry.models import House

    client = login("grid_worker")
    address = _unhoused_address(register)
    url = f"/api/v1/registry/people/{register.zhang.pk}/move-in"
    before = dbstate.dump()
    early = post(client, url, {"address": address.code, "day": "2019-01-01"})  # before 张三 came to h1
    assert early.status_code == 422 and early.json()["detail"][0]["loc"] == ["body", "date"]
    assert dbstate.changed(before, dbstate.dump()) == {}  # not even the house at the address
    nowhere = post(client, url, {"address": "火星基地", "day": "2024-01-01"})
    assert nowhere.status_code == 422 and nowhere.json()["detail"][0]["loc"] == ["body", "address"]
    neither = post(client, url, {"day": "2024-01-01"})
    assert neither.status_code == 422 and neither.json()["detail"][0]["loc"] == ["body", "address"]
    moved = post(client, url, {"address": address.code, "day": "2024-01-01", "tenure": "rent"})
    assert moved.status_code == 200, moved.content
    house = House.objects.unscoped().get(address=address)
    assert moved.json()["house_id"] == house.pk and house.use == "self_occupied"


def test_the_page_moves_in_through_the_same_service(login, register, monkeypatch):
    from gongzhi.registry import people

    calls = []
    real = people.move_in_at
    monkeypatch.setattr(people, "move_in_at", lambda **kw: calls.append(kw) or real(**kw))
    address = _unhoused_address(register)
    client = login("grid_worker")
    before = dbstate.dump()
    early = client.post(f"/w/registry/people/{register.zhang.pk}/event/", {
        "event": "move_in", "day": "2019-01-01", "tenure": "own", "address": address.code})
    assert "早于入住日期" in early.content.decode() and len(calls) == 1
    assert dbstate.changed(before, dbstate.dump()) == {}
