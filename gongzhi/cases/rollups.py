"""Recounting the rollups (CaseStat) from the case events, for days whose rows were not kept
by live transitions (bulk-loaded history) or are in doubt.

The definition is the live one (`rates.for_action`, counted by `workflow.act`, `intake.report`
and `tracking.rate`), read back from each event:

  day          the local date of the event
  place, kind  the case's area, category and channel (none of them changes after intake)
  department   the `department` the event records (the one holding the case then; workflow
               records it on every change while a department holds the case); none otherwise, which
               is also what a report, an acceptance or a rejection count under
  reported     report
  responded    accept, reject, self_resolve, and refer from reported; on time unless the event
               says `on_time: false`
  closed       close, merge, self_resolve, conclude
  handled      handle, self_resolve; on time unless `on_time: false` (self_resolve always is)
  rated        evaluate, and its `satisfaction`

Events written before they recorded `on_time` and `department` count as on time and under no
department. One INSERT … SELECT … GROUP BY after deleting the days' rows, then the community rollup
(`CommunityStat`) of those days summed from them the same way, all in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Substr, TruncDate
from django.utils import timezone

from .models import CaseEvent, CaseStat, CommunityStat
from .rates import COMMUNITY, COUNTERS

RESPONSES = ("accept", "reject", "self_resolve")
COUNTED = ("report", "accept", "reject", "self_resolve", "handle", "close", "merge", "conclude", "evaluate")
# A referral counts only straight from the report (as the answer to it): no other makes a row.
ANSWERING_REFERRAL = Q(action="refer", from_state="reported")


def _counts() -> dict[str, Count]:
    """Each counter as a filtered count over the day's events (the mapping in the docstring)."""
    late = Q(data__on_time=False)
    responses = Q(action__in=RESPONSES) | ANSWERING_REFERRAL

    def n(condition: Q) -> Count:
        return Count("id", filter=condition)

    counts = {
        "reported": n(Q(action="report")),
        "responded": n(responses),
        "responded_on_time": n(responses),
        "closed": n(Q(action__in=("close", "merge", "self_resolve", "conclude"))),
        "handled": n(Q(action__in=("handle", "self_resolve"))),
        "handled_on_time": n(Q(action__in=("handle", "self_resolve"))),
        "rated": n(Q(action="evaluate")),
        **{s: n(Q(action="evaluate", data__satisfaction=s))
           for s in ("satisfied", "basically_satisfied", "unsatisfied")},
    }
    # On time = all minus the late ones (a missing key is neither true nor false in SQL).
    counts["responded_on_time"] = counts["responded_on_time"] - n(responses & late)
    counts["handled_on_time"] = counts["handled_on_time"] - n(Q(action="handle") & late)
    if tuple(counts) != COUNTERS:  # the counters and their order are what the INSERT lists
        raise RuntimeError(f"rollup counters out of order: {tuple(counts)}")
    return counts


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in_days(queryset, start: dt.date | None, end: dt.date | None):
    if start is not None:
        queryset = queryset.filter(day__gte=start)
    if end is not None:
        queryset = queryset.filter(day__lte=end)
    return queryset


def rebuild(start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Recounts the rollup rows of the days from `start` to `end` (inclusive; open ends: from
    the first event, up to the last). Returns how many fine rows it wrote."""
    events = CaseEvent.objects.filter(Q(action__in=COUNTED) | ANSWERING_REFERRAL)
    if start is not None:
        events = events.filter(at__gte=_local_midnight(start))
    if end is not None:
        events = events.filter(at__lt=_local_midnight(end + dt.timedelta(days=1)))
    department = Cast(KeyTextTransform("department", "data"), IntegerField())
    grouped = (events.order_by()
               .annotate(stat_day=TruncDate("at"), stat_area=F("case__area_id"),
                         stat_category=F("case__category_id"), stat_channel=F("case__channel"),
                         stat_department=department)
               .values("stat_day", "stat_area", "stat_category", "stat_channel", "stat_department")
               .annotate(**_counts()))
    select, params = grouped.query.sql_with_params()
    table, communities = CaseStat._meta.db_table, CommunityStat._meta.db_table
    # Column names from the models and COUNTERS, never from input; the values are parameters.
    insert = (f"INSERT INTO {table} (day, area_code, category_id, channel, department_id, "
              f"{', '.join(COUNTERS)}) {select}")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Live transitions wait until the recount commits, then add to it: none is lost
            # or counted twice. Readers go on reading. (Both tables, in the order the live
            # upserts take them.)
            cursor.execute(f"LOCK TABLE {table}, {communities} IN SHARE ROW EXCLUSIVE MODE")
        _in_days(CaseStat.objects.unscoped(), start, end).delete()  # system work over every place
        cursor.execute(insert, params)
        written = cursor.rowcount
        # The community rows of the same days, summed from the fine rows just written, in order
        # of day (as live upserts write them: a period's rows then sit together).
        summed = (_in_days(CaseStat.objects.unscoped(), start, end)
                  .values("day", community=Substr("area_id", 1, COMMUNITY))
                  .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS}).order_by("day", "community"))
        select, params = summed.query.sql_with_params()
        _in_days(CommunityStat.objects.unscoped(), start, end).delete()
        cursor.execute(f"INSERT INTO {communities} (day, area_code, {', '.join(COUNTERS)}) {select}", params)
        return written
