"""The standard measures (接诉即办 "三率" and on-time), from the rollups the transitions keep.

  response rate     = cases answered (accepted, rejected, settled on the spot, or referred
                      straight from the report) within the accept deadline / cases reported
                                                                        (by the day reported)
  resolution rate   = cases closed (incl. settled on the spot, merged into another, and closed
                      by the process they were referred to) / cases reported
  ...               a referred case still waiting is reported and not closed: it lowers the
                    resolution rate until its process ends, and no deadline of its runs while
                    it waits (it is never handled late for that time, nor counted as handled)
  satisfaction rate = (satisfied + basically satisfied) / cases rated
  on-time rate      = cases handled within the handle deadline / cases handled

Counts are taken on the day each event happened; a rate over a period sums the days.

Two grains of the same counts, both added to by every transition: per day, grid, category,
channel and department (`CaseStat`), and per day and community (`CommunityStat`). A question that
needs nothing finer than whole communities (overall or by district, subdistrict or community,
for someone whose scope is whole communities) reads the second, a city's month being ~44,000
rows instead of a million; every other one the first. Both give the same answers.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db import connection
from django.db.models import F, Sum
from django.utils import timezone

from gongzhi.accounts import scoping
from gongzhi.accounts.roles import DEPARTMENT_ROLES
from gongzhi.areas import codes
from gongzhi.areas.models import Area

from .models import CASE_ROLES, Case, CaseStat, CommunityStat

COUNTERS = ("reported", "responded", "responded_on_time", "closed", "handled", "handled_on_time", "rated",
            "satisfied", "basically_satisfied", "unsatisfied")


COMMUNITY = codes.PREFIX_LENGTHS["community"]  # a community rollup row's area: the case's code cut to this
COMMUNITY_GROUPS = {"", "district", "subdistrict", "community"}  # what the community rollup can answer


def count(case: Case, at: dt.datetime, **increments: int) -> None:
    """Adds to the case's rollup rows for the day of `at` (inside the caller's transaction).

    One upsert statement per grain: concurrent transitions on the same key neither race to
    create the row nor lose an increment, and the common case costs two round trips."""
    with connection.cursor() as cursor:
        for statement in count_sql(case, at, **increments):
            cursor.execute(*statement)


def count_sql(case: Case, at: dt.datetime, **increments: int) -> list[tuple[str, list[Any]]]:
    """`count`'s upserts as SQL and parameters, the fine row's then its community's (none when
    nothing is added), for a caller that sends them with other writes in one statement."""
    increments = {name: n for name, n in increments.items() if n}
    if not increments:
        return []
    unknown = set(increments) - set(COUNTERS)
    if unknown:
        raise ValueError(f"not a rollup counter: {sorted(unknown)}")
    day = timezone.localtime(at).date()
    added = sorted(increments)
    counts = [increments[n] for n in added]
    return [
        (_upsert(CaseStat, ("day", "area_code", "category_id", "channel", "department_id"),
                 "day, area_code, category_id, channel, (COALESCE(department_id, 0))", tuple(added)),
         [day, case.area_id, case.category_id, case.channel, case.department_id, *counts]),
        (_upsert(CommunityStat, ("day", "area_code"), "day, area_code", tuple(added)),
         [day, case.area_id[:COMMUNITY], *counts]),
    ]


@functools.lru_cache(maxsize=64)
def _upsert(model, key: tuple[str, ...], conflict: str, added: tuple[str, ...]) -> str:
    """An INSERT of the key and counters that adds the `added` counters to the row if the key has
    one (`conflict` is the rollup's unique key, as its constraint spells it). Its parameters
    are the key's values, then the added counters'; the others are 0 in the text, so the
    statement has only the parameters that vary (one text per model and set of counters)."""
    table = model._meta.db_table
    # Column names come from the models and COUNTERS (checked by the caller), never from input;
    # values are parameters, or the literal 0.
    columns = ", ".join((*key, *COUNTERS))
    placeholders = ", ".join(["%s"] * len(key) + ["%s" if n in added else "0" for n in COUNTERS])
    additions = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in added)
    return (f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({conflict}) DO UPDATE SET {additions}")


def for_action(case: Case, action: str, now: dt.datetime, due_at: dt.datetime | None,
               source: str = "") -> dict[str, int]:
    """What an action adds to the rollups: `due_at` is the deadline of the step it ends, `source`
    the state it leaves (a referral straight from the report answers the report)."""
    on_time = int(due_at is None or now <= due_at)
    if action in {"accept", "reject", "self_resolve"} or (action == "refer" and source == "reported"):
        increments = {"responded": 1, "responded_on_time": on_time}
        if action == "self_resolve":
            increments.update(closed=1, handled=1, handled_on_time=1)
        return increments
    if action == "handle":
        return {"handled": 1, "handled_on_time": on_time}
    if action in {"close", "merge", "conclude"}:  # a merged case is answered by the one it joined
        return {"closed": 1}
    if action == "evaluate":
        return {"rated": 1, case.satisfaction: 1}
    return {}


def _whole_communities(user: Any, group_by: str, prefix: str) -> bool:
    """Whether the question is about whole communities only, so the community rollup answers
    it: grouped no finer than by community, narrowed to no less than a community, asked by
    someone whose every case assignment covers whole communities (a handler's scope is a department
    and a grid worker's a grid, which only the fine rollup tells apart)."""
    if group_by not in COMMUNITY_GROUPS or len(prefix) > COMMUNITY:
        return False
    for grant in scoping.grants(user):
        if grant.role in CASE_ROLES and (grant.role in DEPARTMENT_ROLES or len(grant.area_prefix or "") > COMMUNITY):
            return False
    return True


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def rates(user: Any, *, start: dt.date, end: dt.date, group_by: str = "", area: str = "") -> list[dict[str, Any]]:
    """The four rates over [start, end] for what the user may see, overall or per `group_by`
    ("category", "channel", "department", or an area level: "district", "subdistrict",
    "community", "grid")."""
    # The area named, or the code taken as a prefix when it names none (as scoping.under does).
    place = Area.objects.unscoped().filter(code=area).only("code", "level").first() if area else None
    model = CommunityStat if _whole_communities(user, group_by, place.prefix if place else area) else CaseStat
    stats = scoping.scoped(model, user).filter(day__gte=start, day__lte=end)
    if area:
        stats = scoping.under(stats, place or area)
    sums = {name: Sum(name) for name in COUNTERS}
    if group_by in {"category", "channel", "department"}:
        field = {"category": "category__code", "channel": "channel", "department": "department_id"}[group_by]
        rows = stats.values(key=F(field)).annotate(**sums).order_by("key")
    elif group_by in {"district", "subdistrict", "community", "grid"}:
        from django.db.models.functions import Substr

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
