"""The cases in the staff workbench: my inbox (earliest deadline first, lights, counts by
state, filters, keyset pages) and a case's page (its facts, its history, and the actions this
user may take now, as forms). Views parse input and call inbox, workflow and routing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.accounts import scoping
from gongzhi.orgs.models import Department

from . import inbox, routing, workflow
from .models import CASE_ROLES, Case, CaseEvent, CaseState, Category, Channel, Satisfaction

FILTERS = ("state", "category", "light", "channel")
# What the history says of steps that are not actions a user takes.
EVENT_LABELS = {"report": pgettext_lazy("action", "上报"), "warning": _lazy("时限预警"), "overdue": _lazy("超期")}


def _history(case: Case) -> list[dict]:
    states = dict(CaseState.choices)
    return [{"at": e.at, "actor": e.actor_name, "note": e.note,
             "action": workflow.ACTION_LABELS.get(e.action) or EVENT_LABELS.get(e.action, e.action),
             "state": states.get(e.to_state, "") if e.to_state and e.to_state != e.from_state else ""}
            for e in CaseEvent.objects.filter(case=case).order_by("at", "id")]


def _works_cases(user) -> None:
    if not scoping.roles(user) & CASE_ROLES:
        raise PermissionDenied


@login_required
def inbox_view(request):
    _works_cases(request.user)
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    rows, cursor = inbox.page(inbox.inbox(request.user, **chosen), after=request.GET.get("after", ""))
    return render(request, "cases/inbox.html", {
        "cases": rows, "next_cursor": cursor, "chosen": chosen, "counts": inbox.counts(request.user),
        "states": [(value, label) for value, label in CaseState.choices if value in inbox.states_for(request.user)],
        "channels": Channel.choices, "lights": [("red", _("超期")), ("yellow", _("预警")), ("green", _("正常"))],
        "categories": Category.objects.filter(parent__isnull=False, is_active=True).order_by("parent__code", "code"),
        "now": timezone.now()})


def _case(request, number: str) -> Case:
    return scoping.get_in_scope_or_404(Case.objects.select_related("category__parent", "department", "address"),
                                       request.user, number=number)


@login_required
def case_view(request, number: str):
    _works_cases(request.user)
    case = _case(request, number)
    actions = workflow.allowed(request.user, case)
    suggested = routing.suggest(case.category, case.area_id) if "dispatch" in actions else None
    return render(request, "cases/case.html", {
        "case": case, "events": _history(case),
        "actions": [{"name": a, "label": workflow.ACTION_LABELS[a], "needs_note": workflow.TRANSITIONS[a].needs_note}
                    for a in actions],
        "departments": scoping.scoped(Department, request.user).filter(is_active=True).order_by("name")
        if "dispatch" in actions else [],
        "suggested": suggested, "satisfactions": Satisfaction.choices,
        # Linked records show only as far as this user may see them in the register.
        "people": scoping.restrict(case.people.all(), request.user),
        "houses": scoping.restrict(case.houses.select_related("address"), request.user),
        "entities": scoping.restrict(case.entities.all(), request.user)})


@login_required
@require_POST
def act_view(request, number: str):
    _works_cases(request.user)
    case = _case(request, number)
    action = request.POST.get("action", "")
    department = into = until = None
    try:
        if request.POST.get("department"):
            department = scoping.get_in_scope_or_404(Department, request.user, pk=int(request.POST["department"]))
        if request.POST.get("into"):
            into = _case(request, request.POST["into"].strip())
        if request.POST.get("until"):
            until = parse_datetime(request.POST["until"])
            if until is None:
                raise workflow.WorkflowError(_("请填写有效的日期时间"))
            until = timezone.make_aware(until) if timezone.is_naive(until) else until
        workflow.act(actor=request.user, case=case, action=action, note=request.POST.get("note", ""),
                     department=department, satisfaction=request.POST.get("satisfaction", ""), until=until,
                     into=into)
    except (workflow.WorkflowError, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已%(a)s") % {"a": workflow.ACTION_LABELS.get(action, action)})
    return redirect("workbench:case", number=case.number)


