"""The deadline sweep, inboxes, and the resident's tracking and rating."""

import datetime as dt

import pytest

from gongzhi.cases import categories, inbox, intake, reporters, sweeps, tracking, workflow
from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.cases.tests.conftest import reporter


@pytest.fixture
def cases(cast, world):
    categories.load_defaults()
    leaf = Category.objects.get(code="garbage_pileup")

    def report(lon, lat, phone=""):
        return intake.report(source=reporters.staff(reporter(cast, lon, lat), "grid_patrol"), category=leaf, description="垃圾",
                             lon=lon, lat=lat, reporter_phone=phone)

    return [report(0.25, 0.5, "13900001111"), report(0.75, 0.5), report(3.0, 1.0)]


def test_the_sweep_turns_yellow_then_red_once(cases):
    first = cases[0].case
    assert sweeps.sweep(first.warn_at - dt.timedelta(seconds=1)) == {"red": 0, "yellow": 0}
    assert sweeps.sweep(first.warn_at + dt.timedelta(seconds=1))["yellow"] >= 1
    assert sweeps.sweep(first.warn_at + dt.timedelta(seconds=2))["yellow"] == 0  # not twice
    assert sweeps.sweep(first.due_at + dt.timedelta(seconds=1))["red"] == 3
    assert set(Case.objects.unscoped().values_list("light", flat=True)) == {"red"}
    assert CaseEvent.objects.filter(action="overdue").count() == 3


def test_inboxes_hold_what_each_role_acts_on_in_scope(cast, departments, cases):
    dispatcher_queue = list(inbox.inbox(cast.dispatcher))
    assert {c.pk for c in dispatcher_queue} == {cases[0].case.pk, cases[1].case.pk}  # 锦江's is not theirs
    assert list(inbox.inbox(cast.handler)) == []
    case = workflow.act(actor=cast.dispatcher, case=cases[0].case, action="accept")
    workflow.act(actor=cast.dispatcher, case=case, action="dispatch", department=departments["s1_city_management"])
    assert [c.pk for c in inbox.inbox(cast.handler)] == [case.pk]
    assert [c.pk for c in inbox.inbox(cast.dispatcher, state="reported")] == [cases[1].case.pk]
    # The grid worker's case is now with the handler; the other reported case is in another grid.
    assert list(inbox.inbox(cast.grid_worker)) == []


def test_a_resident_tracks_with_number_and_code_or_phone(cases):
    receipt = cases[0]
    assert tracking.find(receipt.case.number, receipt.tracking_code) == receipt.case
    assert tracking.find(receipt.case.number, "13900001111") == receipt.case
    assert tracking.find(receipt.case.number, "000000" if receipt.tracking_code != "000000" else "111111") is None
    assert tracking.find("GZ00000000000000", receipt.tracking_code) is None


def test_a_resident_rates_only_a_closed_case_and_only_once(cast, departments, cases):
    receipt = cases[0]
    with pytest.raises(ValueError, match="办结后"):
        tracking.rate(number=receipt.case.number, code=receipt.tracking_code, satisfaction="satisfied")
    case = receipt.case
    for who, action, kwargs in [("dispatcher", "accept", {}),
                                ("dispatcher", "dispatch", {"department": departments["s1_city_management"]}),
                                ("handler", "handle", {"note": "已处理"}), ("grid_worker", "verify", {}),
                                ("dispatcher", "close", {})]:
        case = workflow.act(actor=getattr(cast, who), case=case, action=action, **kwargs)
    with pytest.raises(LookupError):
        tracking.rate(number=case.number, code="999999x", satisfaction="satisfied")
    rated = tracking.rate(number=case.number, code=receipt.tracking_code, satisfaction="basically_satisfied",
                          comment="处理及时")
    assert rated.state == "evaluated" and rated.satisfaction == "basically_satisfied"
    with pytest.raises(ValueError):
        tracking.rate(number=case.number, code=receipt.tracking_code, satisfaction="satisfied")


def test_the_scheduler_queues_the_sweep_and_delivery(cases, monkeypatch):
    from django.core.management import call_command
    from django.utils import timezone

    late = cases[0].case.due_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: late)  # the clock, not our code, is moved
    call_command("scheduler", "--once")
    assert Case.objects.unscoped().get(pk=cases[0].case.pk).light == "red"
