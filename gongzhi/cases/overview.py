"""The command dashboard's figures for a place a user holds: open and overdue cases in each of
its parts (for the map), how many came in today, this week and this month, the four rates by
month, the categories that come most, and the overdue cases. Everything through the scoping
module; the counts of reports and the rates read the rollups, not the cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from gongzhi.accounts import scoping
from gongzhi.areas import codes
from gongzhi.areas.models import Area

from . import rates
from .models import Case, Category
from .workflow import OPEN

# Who reads the command dashboard: those who dispatch and those who lead, at any level.
COMMAND_ROLES = frozenset({"dispatcher", "leader"})


def home_area(user: Any) -> Area | None:
    """The widest place the user holds (where their dashboard opens)."""
    places = scoping.scoped(Area, user)
    for level in codes.LEVELS:
        found = places.filter(level=level).order_by("code").first()
        if found is not None:
            return found
    return None


def parts(user: Any, area: Area) -> list[Area]:
    """The places one level down (what the map shows and one clicks to drill into)."""
    return list(scoping.scoped(Area, user).filter(parent_id=area.code).order_by("code"))


def open_by_part(user: Any, area: Area, below: list[Area]) -> dict[str, dict[str, int]]:
    """{part code: {"open": n, "overdue": n}} of the cases waiting in each part."""
    if not below:
        return {}
    length = codes.PREFIX_LENGTHS[below[0].level]
    by_prefix = {part.code[:length]: part.code for part in below}
    rows = (scoping.under(scoping.scoped(Case, user), area).filter(state__in=OPEN).order_by()
            .annotate(key=Substr("area_id", 1, length)).values("key")
            .annotate(open=Count("id"), overdue=Count("id", filter=Q(light="red"))))
    counts = {code: {"open": 0, "overdue": 0} for code in by_prefix.values()}
    for row in rows:
        if row["key"] in by_prefix:
            counts[by_prefix[row["key"]]] = {"open": row["open"], "overdue": row["overdue"]}
    return counts


def reported(user: Any, area: Area, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    spans = {"today": today, "week": today - dt.timedelta(days=today.weekday()), "month": today.replace(day=1)}
    return {name: rates.rates(user, start=start, end=today, area=area.code)[0]["reported"]
            for name, start in spans.items()}


def trend(user: Any, area: Area, months: int = 12, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The four rates for each of the last `months` months (oldest first)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        start = dt.date(year, month + 1, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        [row] = rates.rates(user, start=start, end=min(end, today), area=area.code)
        out.append({"month": f"{start:%Y-%m}", **{k: row[k] for k in (
            "reported", "response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")}})
    return out


def top_categories(user: Any, area: Area, limit: int = 10, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    rows = rates.rates(user, start=today.replace(day=1), end=today, group_by="category", area=area.code)
    top = sorted((r for r in rows if r["reported"]), key=lambda r: -r["reported"])[:limit]
    names = dict(Category.objects.filter(code__in=[r["key"] for r in top]).values_list("code", "name"))
    return [{**r, "name": names.get(r["key"], r["key"])} for r in top]


def overdue(user: Any, area: Area, limit: int = 20):
    return list(scoping.under(scoping.scoped(Case, user), area).filter(state__in=OPEN, light="red")
                .select_related("category").order_by("due_at", "id")[:limit])
