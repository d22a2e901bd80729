"""A closed case keeps what happened, not who reported it: GONGZHI_CASE_CONTACT_RETENTION_DAYS
after a case closed, the reporter's name and phone are cleared (the description, place and
history stay for the statistics and for any later complaint about the handling). Run daily by
the scheduler; each run that clears anything is one audit entry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gongzhi.audit import log
from gongzhi.common.tasks import task

from .models import Case, CaseState
from .workflow import OPEN

CONTACT_COLUMNS = ("reporter_name", "reporter_phone_token", "reporter_phone_digest", "reporter_phone_masked")


def clear_contacts(now: dt.datetime | None = None) -> int:
    days = settings.GONGZHI_CASE_CONTACT_RETENTION_DAYS
    if not days:
        return 0
    before = (now or timezone.now()) - dt.timedelta(days=days)
    done = set(CaseState.values) - set(OPEN)
    cases = (Case.objects.unscoped()  # a system task over every place
             .filter(state__in=done, closed_at__lt=before)
             .exclude(Q(reporter_name="") & Q(reporter_phone_masked="")))  # masked is empty when no phone is sealed
    cleared = cases.update(**dict.fromkeys(CONTACT_COLUMNS, ""))
    if cleared:
        log.record("cases.contacts.cleared", actor_name="system", target_type="cases.case",
                   changes={"cases": cleared, "after_days": days})
    return cleared


@task()
def clear_case_contacts() -> int:
    return clear_contacts()
