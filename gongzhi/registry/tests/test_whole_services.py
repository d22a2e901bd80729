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
