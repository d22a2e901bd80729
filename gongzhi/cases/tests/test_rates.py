"""The four rates from the rollups: formulas, grouping, scope, and agreement with the events."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.cases import categories, intake, rates, reporters, tracking, workflow
from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.cases.tests.conftest import reporter
from gongzhi.conftest import C1, C2, G1, WUHOU


@pytest.fixture
def month(cast, departments, world):
    """Four cases in G1/G2 and one in 锦江: closed satisfied, closed unsatisfied, settled on the
    spot, still open; and one in another district."""
    categories.load_defaults()
    garbage = Category.objects.get(code="garbage_pileup")
    noise = Category.objects.get(code="noise")

    def report(category, lon, lat, channel="grid_patrol"):
        return intake.report(source=reporters.staff(reporter(cast, lon, lat), channel), category=category, description="事",
                             lon=lon, lat=lat)

    def loop(receipt, satisfaction):
        case = receipt.case
        for who, action, kwargs in [("dispatcher", "accept", {}),
                                    ("dispatcher", "dispatch", {"department": departments["s1_city_management"]}),
                                    ("handler", "handle", {"note": "好"}), ("community_worker", "verify", {}),
                                    ("dispatcher", "close", {})]:
            case = workflow.act(actor=getattr(cast, who), case=case, action=action, **kwargs)
        tracking.rate(number=case.number, code=receipt.tracking_code, satisfaction=satisfaction)

    loop(report(garbage, 0.25, 0.5), "satisfied")
    loop(report(garbage, 0.75, 0.5, channel="hotline"), "unsatisfied")
    workflow.act(actor=cast.grid_worker, case=report(noise, 0.25, 0.5).case, action="self_resolve", note="已劝止")
    report(noise, 0.25, 0.5)
    report(garbage, 3.0, 1.0)  # 锦江区


def today():
    return timezone.localdate()


def test_city_wide_rates_follow_the_documented_formulas(cast, month):
    [row] = rates.rates(cast.city_dispatcher, start=today(), end=today())
    assert (row["reported"], row["responded_on_time"], row["closed"], row["rated"]) == (5, 3, 3, 2)
    assert row["response_rate"] == 0.6 and row["resolution_rate"] == 0.6
    assert row["satisfaction_rate"] == 0.5 and row["on_time_rate"] == 1.0


def test_rates_by_category_channel_and_grid(cast, month):
    by_category = {r["key"]: r for r in rates.rates(cast.city_dispatcher, start=today(), end=today(),
                                                    group_by="category")}
    assert by_category["noise"]["reported"] == 2 and by_category["noise"]["closed"] == 1
    by_channel = {r["key"]: r["reported"] for r in rates.rates(cast.city_dispatcher, start=today(), end=today(),
                                                               group_by="channel")}
    assert by_channel == {"grid_patrol": 4, "hotline": 1}
    by_grid = {r["key"]: r["reported"] for r in rates.rates(cast.city_dispatcher, start=today(), end=today(),
                                                            group_by="grid")}
    assert by_grid == {"510107001001001": 3, "510107001001002": 1, "510104001001001": 1}


def test_rates_are_scoped_and_empty_periods_have_no_rate(cast, month):
    [mine] = rates.rates(cast.grid_worker, start=today(), end=today())
    assert mine["reported"] == 3  # G1 only
    [none] = rates.rates(cast.dispatcher, start=today() - dt.timedelta(days=40), end=today() - dt.timedelta(days=10))
    assert none["reported"] == 0 and none["response_rate"] is None


def test_the_rollups_agree_with_the_events(cast, month):
    [row] = rates.rates(cast.city_dispatcher, start=today(), end=today())
    events = CaseEvent.objects.all()
    assert row["reported"] == events.filter(action="report").count() == Case.objects.unscoped().count()
    assert row["closed"] == events.filter(action__in=["close", "self_resolve"]).count()
    assert row["rated"] == events.filter(action="evaluate").count()


def test_the_rates_api(login, month):
    client = login("leader")
    body = client.get("/api/v1/cases/rates", {"start": today().isoformat(), "end": today().isoformat(),
                                               "group_by": "category"}).json()
    assert {r["key"] for r in body} == {"garbage_pileup", "noise"}
    assert client.get("/api/v1/cases/rates", {"start": "x", "end": "y"}).status_code == 422


def _read(user, **asked) -> str:
    """The rollup table the rates' query read."""
    with CaptureQueriesContext(connection) as seen:
        rates.rates(user, start=today(), end=today(), **asked)
    return next(t for t in ("cases_communitystat", "cases_casestat") if t in seen.captured_queries[-1]["sql"])


def test_questions_about_whole_communities_read_the_community_rollup(cast, month):
    assert _read(cast.city_dispatcher) == _read(cast.leader, group_by="subdistrict") == "cases_communitystat"
    assert _read(cast.community_worker, group_by="community") == _read(cast.dispatcher, area=C1) == "cases_communitystat"
    # Finer than a community, or a scope that is not whole communities: the fine rollup.
    assert _read(cast.city_dispatcher, group_by="grid") == _read(cast.city_dispatcher, group_by="category") == \
        _read(cast.city_dispatcher, area=G1) == "cases_casestat"
    assert _read(cast.grid_worker) == _read(cast.handler) == _read(cast.multi) == "cases_casestat"


def test_both_rollups_give_the_same_rates(cast, month, monkeypatch):
    asked = [(who, group_by, area) for who in ("city_dispatcher", "leader", "dispatcher", "community_worker")
             for group_by in ("", "district", "subdistrict", "community") for area in ("", WUHOU, C1, C2)]
    either = [rates.rates(getattr(cast, who), start=today(), end=today(), group_by=group_by, area=area)
              for who, group_by, area in asked]
    assert sum(rows[0]["reported"] for rows in either if rows) > 0
    monkeypatch.setattr(rates, "_whole_communities", lambda *args: False)  # the fine rollup only
    assert [rates.rates(getattr(cast, who), start=today(), end=today(), group_by=group_by, area=area)
            for who, group_by, area in asked] == either
