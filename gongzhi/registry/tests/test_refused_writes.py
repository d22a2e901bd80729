"""A refused write leaves nothing (issue 16 item 7), for every write endpoint of the JSON API.

The operations come from the API's own OpenAPI document, so a new POST/PUT/PATCH/DELETE fails
`test_every_write_endpoint_is_covered` until it gets a refused request here (or a line in EXEMPT
saying why none exists). Each request passes the schema but breaks a rule, preferably after the
service has written something (a house before the move is refused, a person before the second
phone), and the whole database is compared before and after."""

import json
from dataclasses import dataclass

import pytest

from gongzhi.cases import categories
from gongzhi.conftest import C1, PASSWORD
from gongzhi.registry.models import AddressReview

from . import dbstate
from .factories import id_number, uscc

WRITES = {"post", "put", "patch", "delete"}

# Write endpoints with no request that a service refuses part-way, and why.
EXEMPT = {
    ("POST", "/api/v1/auth/login"): "a refused sign-in is written on purpose (the lockout counter and its audit)",
    ("POST", "/api/v1/auth/logout"): "signing out refuses nothing; it only ends the session",
}


@dataclass
class World:
    register: object
    case: str  # a case number in G1
    review: int  # an address review pending in C1
    unhoused: str  # an address code in G1 without a house


@pytest.fixture
def world_(login, register):
    from .test_whole_services import _unhoused_address

    categories.load_defaults()
    client = login("grid_worker")
    case = client.post("/api/v1/cases", json.dumps({"category": "garbage_pileup", "description": "小区门口垃圾堆放",
                                                    "lon": 0.25, "lat": 0.5}), content_type="application/json")
    assert case.status_code == 201, case.content
    review = AddressReview.objects.create(raw_text="锦绣花园不知哪栋", source="api", area_id=C1)
    return World(register, case.json()["number"], review.pk, _unhoused_address(register).code)


def _refusals(w: World) -> dict[tuple[str, str], tuple[str, str, dict, int]]:
    """(method, path template) → (who, url, JSON body, expected status)."""
    r = w.register
    new_id = id_number(serial="468")
    return {
        ("POST", "/api/v1/auth/password"): (
            "grid_worker", "/api/v1/auth/password", {"old_password": PASSWORD, "new_password": "short"}, 422),
        ("PATCH", "/api/v1/registry/people/{person_id}"): (  # saved, then the unknown tag refuses it all
            "grid_worker", f"/api/v1/registry/people/{r.zhang.pk}", {"name": "张三丰", "tags": ["no_such_tag"]}, 422),
        ("POST", "/api/v1/registry/phones/lookup"): (
            "grid_worker", "/api/v1/registry/phones/lookup", {"number": "13999999999"}, 404),
        ("POST", "/api/v1/registry/people/{person_id}/reveal"): (
            "grid_worker", f"/api/v1/registry/people/{r.zhang.pk}/reveal", {"field": "no_such_field",
                                                                           "reason": "入户核实"}, 422),
        ("POST", "/api/v1/registry/people/{person_id}/subject-copy"): (
            "grid_worker", f"/api/v1/registry/people/{r.zhang.pk}/subject-copy", {"reason": " "}, 422),
        ("POST", "/api/v1/registry/phone-links/{link_id}/reveal"): (
            "grid_worker", f"/api/v1/registry/phone-links/{r.zhang.phone_links.unscoped().get().pk}/reveal",
            {"field": "phone", "reason": " "}, 422),
        ("POST", "/api/v1/registry/addresses"): (  # the road and number would be made before the bad kind
            "community_worker", "/api/v1/registry/addresses",
            {"community_code": r.h1.address.community_id, "components": [["road", "新路"], ["number", "9号"],
                                                                        ["castle", "城堡"]]}, 422),
        ("POST", "/api/v1/registry/houses"): (
            "community_worker", "/api/v1/registry/houses",
            {"address_code": w.unhoused, "owner_person_id": r.zhang.pk, "owner_entity_id": r.shop.pk}, 422),
        ("POST", "/api/v1/registry/people"): (  # the person, their residence and first phone come first
            "grid_worker", "/api/v1/registry/people",
            {"name": "孙七", "residency": "registered", "id_number": new_id, "house_id": r.h1.pk,
             "tags": ["party_member"], "phones": ["13900001111", "12345"]}, 422),
        ("POST", "/api/v1/registry/people/{person_id}/move-in"): (  # the house at the address comes first
            "grid_worker", f"/api/v1/registry/people/{r.zhang.pk}/move-in",
            {"address": w.unhoused, "day": "2019-01-01"}, 422),
        ("POST", "/api/v1/registry/people/{person_id}/move-out"): (
            "grid_worker", f"/api/v1/registry/people/{r.zhang.pk}/move-out", {"day": "2019-01-01"}, 422),
        ("POST", "/api/v1/registry/people/{person_id}/death"): (
            "grid_worker", f"/api/v1/registry/people/{r.zhang.pk}/death", {"day": "1970-01-01"}, 422),
        ("POST", "/api/v1/registry/entities"): (  # the entity and its first phone come first
            "community_worker", "/api/v1/registry/entities",
            {"kind": "enterprise", "name": "成都共治科技有限公司", "uscc": uscc(org="MA6C0A2C"),
             "area_code": r.h1.address.community_id, "phones": ["028-85550000", "abc"]}, 422),
        ("POST", "/api/v1/registry/address-match"): (  # matched, then queueing needs add_address
            "dispatcher", "/api/v1/registry/address-match", {"text": "锦绣花园不知哪栋", "queue": True}, 403),
        ("POST", "/api/v1/registry/reviews/{review_id}/resolve"): (
            "community_worker", f"/api/v1/registry/reviews/{w.review}/resolve", {}, 422),
        ("POST", "/api/v1/registry/reviews/{review_id}/dismiss"): (  # no rule to break: a reader may not
            "dispatcher", f"/api/v1/registry/reviews/{w.review}/dismiss", {}, 403),
        ("POST", "/api/v1/cases"): (
            "grid_worker", "/api/v1/cases", {"category": "no_such_category", "description": "垃圾", "lon": 0.25,
                                             "lat": 0.5}, 422),
        ("POST", "/api/v1/cases/{number}/actions"): (
            "grid_worker", f"/api/v1/cases/{w.case}/actions", {"action": "no_such_action"}, 422),
        ("POST", "/api/v1/cases/{number}/photos"): ("grid_worker", f"/api/v1/cases/{w.case}/photos", None, 422),
    }


def _write_operations() -> set[tuple[str, str]]:
    from gongzhi.api import api

    paths = api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops if method in WRITES}


# The keys of _refusals without building its world: kept equal to it by the test below.
REFUSED = [
    ("POST", "/api/v1/auth/password"), ("PATCH", "/api/v1/registry/people/{person_id}"),
    ("POST", "/api/v1/registry/phones/lookup"), ("POST", "/api/v1/registry/people/{person_id}/reveal"),
    ("POST", "/api/v1/registry/people/{person_id}/subject-copy"),
    ("POST", "/api/v1/registry/phone-links/{link_id}/reveal"), ("POST", "/api/v1/registry/addresses"),
    ("POST", "/api/v1/registry/houses"), ("POST", "/api/v1/registry/people"),
    ("POST", "/api/v1/registry/people/{person_id}/move-in"), ("POST", "/api/v1/registry/people/{person_id}/move-out"),
    ("POST", "/api/v1/registry/people/{person_id}/death"), ("POST", "/api/v1/registry/entities"),
    ("POST", "/api/v1/registry/address-match"), ("POST", "/api/v1/registry/reviews/{review_id}/resolve"),
    ("POST", "/api/v1/registry/reviews/{review_id}/dismiss"), ("POST", "/api/v1/cases"),
    ("POST", "/api/v1/cases/{number}/actions"), ("POST", "/api/v1/cases/{number}/photos"),
]


def test_every_write_endpoint_is_covered():
    """A new write endpoint is caught here until it has a refused request or an exemption."""
    assert _write_operations() == set(REFUSED) | set(EXEMPT)
    assert not set(REFUSED) & set(EXEMPT)


@pytest.mark.parametrize("operation", REFUSED, ids=[f"{m} {p}" for m, p in REFUSED])
def test_a_refused_write_leaves_nothing(login, world_, operation):
    who, url, body, status = _refusals(world_)[operation]
    assert set(_refusals(world_)) == set(REFUSED)
    client = login(who)
    before = dbstate.dump()
    if body is None:  # an upload: bytes that are no image
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(url, {"file": SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")})
    else:
        method = {"POST": client.post, "PATCH": client.patch}[operation[0]]
        response = method(url, json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content
    assert dbstate.changed(before, dbstate.dump()) == {}
