"""The JSON API against its own OpenAPI document (/api/v1/openapi.json), fuzzed by schemathesis:
every operation gets requests built from its declared parameters and bodies (valid ones, and
ones that break the declaration on purpose), sent in-process through Django's WSGI handler as
a signed-in community worker (session cookie and CSRF token) in a small city with a register,
categories and cases. Every answer must be no server error, a status the operation declares,
the declared content type, and a body that fits the declared schema (schema_fuzz.CHECKS).

Path parameters and the ids inside bodies are sometimes swapped for objects that exist, so
that the requests reach past "not found" into the views and the services behind them."""

from __future__ import annotations

import pytest
from django.utils.crypto import get_random_string
from hypothesis import strategies as st

from gongzhi.conftest import C1, C2, G1, G2, S1, sign_in
from gongzhi.registry.tests.conftest import register  # noqa: F401  (the register's test world)
from gongzhi.registry.tests.factories import id_number, uscc

from .schema_fuzz import CHECKS, ENVIRON, SETTINGS, Tally, in_process, load

pytestmark = pytest.mark.slow  # thousands of fuzzed requests: ./dev test --fast leaves them out

# Fuzzing examples per operation; with schemathesis' boundary cases the JSON API alone gets over
# the 2,000 requests the proof asks for (about 2,200; Open311's fuzz in
# cases/tests/test_open311_schema.py adds about 700).
EXAMPLES = 10
AT_LEAST = 2000

schema = load("/api/v1/openapi.json", EXAMPLES)
TALLY = Tally("JSON API")
# What exists in this test's world, and values the services accept, by parameter or body field
# name (filled by the `signed_in` fixture).
KNOWN: dict[str, list] = {}
# Body fields that name a thing, and the kind of thing each names.
BODY_IDS = {"legal_rep_id": "person_id", "owner_person_id": "person_id", "owner_entity_id": "entity_id"}


def _known(name: str, operation=None) -> list:
    if name == "code":  # an area's code, or a standard address's
        return KNOWN.get("address_code" if "/registry/" in operation.path else "area_code", [])
    return KNOWN.get(BODY_IDS.get(name, name), [])


def _or_known(values: dict, known) -> st.SearchStrategy:
    """The generated values as they are, or with every one that has known good values replaced
    by one of them (so that many requests get past the first refusal)."""
    good = {name: st.sampled_from(known(name)) for name in values if known(name)}
    if not good:
        return st.just(values)
    return st.one_of(st.just(values), st.fixed_dictionaries({**{k: st.just(v) for k, v in values.items()}, **good}))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    return _or_known(path_parameters, lambda name: _known(name, context.operation))


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    return _or_known(body, _known)


@pytest.fixture
def signed_in(db, cast, departments, request):
    """A community worker of C1 signed in, with the register's world, categories and two cases."""
    from django.test import Client

    from gongzhi.cases import categories, intake, open311, reporters
    from gongzhi.cases.models import Category
    from gongzhi.orgs.models import Organization
    from gongzhi.registry.models import Address, Entity, House, Person, PhoneLink

    with in_process():
        categories.forget()
        open311.forget_keys()
        categories.load_defaults()
        request.getfixturevalue("register")
        garbage = Category.objects.get(code="garbage_pileup")
        numbers = [intake.report(source=reporters.staff(cast.community_worker, "grid_patrol"), category=garbage,
                                 description=f"垃圾{n}", lon=lon, lat=0.5).case.number
                   for n, lon in enumerate((0.25, 0.75))]
        KNOWN.clear()
        KNOWN.update({
            "area_code": [C1, C2, G1, G2, S1],
            "community_code": [C1, C2],
            "address_code": list(Address.objects.unscoped().values_list("code", flat=True)[:20]),
            "org_id": list(Organization.objects.unscoped().values_list("pk", flat=True)[:5]),
            "department_id": [d.pk for d in departments.values()],
            "person_id": list(Person.objects.unscoped().values_list("pk", flat=True)),
            "house_id": list(House.objects.unscoped().values_list("pk", flat=True)),
            "entity_id": list(Entity.objects.unscoped().values_list("pk", flat=True)),
            "link_id": list(PhoneLink.objects.unscoped().values_list("pk", flat=True)),
            "number": numbers,
            "category": ["garbage_pileup", "noise"],
            "kind": ["people", "houses", "entities", "addresses", "shop", "company"],
            # body fields the services check
            "lon": [0.25, 0.75], "lat": [0.5, 0.75], "channel": ["grid_patrol", "hotline"],
            "reporter_phone": ["", "13900001111"], "phones": [[], ["13900002222"]], "tags": [[], ["party_member"]],
            "residency": ["registered", "floating"], "relation_to_head": ["", "child"], "tenure": ["own", "rent"],
            "id_number": [id_number(serial=f"{n:03d}") for n in range(500, 520)], "uscc": [uscc(org="MA6C0A2B")],
            "use": ["self_occupied", "rented"], "field": ["id_number", "phone"], "reason": ["核实身份信息"],
            "action": ["accept", "dispatch", "handle", "verify", "close", "supervise"], "note": ["已处理"],
            "components": [[["road", "桂溪路"], ["number", "20号"]], [["road", "锦里路"], ["number", "8号"],
                                                                      ["room", "101"]]],
            "text": ["桂溪路18号锦绣花园1栋2单元301", "锦里路6号"],
        })
        user = cast.community_worker
        token = get_random_string(32)  # a CSRF secret: 32 letters and digits
        yield {"cookies": {"sessionid": sign_in(Client(), user).cookies["sessionid"].value, "csrftoken": token},
               "headers": {"X-CSRFToken": token}, "user": user}
        categories.forget()
        open311.forget_keys()


@schema.parametrize()
@SETTINGS
def test_every_operation_answers_as_documented(case, signed_in):
    from django.test import Client

    cookies = signed_in["cookies"]
    if case.operation.path == "/api/v1/auth/logout":  # signing out ends the session: a fresh one each time
        cookies = {**cookies, "sessionid": sign_in(Client(), signed_in["user"]).cookies["sessionid"].value}
    TALLY.sending(case.operation.label)
    response = case.call_and_validate(cookies=cookies, headers=signed_in["headers"], checks=CHECKS, **ENVIRON)
    TALLY.answer(case.operation.label, response.status_code)


def test_the_fuzz_sent_enough_requests():
    """After the operations above (pytest keeps a module's order): every operation was fuzzed,
    with at least AT_LEAST requests in all."""
    if not TALLY.sent:
        pytest.skip("the JSON API's schema fuzz did not run in this session")
    print("\n" + TALLY.report())
    assert len(TALLY.sent) == len(list(schema.get_all_operations()))
    assert TALLY.total >= AT_LEAST

