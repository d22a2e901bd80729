"""What the deliberation pages share. Who may read (DELIBERATION_ROLES) and who may act
(scope.KEEPERS) is checked before a row is looked up, so a refused role gets 403 whatever it
names and a row out of scope 404, as accounts/access.py declares. A refusal of the rules
(DeliberationError) becomes a message on the page the user came from; nothing is changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.areas.models import Area

from .models import DELIBERATION_ROLES, DeliberationError
from .scope import KEEPERS

# A list shows this many rows and says when there are more (narrow the filters to see them).
LIMIT = 200


def reads(user: Any) -> None:
    if not scoping.roles(user) & DELIBERATION_ROLES:
        raise PermissionDenied


def keeps(user: Any, row: Any = None) -> bool:
    """Whether the user keeps deliberation records (of `row`'s community, when given: a user
    may read a community's topics through one role and keep another's through another)."""
    if not scoping.roles(user) & KEEPERS:
        return False
    return row is None or scoping.restrict(type(row).objects.filter(pk=row.pk), user, KEEPERS).exists()


def require_keeper(user: Any) -> None:
    if not keeps(user):
        raise PermissionDenied


def kept(user: Any, queryset: Any, **lookup: Any) -> Any:
    """The row an action names, where the user keeps records: 403 without a keeper role, 404
    outside the scope of their keeper roles (a row they only read through another is not theirs
    to change)."""
    require_keeper(user)
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    return scoping.get_in_scope_or_404(scoping.restrict(queryset, user, KEEPERS), user, **lookup)


def communities(user: Any) -> QuerySet[Area]:
    """The communities in the user's scope (where councils, topics and disclosures live)."""
    return scoping.scoped(Area, user).filter(level="community").order_by("code")


def community(user: Any, code: str) -> Area:
    """A community the user holds, by its code: 404 for another, as for a missing one."""
    return scoping.get_in_scope_or_404(Area, user, code=(code or "").strip(), level="community")


def when(text: str, label: str) -> dt.datetime:
    """A datetime-local field's value as an aware datetime, or a refusal naming the field."""
    try:
        value = parse_datetime((text or "").strip())
    except ValueError:  # well formed, not a date (month 13)
        value = None
    if value is None:
        raise DeliberationError(_("请填写有效的%(f)s（日期和时间）") % {"f": label})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def day(text: str, label: str) -> dt.date:
    try:
        value = parse_date((text or "").strip())
    except ValueError:
        value = None
    if value is None:
        raise DeliberationError(_("请填写有效的%(f)s（年-月-日）") % {"f": label})
    return value


def number(text: str, label: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise DeliberationError(_("请选择%(f)s") % {"f": label}) from None


def attempt(request, call: Callable[[], Any], done: str) -> Any:
    """Runs one service call; its refusal becomes an error message, its success `done`."""
    try:
        result = call()
    except DeliberationError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, done)
    return result if result is not None else True


def act(request, actions: dict, *args: Any) -> Any:
    """The POSTed `action` looked up in `actions` (name → (call(request, *args), done)) and
    attempted; an unknown one is refused with a message."""
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("未知的操作"))
        return None
    call, done = action
    return attempt(request, lambda: call(request, *args), done)


def created(request, call: Callable[[], Any], done: str, *, listing: str, page: str):
    """After a form that makes a row: its page, or the list again with the refusal's message."""
    row = attempt(request, call, done)
    return redirect(page, pk=row.pk) if row is not None else redirect(listing)


def listing(request, template: str, rows: QuerySet, chosen: dict, **context: Any):
    """A list page: the rows (narrowed to the chosen community, cut at LIMIT), the user's
    communities for the filter and the new-row form, and whether the user keeps records."""
    if chosen.get("community"):
        rows = scoping.under(rows, chosen["community"])
    rows, truncated = cut(rows)
    return render(request, template, {"rows": rows, "truncated": truncated, "chosen": chosen,
                                      "communities": communities(request.user), "keeps": keeps(request.user),
                                      **context})


def cut(queryset: QuerySet) -> tuple[list, bool]:
    """The first LIMIT rows and whether there were more."""
    rows = list(queryset[: LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT
