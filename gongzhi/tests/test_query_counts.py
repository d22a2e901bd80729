"""Query-count baselines (as NetBox's query_counts.json): the busiest pages and every list of the
JSON API are requested as the role that uses them, over 20+ rows each so that a query per row
(an N+1) shows, and their counts are held to the committed query_counts.json. A count above its
baseline fails; a count below it warns. After a deliberate change, rewrite the file with
GONGZHI_UPDATE_QUERY_BASELINES=1 (on SQLite and on PostgreSQL: each vendor has its own column,
savepoints and sequences differ) and commit it with the change that explains it."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.areas.models import Area
from gongzhi.cases import categories, intake, open311, reporters, workflow
from gongzhi.cases.models import Category
from gongzhi.conftest import C1, G1, RESIDENT, S1, sign_in
from gongzhi.deliberation import topics
from gongzhi.deliberation.tests.conftest import residents
from gongzhi.orgs import services as orgs
from gongzhi.orgs.models import Department, DepartmentKind, Organization, OrgKind
from gongzhi.portal import places
from gongzhi.registry.models import AddressReview
from gongzhi.registry.tests.conftest import register  # noqa: F401  (the register's test world)
from gongzhi.workcalendar import workdays

pytestmark = pytest.mark.django_db

BASELINES = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("GONGZHI_UPDATE_QUERY_BASELINES") == "1"
ROWS = 24  # more than a page's worth of nothing: a query per row would add 24

# The pages, each with who reads it. The API's lists are found on the API object (below).
PAGES = {
    "page /w/cases/ (inbox)": ("dispatcher", "/w/cases/"),
    "page /w/cases/<number>/ (case page)": ("dispatcher", "/w/cases/{case}/"),
    "page /w/registry/?q= (register search)": ("community_worker", "/w/registry/?q=居民"),
    "page /w/deliberation/ (topic list, workbench)": ("community_worker", "/w/deliberation/"),
    "page /topics/ (topic list, portal)": (None, "/topics/"),
}
# What an API list needs besides the default reader (community_worker) and no arguments. A new
# list endpoint is measured without an entry here; it needs one only if that answers other than 200.
API_CALLS = {
    "/api/v1/registry/search": ("community_worker", {"q": "居民"}),
    "/api/v1/cases/inbox": ("dispatcher", {}),
    "/api/v1/cases/categories": ("dispatcher", {}),
    "/api/v1/cases/rates": ("leader", {"start": "2000-01-01", "end": "2100-01-01", "group_by": "category"}),
    "/api/v1/departments": ("dispatcher", {}),
    "/api/v1/areas": ("system_admin", {}),
}


def api_lists() -> list[str]:
    """Every GET operation of the API without a path parameter whose answer is a list, or an
    object holding one (a page of items, a search's people)."""
    from gongzhi.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]

    def resolve(s: dict) -> dict:
        return components[s["$ref"].rsplit("/", 1)[1]] if "$ref" in s else s

    found = []
    for path, operations in schema["paths"].items():
        answer = (operations.get("get") or {}).get("responses", {}).get(200, {})
        body = answer.get("content", {}).get("application/json", {}).get("schema")
        if "{" in path or not body:
            continue
        body = resolve(body)
        if body.get("type") == "array" or any(
                resolve(p).get("type") == "array" for p in body.get("properties", {}).values()):
            found.append(path)
    return found


@pytest.fixture
def city(world, departments, cast, register, settings):  # noqa: F811
    """24+ rows in every list the baselines read, made through the services."""
    settings.GONGZHI_PORTAL_AREA = "510100000000"
    for forget in (workdays.overrides_changed, categories.forget, open311.forget_keys, places.forget):
        forget()
    categories.load_defaults()
    kinds = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("code")[:8])
    cases = [intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=kinds[i % len(kinds)],
                           description=f"门口垃圾{i}", lon=0.1 + i / 100, lat=0.5).case for i in range(ROWS + 4)]
    for case in cases[-4:]:  # 24 wait in the inbox; these have a longer history for the case page
        workflow.act(actor=cast.dispatcher, case=case, action="accept")
        workflow.act(actor=cast.dispatcher, case=case, action="dispatch",
                     department=departments["s1_city_management"])
    people = residents(register, ROWS)
    community = Area.objects.unscoped().get(code=C1)
    for i in range(ROWS):
        topic = topics.propose(actor=RESIDENT, area=community, title=f"议题{i}", source="resident", proposer=people[i])
        topics.support(topic=topic, person=register.zhang, actor=RESIDENT)
        topics.comment(topic=topic, text="赞成", person=register.li, actor=RESIDENT)
    orgs.add_organizations(actor=cast.system_admin, organizations=[
        Organization(kind=OrgKind.PARTY_GROUP, name=f"第{i}党小组", area_id=G1 if i % 2 else C1) for i in range(ROWS)])
    orgs.add_departments(actor=cast.system_admin, departments=[
        Department(kind=DepartmentKind.HOUSING, name=f"住建所{i}", area_id=S1) for i in range(ROWS)])
    for i in range(ROWS):
        AddressReview.objects.create(raw_text=f"桂溪路{i}号", source="test", area_id=C1, candidates=[])
    yield {"case": cases[-1].number}
    for forget in (workdays.overrides_changed, categories.forget, open311.forget_keys, places.forget):
        forget()


def count(client, url: str, params: dict | None = None) -> int:
    """The queries of the second request (the first fills the process's memos, as a running
    server has long done), which must be a 200."""
    assert client.get(url, params or {}).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, params or {})
    assert answer.status_code == 200, (url, answer.content[:500])
    return len(captured)


def measure(client, cast, city) -> dict[str, int]:
    counts = {}

    def as_(who):
        client.logout()
        return sign_in(client, getattr(cast, who)) if who else client

    for name, (who, url) in PAGES.items():
        counts[name] = count(as_(who), url.format(**city))
    for path in api_lists():
        who, params = API_CALLS.get(path, ("community_worker", {}))
        counts[f"api GET {path}"] = count(as_(who), path, params)
    return counts


def test_api_lists_are_found_on_the_api_object():
    """The enumeration the baselines rely on finds the lists (a broken one would measure nothing)."""
    assert {"/api/v1/cases/inbox", "/api/v1/registry/search", "/api/v1/areas",
            "/api/v1/registry/reviews"} <= set(api_lists())
    assert "/api/v1/cases/{number}" not in api_lists() and "/api/v1/areas/locate" not in api_lists()


def test_query_counts_hold_to_their_baselines(client, cast, city):
    vendor = connection.vendor
    counts = measure(client, cast, city)
    stored = json.loads(BASELINES.read_text(encoding="utf-8")) if BASELINES.exists() else {}
    baseline = stored.get(vendor, {})
    if UPDATE:
        stored[vendor] = dict(sorted(counts.items()))
        BASELINES.write_text(json.dumps(stored, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                             encoding="utf-8")
        return
    how = (f"if intended, rewrite {BASELINES.name} with GONGZHI_UPDATE_QUERY_BASELINES=1 (on SQLite and on "
           "PostgreSQL) and commit it")
    missing = sorted(set(counts) - set(baseline))
    assert not missing, f"no {vendor} baseline for {missing}: {how}"
    risen = {name: (baseline[name], n) for name, n in counts.items() if n > baseline[name]}
    assert not risen, f"{vendor}: queries rose (baseline, now): {risen}; look for a query per row; {how}"
    fallen = {name: (baseline[name], n) for name, n in counts.items() if n < baseline[name]}
    if fallen:
        warnings.warn(f"{vendor}: queries fell (baseline, now): {fallen}; lower the baseline: {how}", stacklevel=1)
