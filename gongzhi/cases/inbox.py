"""A user's queue: the cases in their scope that wait for an action their roles may take,
earliest deadline first, filterable, paged by key (never by offset)."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from gongzhi.accounts import scoping

from .models import Case
from .workflow import TRANSITIONS

# Actions whose waiting cases make up an inbox (pressure and extensions do not).
WORK = ("accept", "reject", "self_resolve", "dispatch", "handle", "verify", "close", "evaluate")


def states_for(user: Any) -> set[str]:
    roles = scoping.roles(user)
    return {state for name in WORK for state in TRANSITIONS[name].sources if roles & TRANSITIONS[name].roles}


def inbox(user: Any, *, state: str = "", category: str = "", area: str = "", channel: str = "",
          light: str = ""):
    """The ordered queryset (earliest deadline first, then oldest); the caller pages it."""
    cases = scoping.scoped(Case, user).filter(state__in=states_for(user))
    if state:
        cases = cases.filter(state=state)
    if category:
        cases = cases.filter(category__code=category)
    if area:
        cases = scoping.under(cases, area)
    if channel:
        cases = cases.filter(channel=channel)
    if light:
        cases = cases.filter(light=light)
    return cases.select_related("category", "category__parent").order_by(F("due_at").asc(nulls_last=True), "id")


def counts(user: Any) -> dict[str, int]:
    """How many cases wait in each state of the user's inbox (for the tabs above the list)."""
    from django.db.models import Count

    rows = scoping.scoped(Case, user).filter(state__in=states_for(user)).order_by().values("state")
    return {row["state"]: row["n"] for row in rows.annotate(n=Count("id"))}


def page(cases, *, after: str = "", size: int = 50):
    """One page of an inbox in its order (deadline, then id), after the cursor `after`
    ("<deadline ISO or ->|<id>" of the last case seen). Returns (cases, next cursor or None)."""
    import datetime as dt

    from django.db.models import Q

    size = max(1, min(size, 200))
    if after:
        stamp, _sep, last_id = after.partition("|")
        last_id = int(last_id) if last_id.isascii() and last_id.isdigit() else 0  # not "²", which int() refuses
        if stamp == "-":
            cases = cases.filter(due_at__isnull=True, id__gt=last_id)
        else:
            try:
                due = dt.datetime.fromisoformat(stamp.replace(" ", "+"))  # a "+" read from a URL as a space
            except ValueError:
                due = None
            if due is not None:
                cases = cases.filter(Q(due_at__gt=due) | Q(due_at=due, id__gt=last_id) | Q(due_at__isnull=True))
    rows = list(cases[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    cursor = None
    if more and rows:
        last = rows[-1]
        cursor = f"{last.due_at.isoformat() if last.due_at else '-'}|{last.pk}"
    return rows, cursor
