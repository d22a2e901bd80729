"""The registered-or-not oracle (issue 15, item 9): a number held by a record the registering
worker cannot see answers exactly like a fresh number; the holder's keepers decide."""

import json
import re

import pytest

from gongzhi.audit.models import AuditEntry
from gongzhi.common import crypto
from gongzhi.conftest import SYSTEM
from gongzhi.registry import people
from gongzhi.registry.models import IdentityReview, Person, PersonEvent, PhoneLink

from .conftest import WANG_ID, ZHANG_ID
from .factories import id_number
from .test_imports import H1_CODE_TEXT, PEOPLE_HEADER, csv_bytes
from .test_imports import upload as upload  # the fixture

# 王五 lives in 锦里社区 (C2): the grid worker of G1 (洗面桥社区) cannot see him. A fresh number
# with his birth date and sex, so that only the number itself differs between the two answers.
FRESH_ID = id_number("511302", "19950720", "157")


def _masked(number: str) -> str:
    return number[:3] + "*" * 11 + number[-4:]


def _normalised(html: str, pk: int, number: str) -> str:
    """A page with what differs by construction (the record's id, its masked number) and by
    request (CSRF token, CSP nonce, the clock) replaced."""
    html = html.replace(f"/people/{pk}/", "/people/PK/").replace(_masked(number), "NUMBER")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)
    html = re.sub(r'nonce="[^"]+"', "NONCE", html)
    return re.sub(r"\d{2}:\d{2}(:\d{2})?", "TIME", html)


def _register_on_the_page(client, number: str, **extra):
    response = client.post("/w/registry/people/new/", {
        "name": "王五", "residency": "registered", "id_number": number, "tenure": "own", **extra})
    digest = crypto.digest(number, kind="id_number")
    return response, Person.objects.unscoped().filter(id_number_digest=digest, area__code__startswith="510107001001").get()


def test_an_out_of_scope_number_answers_on_the_page_like_a_fresh_one(login, register):
    client = login("grid_worker")
    fresh, fresh_person = _register_on_the_page(client, FRESH_ID)
    fresh_page = client.get(fresh["Location"]).content.decode()
    held, provisional = _register_on_the_page(client, WANG_ID)
    held_page = client.get(held["Location"]).content.decode()

    assert (fresh.status_code, held.status_code) == (302, 302)
    assert fresh["Location"].replace(str(fresh_person.pk), "PK") == held["Location"].replace(str(provisional.pk), "PK")
    assert _normalised(fresh_page, fresh_person.pk, FRESH_ID) == _normalised(held_page, provisional.pk, WANG_ID)
    assert "已登记：王五" in held_page and "已在" not in held_page and "核实" not in held_page
    # Behind the answer: a provisional record in the worker's grid, and a review for 王五's keepers.
    assert provisional.identity_check == "pending" and fresh_person.identity_check == ""
    review = IdentityReview.objects.unscoped().get()
    assert (review.provisional, review.existing, review.state) == (provisional, register.wang, "open")
    assert review.registered_by.username == "grid_worker" and review.area_id == register.wang.area_id
    assert AuditEntry.objects.filter(action="registry.identity_review.opened").count() == 1
    # Searching the number in the worker's scope finds the provisional record, never 王五.
    found = client.get("/w/registry/", {"q": WANG_ID}).content.decode()
    assert f"/people/{provisional.pk}/" in found and f"/people/{register.wang.pk}/" not in found


def test_an_out_of_scope_number_answers_in_the_api_like_a_fresh_one(login, register):
    client = login("grid_worker")

    def post(number):
        return client.post("/api/v1/registry/people", json.dumps({
            "name": "王五", "residency": "registered", "id_number": number, "area_code": "510107001001001"}),
            content_type="application/json")

    fresh, held = post(FRESH_ID), post(WANG_ID)
    assert (fresh.status_code, held.status_code) == (201, 201), held.content
    a, b = dict(fresh.json()), dict(held.json())
    assert (a.pop("id"), a.pop("id_number")) != (b.pop("id"), b.pop("id_number"))
    assert a == b
    body = lambda r, n: re.sub(r'^\{"id": \d+', "{", r.content.decode()).replace(_masked(n), "N")  # noqa: E731
    assert body(fresh, FRESH_ID) == body(held, WANG_ID)
    assert fresh.headers.items() == held.headers.items()
    assert IdentityReview.objects.unscoped().filter(existing=register.wang, state="open").count() == 1


def test_an_out_of_scope_number_answers_in_an_import_like_a_fresh_one(register, upload):
    def row(number):
        return [PEOPLE_HEADER, ["王五", number, "户籍人口", H1_CODE_TEXT, "", "", "13900002222", ""]]

    fresh = upload("people", "people.csv", csv_bytes(row(FRESH_ID)), who="grid_worker")
    held = upload("people", "people.csv", csv_bytes(row(WANG_ID)), who="grid_worker")
    counts = ("status", "total", "processed", "created", "updated", "unchanged", "failed", "message")
    assert [getattr(fresh, c) for c in counts] == [getattr(held, c) for c in counts] == \
        ["done", 1, 1, 1, 0, 0, 0, fresh.message]
    assert not held.error_file  # no error-workbook row
    provisional = Person.objects.unscoped().get(identity_check="pending")
    assert provisional.house == register.h1 and register.wang.house == register.h2
    assert IdentityReview.objects.unscoped().get().existing == register.wang

    again = upload("people", "people.csv", csv_bytes(row(WANG_ID)), who="grid_worker")
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 1, 0)
    assert Person.objects.unscoped().filter(identity_check="pending").count() == 1
    assert IdentityReview.objects.unscoped().count() == 1


def test_an_in_scope_number_is_refused_with_a_link_to_the_record(login, register):
    client = login("community_worker")
    response = client.post("/w/registry/people/new/", {
        "name": "张三", "residency": "registered", "id_number": ZHANG_ID, "tenure": "own"})
    page = response.content.decode()
    assert response.status_code == 200 and "该身份证号已登记" in page
    assert f'href="/w/registry/people/{register.zhang.pk}/"' in page
    assert Person.objects.unscoped().filter(id_number_digest=register.zhang.id_number_digest).count() == 1
    assert not IdentityReview.objects.unscoped().exists()
    with pytest.raises(people.IdentityClash):
        people.register_person(actor=SYSTEM, name="张三", residency="registered", id_number=ZHANG_ID,
                               area_code=register.h1.area_id)


def test_a_passport_held_out_of_scope_answers_like_a_fresh_one(cast, register):
    person = people.register_person(actor=cast.grid_worker, name="John Smith", residency="overseas",
                                    passport_type="P", passport_number="E12345678", nationality="GBR",
                                    house=register.h1)
    assert person.identity_check == "pending"
    assert IdentityReview.objects.unscoped().get().existing == register.smith


def _provisional(login, register):
    client = login("grid_worker")
    response = client.post(f"/w/registry/people/new/?house={register.h1.pk}", {
        "name": "王五", "residency": "registered", "id_number": WANG_ID, "tenure": "rent",
        "phones": "13900003333", "ethnicity": "汉族"})
    assert response.status_code == 302
    return Person.objects.unscoped().get(identity_check="pending"), IdentityReview.objects.unscoped().get()


def test_the_keepers_confirm_and_the_record_moves_to_the_worker(client, login, register):
    provisional, review = _provisional(login, register)
    keeper = login("multi")  # community worker of 锦里社区, where 王五 lives
    listing = keeper.get("/w/registry/identity/").content.decode()
    assert f"/w/registry/identity/{review.pk}/" in listing and "桂溪路18号" in listing
    detail = keeper.get(f"/w/registry/identity/{review.pk}/").content.decode()
    assert _masked(WANG_ID) in detail and WANG_ID not in detail and "grid_worker" in detail
    done = keeper.post(f"/w/registry/identity/{review.pk}/", {"action": "confirm", "reason": "本人搬家"})
    assert done.status_code == 302

    wang = Person.objects.unscoped().get(pk=register.wang.pk)
    assert wang.house == register.h1 and wang.area_id == register.h1.area_id and wang.ethnicity == "汉族"
    assert not Person.objects.unscoped().filter(pk=provisional.pk).exists()
    assert PhoneLink.objects.unscoped().get(person=wang).phone.number_masked == "139****3333"
    move = PersonEvent.objects.unscoped().get(person=wang, kind="change_house")
    assert move.house == register.h1 and "身份核实" in move.note
    review.refresh_from_db()
    assert (review.state, review.decided_by.username, review.reason) == ("confirmed", "multi", "本人搬家")
    assert AuditEntry.objects.filter(action="registry.identity_review.confirmed").count() == 1
    assert AuditEntry.objects.filter(action="registry.person.change_house").exists()
    # The registering worker now sees the real record: it lies in their grid.
    worker = login("grid_worker")
    assert worker.get(f"/w/registry/people/{wang.pk}/").status_code == 200
    assert worker.get(f"/w/registry/people/{provisional.pk}/").status_code == 404
    # A decided review is not decided twice.
    again = login("multi").post(f"/w/registry/identity/{review.pk}/", {"action": "decline", "reason": "再次"})
    assert again.status_code == 302
    assert IdentityReview.objects.unscoped().get().state == "confirmed"


def test_the_keepers_decline_and_the_worker_sees_the_flag(login, register):
    provisional, review = _provisional(login, register)
    worker = login("grid_worker")
    assert "身份证号核实未通过" not in worker.get(f"/w/registry/people/{provisional.pk}/").content.decode()

    keeper = login("dispatcher")  # 王五's subdistrict
    refused = keeper.post(f"/w/registry/identity/{review.pk}/", {"action": "decline", "reason": ""})
    assert refused.status_code == 302 and IdentityReview.objects.unscoped().get().state == "open"
    keeper.post(f"/w/registry/identity/{review.pk}/", {"action": "decline", "reason": "不是同一人"})
    review.refresh_from_db()
    assert (review.state, review.decided_by.username, review.reason) == ("declined", "dispatcher", "不是同一人")
    assert Person.objects.unscoped().get(pk=register.wang.pk).house == register.h2
    assert Person.objects.unscoped().get(pk=provisional.pk).identity_check == "declined"
    assert AuditEntry.objects.filter(action="registry.identity_review.declined").count() == 1

    page = login("grid_worker").get(f"/w/registry/people/{provisional.pk}/").content.decode()
    assert "身份证号核实未通过" in page and f"/people/{register.wang.pk}/" not in page
    # Corrected to the worker's own right number, the record is an ordinary one again.
    people.update_person(actor=SYSTEM, person=provisional, id_number=FRESH_ID)
    assert Person.objects.unscoped().get(pk=provisional.pk).identity_check == ""


@pytest.mark.parametrize("who", ["community_worker", "other_grid_worker", "grid_worker", "leader", "system_admin"])
def test_outsiders_do_not_reach_the_review(login, register, who):
    _person, review = _provisional(login, register)
    client = login(who)
    assert client.get(f"/w/registry/identity/{review.pk}/").status_code in (403, 404)
    assert client.post(f"/w/registry/identity/{review.pk}/", {"action": "confirm"}).status_code in (403, 404)
    listing = client.get("/w/registry/identity/")
    assert listing.status_code in (403, 200)
    assert f"/w/registry/identity/{review.pk}/" not in listing.content.decode()
    assert IdentityReview.objects.unscoped().get().state == "open"


def test_a_community_worker_elsewhere_gets_404(login, register):
    _p, review = _provisional(login, register)
    assert login("community_worker").get(f"/w/registry/identity/{review.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_parallel_import_registers_a_held_number_provisionally(register, cast, settings):
    from django.db import connection

    from gongzhi.registry import importers, parallel

    if connection.vendor != "postgresql":
        pytest.skip("parallel imports run on PostgreSQL only (registry/parallel.py)")
    settings.GONGZHI_IMPORT_WORKERS, settings.GONGZHI_IMPORT_PARALLEL_ROWS, settings.GONGZHI_IMPORT_CHUNK = 2, 10, 5
    rows = [PEOPLE_HEADER] + [[f"并行{i}", id_number(born="19900101", serial=f"{i:03d}"), "户籍人口", H1_CODE_TEXT,
                               "", "", "", ""] for i in range(11)]
    rows.append(["王五", WANG_ID, "户籍人口", H1_CODE_TEXT, "", "", "", ""])
    assert parallel.eligible("people", len(rows) - 1)
    outcome = importers.run("people", rows, actor=cast.community_worker)
    assert (outcome.total, outcome.created, outcome.bad) == (12, 12, [])
    assert Person.objects.unscoped().get(identity_check="pending").house == register.h1
    assert IdentityReview.objects.unscoped().get().existing == register.wang
