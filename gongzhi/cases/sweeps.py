"""The deadline sweep: every open case whose step passed its warning point turns yellow, every
one past its deadline red; each change is a case event (and, with issue 4's outbox, a notice to
the holder and their supervisor). Run every minute (`gongzhi cases sweep`, or the task)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongzhi.common.tasks import task

from . import notices
from .models import Case, CaseEvent
from .workflow import OPEN


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Turns lights; returns how many cases turned yellow and red. Idempotent: a case turns once."""
    now = now or timezone.now()
    open_cases = Case.objects.unscoped().filter(state__in=OPEN, due_at__isnull=False)  # a system sweep
    turned = {}
    with transaction.atomic():
        for light, condition in (("red", {"due_at__lte": now}),
                                 ("yellow", {"warn_at__lte": now, "due_at__gt": now})):
            ids = list(open_cases.filter(**condition).exclude(light__in=["red", light] if light == "yellow"
                                                              else ["red"]).values_list("pk", "state"))
            if not ids:
                turned[light] = 0
                continue
            Case.objects.unscoped().filter(pk__in=[pk for pk, _state in ids]).update(light=light)
            CaseEvent.objects.bulk_create([
                CaseEvent(case_id=pk, at=now, actor_name="system", action="overdue" if light == "red" else "warning",
                          from_state=state, to_state=state) for pk, state in ids], batch_size=2000)
            for case in Case.objects.unscoped().filter(pk__in=[pk for pk, _state in ids]).select_related("category"):
                notices.deadline(case, light)
            turned[light] = len(ids)
    return turned


@task()
def sweep_deadlines() -> dict[str, int]:
    return sweep()
