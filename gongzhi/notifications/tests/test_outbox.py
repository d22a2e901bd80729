"""Notices leave through the outbox: written with the change, sent afterwards, retried on
failure, never holding up the change."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import categories, intake, reporters, sweeps, workflow
from gongzhi.cases.models import Case, Category
from gongzhi.notifications import backends, outbox
from gongzhi.notifications.models import Notification


@pytest.fixture
def case(cast, world):
    categories.load_defaults()
    leaf = Category.objects.get(code="garbage_pileup")
    return intake.report(source=reporters.staff(cast.grid_worker, "hotline"), category=leaf, description="垃圾堆放",
                         lon=0.25, lat=0.5, reporter_phone="13900001111").case


def step(cast, who, case, action, **kwargs):
    return workflow.act(actor=getattr(cast, who), case=Case.objects.unscoped().get(pk=case.pk), action=action,
                        **kwargs)


def test_each_step_tells_the_people_who_act_next(cast, departments, case, django_capture_on_commit_callbacks):
    step(cast, "dispatcher", case, "accept")
    step(cast, "dispatcher", case, "dispatch", department=departments["s1_city_management"])
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["handler"]
    step(cast, "handler", case, "handle", note="已清运")
    told = set(Notification.objects.filter(subject__startswith="请核查").values_list("recipient__username", flat=True))
    assert told == {"grid_worker", "community_worker", "multi"}  # who holds G1, by grid or community
    step(cast, "grid_worker", case, "verify")
    with django_capture_on_commit_callbacks(execute=True):
        step(cast, "dispatcher", case, "close")
    sms = Notification.objects.get(channel="sms")
    assert sms.status == "sent" and sms.to_masked == "139****1111" and "13900001111" not in sms.to_token


def test_a_failing_gateway_is_retried_and_never_blocks_the_case(cast, departments, case, settings):
    settings.GONGZHI_NOTIFY_BACKEND, settings.GONGZHI_NOTIFY_HTTP_URL = "http", "http://127.0.0.1:9/"
    for who, action, kwargs in [("dispatcher", "accept", {}),
                                ("dispatcher", "dispatch", {"department": departments["s1_city_management"]}),
                                ("handler", "handle", {"note": "x"}), ("grid_worker", "verify", {})]:
        step(cast, who, case, action, **kwargs)
    closed = step(cast, "dispatcher", case, "close")  # the gateway is down; closing still works
    assert closed.state == "closed"
    now = timezone.now()
    assert outbox.deliver_pending(now) == {"sent": 0, "retry": 1, "failed": 0}
    sms = Notification.objects.get(channel="sms")
    assert sms.status == "pending" and sms.next_attempt_at == now + dt.timedelta(minutes=1) and sms.last_error
    assert outbox.deliver_pending(now) == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    later = now
    for _ in range(5):
        later += dt.timedelta(days=1)
        outbox.deliver_pending(later)
    assert Notification.objects.get(channel="sms").status == "failed"


def test_overdue_cases_tell_their_holder_and_the_leaders_above(cast, case):
    sweeps.sweep(case.due_at + dt.timedelta(minutes=1))
    told = set(Notification.objects.filter(subject__startswith="已超期").values_list("recipient__username", flat=True))
    assert {"dispatcher", "city_dispatcher", "leader"} <= told and "grid_worker" not in told


def test_console_backend_logs_instead_of_sending_and_masks_the_number(caplog):
    backends.send("sms", "13900001111", "主题", "内容")
    assert "139****1111" in caplog.text and "13900001111" not in caplog.text
