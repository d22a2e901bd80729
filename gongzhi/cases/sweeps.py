"""The deadline sweep: every open case whose step passed its warning point turns yellow, every
one past its deadline red; each change is a case event and a notice to the holder and the
leaders above. Run every minute (`gongzhi cases sweep`, or the task).

Set-based, so that a minute costs what turns in it, not all that is open: the candidates come
from two partial indexes over open cases (by deadline, by warning point), the lights change in
one UPDATE of a column no index holds (the new versions stay on their pages and touch no index
while the pages have room: migration 0016), the events go in through the bulk path and the
notices in one write."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.common import bulk
from gongzhi.common.tasks import task

from . import notices
from .models import OPEN_STATES, Case, CaseEvent

EVENT_FIELDS = ("case_id", "at", "actor_name", "action", "from_state", "to_state", "note", "data")
CHUNK = 5000


def candidates(now: dt.datetime) -> dict[str, Q]:
    """What turns each light at `now` (read through the partial indexes on open cases)."""
    return {"red": Q(due_at__lte=now) & ~Q(light="red"),
            "yellow": Q(warn_at__lte=now, due_at__gt=now, light="green")}


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Turns lights; returns how many cases turned yellow and red. Idempotent: a case turns once
    (a sweep running at the same time skips the rows this one holds)."""
    now = now or timezone.now()
    open_cases = Case.objects.unscoped().filter(state__in=OPEN_STATES)  # a system sweep
    turned = {}
    with transaction.atomic():
        for light, condition in candidates(now).items():  # red first: a case past both is red
            rows = list(open_cases.filter(condition).select_for_update(skip_locked=True, of=("self",))
                        .order_by("pk").values_list("pk", "state", "number", "category__name",
                                                    "category__parent__name", "description", "area_id",
                                                    "department_id"))
            for start in range(0, len(rows), CHUNK):
                Case.objects.unscoped().filter(pk__in=[r[0] for r in rows[start:start + CHUNK]]).update(light=light)
            action = "overdue" if light == "red" else "warning"
            bulk.insert(CaseEvent, EVENT_FIELDS, [(pk, now, "system", action, state, state, "", "{}")
                                                  for pk, state, *_rest in rows], returning_ids=False)
            notices.deadlines([notices.Turned(number, f"{parent}/{name}" if parent else name, description, area,
                                              state, department)
                               for _pk, state, number, name, parent, description, area, department in rows], light)
            turned[light] = len(rows)
    return turned


@task()
def sweep_deadlines() -> dict[str, int]:
    return sweep()
