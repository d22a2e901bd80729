"""Closed cases lose the reporter's name and phone after the period; open ones keep them."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEntry
from gongzhi.cases import categories, intake, reporters, retention, workflow
from gongzhi.cases.models import Case, Category


@pytest.fixture
def two_cases(cast, world):
    categories.load_defaults()
    garbage = Category.objects.get(code="garbage_pileup")

    def report():
        return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="事",
                             lon=0.25, lat=0.5, reporter_name="赵六", reporter_phone="13900001111").case

    settled = workflow.act(actor=cast.grid_worker, case=report(), action="self_resolve", note="已处理")
    return settled, report()


def test_contacts_go_after_the_period_and_only_from_closed_cases(two_cases, settings):
    settled, still_open = two_cases
    settings.GONGZHI_CASE_CONTACT_RETENTION_DAYS = 30
    assert retention.clear_contacts() == 0  # closed today
    later = timezone.now() + dt.timedelta(days=31)
    assert retention.clear_contacts(now=later) == 1
    settled = Case.objects.unscoped().get(pk=settled.pk)
    assert settled.reporter_name == "" and settled.reporter_phone_masked == "" and settled.reporter_phone_token == ""
    assert settled.description == "事"  # what happened stays
    kept = Case.objects.unscoped().get(pk=still_open.pk)
    assert kept.reporter_name == "赵六" and kept.reporter_phone_token
    assert AuditEntry.objects.filter(action="cases.contacts.cleared").count() == 1
    assert retention.clear_contacts(now=later) == 0
