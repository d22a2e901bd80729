"""The standard measures (接诉即办 "三率" and on-time), from the rollups the transitions keep.

  response rate     = cases answered (accepted, rejected or settled on the spot) within the
                      accept deadline / cases reported                  (by the day reported)
  resolution rate   = cases closed (incl. settled on the spot) / cases reported
  satisfaction rate = (satisfied + basically satisfied) / cases rated
  on-time rate      = cases handled within the handle deadline / cases handled

Counts are taken on the day each event happened; a rate over a period sums the days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import F, Sum
from django.utils import timezone

from gongzhi.accounts import scoping

from .models import Case, CaseStat

COUNTERS = ("reported", "responded", "responded_on_time", "closed", "handled", "handled_on_time", "rated",
            "satisfied", "basically_satisfied", "unsatisfied")


def count(case: Case, at: dt.datetime, **increments: int) -> None:
    """Adds to the case's rollup row for the day of `at` (inside the caller's transaction).

    One upsert statement: concurrent transitions on the same key neither race to create the
    row nor lose an increment, and the common case costs one round trip."""
    statement = count_sql(case, at, **increments)
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


def count_sql(case: Case, at: dt.datetime, **increments: int) -> tuple[str, list[Any]] | None:
    """`count`'s upsert as SQL and parameters (None when nothing is added), for a caller that
    sends it with other writes in one statement."""
    increments = {name: n for name, n in increments.items() if n}
    if not increments:
        return None
    unknown = set(increments) - set(COUNTERS)
    if unknown:
        raise ValueError(f"not a rollup counter: {sorted(unknown)}")
    table = CaseStat._meta.db_table
    # Column names come from COUNTERS (checked above), never from input; values are parameters.
    columns = ", ".join(COUNTERS)
    placeholders = ", ".join(["%s"] * len(COUNTERS))
    additions = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in sorted(increments))
    sql = (f"INSERT INTO {table} (day, area_code, category_id, channel, department_id, {columns}) "  # noqa: S608  # nosec B608
           f"VALUES (%s, %s, %s, %s, %s, {placeholders}) "
           f"ON CONFLICT (day, area_code, category_id, channel, (COALESCE(department_id, 0))) DO UPDATE SET {additions}")
    params = [timezone.localtime(at).date(), case.area_id, case.category_id, case.channel, case.department_id,
              *(increments.get(n, 0) for n in COUNTERS)]
    return sql, params


def for_action(case: Case, action: str, now: dt.datetime, due_at: dt.datetime | None) -> dict[str, int]:
    """What an action adds to the rollups: `due_at` is the deadline of the step it ends."""
    on_time = int(due_at is None or now <= due_at)
    if action in {"accept", "reject", "self_resolve"}:
        increments = {"responded": 1, "responded_on_time": on_time}
        if action == "self_resolve":
            increments.update(closed=1, handled=1, handled_on_time=1)
        return increments
    if action == "handle":
        return {"handled": 1, "handled_on_time": on_time}
    if action in {"close", "merge"}:  # a merged case is answered by the one it joined
        return {"closed": 1}
    if action == "evaluate":
        return {"rated": 1, case.satisfaction: 1}
    return {}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def rates(user: Any, *, start: dt.date, end: dt.date, group_by: str = "", area: str = "") -> list[dict[str, Any]]:
    """The four rates over [start, end] for what the user may see, overall or per `group_by`
    ("category", "channel", "department", or an area level: "district", "subdistrict",
    "community", "grid")."""
    stats = scoping.scoped(CaseStat, user).filter(day__gte=start, day__lte=end)
    if area:
        stats = scoping.under(stats, area)
    sums = {name: Sum(name) for name in COUNTERS}
    if group_by in {"category", "channel", "department"}:
        field = {"category": "category__code", "channel": "channel", "department": "department_id"}[group_by]
        rows = stats.values(key=F(field)).annotate(**sums).order_by("key")
    elif group_by in {"district", "subdistrict", "community", "grid"}:
        from django.db.models.functions import Substr

        from gongzhi.areas import codes

        rows = (stats.annotate(key=Substr("area_id", 1, codes.PREFIX_LENGTHS[group_by]))
                .values("key").annotate(**sums).order_by("key"))
    else:
        rows = [{"key": "all", **stats.aggregate(**sums)}]
    result = []
    for row in rows:
        n = {name: row[name] or 0 for name in COUNTERS}
        result.append({
            "key": row["key"], **n,
            "response_rate": _rate(n["responded_on_time"], n["reported"]),
            "resolution_rate": _rate(n["closed"], n["reported"]),
            "satisfaction_rate": _rate(n["satisfied"] + n["basically_satisfied"], n["rated"]),
            "on_time_rate": _rate(n["handled_on_time"], n["handled"]),
        })
    return result
