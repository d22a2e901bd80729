"""Open311 GeoReport v2 against its OpenAPI document (/open311/v2/openapi.json, cases/open311_schema.py),
fuzzed by schemathesis in-process through Django's WSGI handler: services, posting requests (with
the client's api_key, or a wrong one, or none), listing and reading them, tokens. Every answer must
be no server error, a status the document declares, JSON, and a body that fits the declared schema
(the specification's error list included). The rate bounds are lifted for the run; they have their
own test (test_open311.py)."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from gongzhi.common.tests.schema_fuzz import CHECKS, ENVIRON, SETTINGS, Tally, in_process, load
from gongzhi.conftest import WUHOU

pytestmark = pytest.mark.slow  # hundreds of fuzzed requests: ./dev test --fast leaves them out

# Fuzzing examples per operation, on top of schemathesis' boundary cases (about 700 requests; the
# JSON API's fuzz in common/tests/test_api_schema.py makes over 2,000 more).
EXAMPLES = 60
AT_LEAST = 600

schema = load("/open311/v2/openapi.json", EXAMPLES)
TALLY = Tally("Open311")
KNOWN: dict[str, list] = {}  # filled by the `client_key` fixture
# Points in the test world's grids (lon 0…4, lat 0…2), for posts that should be filed.
INSIDE = [(0.25, 0.5), (0.75, 1.5), (1.5, 1.0), (3.0, 1.0)]


def _or_known(values: dict, known: dict[str, list]) -> st.SearchStrategy:
    """The generated values as they are, or with every one that has known good values replaced
    by one of them (so that many requests get past the first refusal)."""
    good = {name: st.sampled_from(known[name]) for name in values if known.get(name)}
    if not good:
        return st.just(values)
    return st.one_of(st.just(values), st.fixed_dictionaries({**{k: st.just(v) for k, v in values.items()}, **good}))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    return _or_known(path_parameters, {"service_code": KNOWN["service_code"], "service_request_id": KNOWN["number"],
                                       "token": KNOWN["number"]})


@schema.hook
def flatmap_query(context, query):
    if not isinstance(query, dict):
        return st.just(query)
    return _or_known(query, {"api_key": KNOWN["api_key"], "service_code": KNOWN["service_code"],
                             "service_request_id": KNOWN["number"], "status": ["open", "closed", "open,closed"]})


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    return _or_known({"api_key": "", "service_code": "", "description": "", **body}, {
        "api_key": KNOWN["api_key"], "service_code": KNOWN["service_code"], "description": ["路灯不亮", "垃圾没人清"],
        "long": [lon for lon, _lat in INSIDE], "lat": [lat for _lon, lat in INSIDE], "phone": ["", "13900001111"],
        "first_name": ["", "李"], "last_name": ["", "四"]})


@pytest.fixture
def client_key(world, settings):
    """A client key for 武侯区, the categories, and requests posted through Open311 and the API."""
    from django.test import Client

    from gongzhi.areas.models import Area
    from gongzhi.cases import categories, open311

    settings.GONGZHI_OPEN311_RATE_PER_ADDRESS = settings.GONGZHI_OPEN311_RATE_PER_KEY = "1000000/m"
    categories.load_defaults()
    key = open311.new_key(name="fuzz client", area=Area.objects.unscoped().get(code=WUHOU))
    client = Client()  # before in_process(): the test client reconnects the signal it takes away
    numbers = [client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": code, "lat": str(lat), "long": str(lon), "description": "路灯不亮"},
    ).json()[0]["service_request_id"] for code, (lon, lat) in zip(("garbage_pileup", "noise"), INSIDE, strict=False)]
    KNOWN.clear()
    KNOWN.update({"api_key": [key], "number": numbers, "service_code": ["garbage_pileup", "noise", "street_light"]})
    with in_process():
        yield key


@schema.parametrize()
@SETTINGS
def test_every_method_answers_as_documented(case, client_key):
    TALLY.sending(case.operation.label)
    response = case.call_and_validate(checks=CHECKS, **ENVIRON)
    TALLY.answer(case.operation.label, response.status_code)


def test_the_fuzz_sent_enough_requests():
    """After the methods above (pytest keeps a module's order): every method was fuzzed, with at
    least AT_LEAST requests in all."""
    if not TALLY.sent:
        pytest.skip("the Open311 schema fuzz did not run in this session")
    print("\n" + TALLY.report())
    assert len(TALLY.sent) == len(list(schema.get_all_operations()))
    assert TALLY.total >= AT_LEAST

