"""The case loop as one table: for each action, the states it starts from, the state it leads
to, the roles that may take it, and the step whose deadline then starts. `act` is the only way
a case changes state: it locks the row, checks the table and the actor's role and scope, changes
the case and writes its CaseEvent in one transaction, and queues notifications for after the
commit.

reported → accepted → dispatched → handled → verified → closed → evaluated; also rejected
(from reported, with a reason) and self_resolved (a grid worker settles it on the spot)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongzhi.accounts import scoping

from . import deadlines, notices, rates
from .models import OPEN_STATES, Case, CaseEvent, CaseState, Satisfaction

S = CaseState


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the state stays (pressure, extension requests)
    roles: frozenset[str]
    step: str | None = None  # the step whose deadline starts: "dispatch" or "handle"
    needs_note: bool = False


OPEN = frozenset(OPEN_STATES)  # reported, accepted, dispatched, handled, verified
LEVELS_UP = {"grid": "community", "community": "subdistrict", "subdistrict": "district"}


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.REPORTED}), S.ACCEPTED, frozenset({"dispatcher", "community_worker"}),
                         step="dispatch"),
    "reject": Transition(frozenset({S.REPORTED}), S.REJECTED, frozenset({"dispatcher", "community_worker"}),
                         needs_note=True),
    "self_resolve": Transition(frozenset({S.REPORTED}), S.SELF_RESOLVED, frozenset({"grid_worker"}),
                               needs_note=True),
    "dispatch": Transition(frozenset({S.ACCEPTED}), S.DISPATCHED, frozenset({"dispatcher"}), step="handle"),
    "handle": Transition(frozenset({S.DISPATCHED}), S.HANDLED, frozenset({"handler", "community_worker"}),
                         needs_note=True),
    "verify": Transition(frozenset({S.HANDLED}), S.VERIFIED, frozenset({"grid_worker", "community_worker"})),
    "close": Transition(frozenset({S.VERIFIED}), S.CLOSED, frozenset({"dispatcher", "community_worker"})),
    "evaluate": Transition(frozenset({S.CLOSED}), S.EVALUATED, frozenset({"dispatcher", "community_worker"})),
    # A level that cannot resolve it passes it up: grid → community → subdistrict → district.
    "escalate": Transition(frozenset({S.REPORTED, S.ACCEPTED, S.DISPATCHED}), S.ACCEPTED,
                           frozenset({"grid_worker", "community_worker", "dispatcher", "handler"}), step="dispatch",
                           needs_note=True),
    # Sent to the wrong department: back to the dispatcher, with the reason.
    "return": Transition(frozenset({S.DISPATCHED}), S.ACCEPTED, frozenset({"handler"}), step="dispatch",
                         needs_note=True),
    "request_extension": Transition(frozenset({S.DISPATCHED}), None, frozenset({"handler", "community_worker"}),
                                    needs_note=True),
    "approve_extension": Transition(frozenset({S.DISPATCHED}), None, frozenset({"dispatcher"})),
    "supervise": Transition(OPEN, None, frozenset({"leader", "dispatcher"}), needs_note=True),
    "urge": Transition(OPEN, None, frozenset({"leader", "dispatcher"})),
    # After an unsatisfied rating the case is handled again.
    "reopen": Transition(frozenset({S.EVALUATED}), S.ACCEPTED, frozenset({"dispatcher"}), step="dispatch",
                         needs_note=True),
    # The same matter reported twice: the later case is closed into the earlier one.
    "merge": Transition(frozenset({S.REPORTED, S.ACCEPTED}), S.MERGED, frozenset({"dispatcher", "community_worker"})),
}


class WorkflowError(ValueError):
    """An action the case's state or the input does not allow; says why, for the user."""


def allowed(user: Any, case: Case) -> list[str]:
    """The actions this user may take on this case now (for the buttons a page shows)."""
    roles = scoping.roles(user)
    return [name for name, t in TRANSITIONS.items() if case.state in t.sources and roles & t.roles]


def act(*, actor: Any, case: Case, action: str, note: str = "", department=None,
        satisfaction: str = "", until=None, into: Case | None = None) -> Case:
    """Takes `action` on the case. Missing or out of scope: 404; a role that may not: 403;
    a state that does not allow it, or missing input: WorkflowError."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(_("未知的操作“%(a)s”") % {"a": action})
    with transaction.atomic():
        locked = scoping.get_in_scope_or_404(Case.objects.select_for_update(), actor, pk=case.pk)
        if not scoping.roles(actor) & transition.roles:
            raise PermissionDenied(_("您的角色不能对事件执行此操作"))
        if locked.state not in transition.sources:
            raise WorkflowError(_("事件处于“%(s)s”状态，不能%(a)s") % {
                "s": locked.get_state_display(), "a": ACTION_LABELS.get(action, action)})
        note = (note or "").strip()
        if transition.needs_note and not note:
            raise WorkflowError(_("请填写说明"))
        data: dict[str, Any] = {}
        now = timezone.now()
        if action == "dispatch":
            if department is None or not department.is_active:
                raise WorkflowError(_("请选择承办部门"))
            locked.department = department
            data["department"] = department.pk
        if action == "evaluate":
            if satisfaction not in Satisfaction.values:
                raise WorkflowError(_("请选择评价：满意、基本满意或不满意"))
            locked.satisfaction = satisfaction
            data["satisfaction"] = satisfaction
        if action == "escalate":
            if locked.level not in LEVELS_UP:
                raise WorkflowError(_("区级事件不能再上报"))
            data["level"] = [locked.level, LEVELS_UP[locked.level]]
            locked.level, locked.department = LEVELS_UP[locked.level], None
        if action == "return":
            data["department"] = locked.department_id
            locked.department = None
        if action == "merge":
            target = scoping.scoped(Case, actor).filter(pk=getattr(into, "pk", None)).first()
            if target is None or target.pk == locked.pk or target.state not in OPEN:
                raise WorkflowError(_("请选择一个仍在办理中的事件合并到"))
            locked.duplicate_of = target
            data["into"] = target.number
        if action == "reopen" and locked.satisfaction != Satisfaction.UNSATISFIED:
            raise WorkflowError(_("只有评价不满意的事件可以重办"))
        if action == "request_extension":
            if until is None or locked.due_at is None or until <= locked.due_at:
                raise WorkflowError(_("延期后的时限应晚于现时限"))
            locked.extension_until = until
            data["until"] = until.isoformat()
        if action == "approve_extension":
            if locked.extension_until is None:
                raise WorkflowError(_("没有待批准的延期申请"))
            data["until"] = locked.extension_until.isoformat()
            locked.due_at, locked.extension_until = locked.extension_until, None
            locked.warn_at = deadlines.warning_from(locked.step_started_at, locked.due_at, locked.category.warn_at)
            locked.light = deadlines.light(now, locked.warn_at, locked.due_at)
        source = locked.state
        ending_due = locked.due_at  # the deadline of the step this action ends
        if transition.target is None:
            locked.save()
            CaseEvent.objects.create(case=locked, at=now, actor=actor, actor_name=actor.get_username(),
                                     action=action, from_state=source, to_state=source, note=note[:5000], data=data)
            notices.after(locked, action)
            return locked
        locked.state = transition.target
        locked.step_started_at = now
        locked.light = "green"
        if transition.step:
            category = locked.category
            amount, unit = {"dispatch": (category.dispatch_within, category.dispatch_unit),
                            "handle": (category.handle_within, category.handle_unit)}[transition.step]
            locked.due_at = deadlines.deadline(now, amount, unit)
            locked.warn_at = deadlines.warning_from(now, locked.due_at, category.warn_at)
        else:
            locked.due_at = locked.warn_at = None
        if transition.target in {S.CLOSED, S.REJECTED, S.SELF_RESOLVED, S.MERGED}:
            locked.closed_at = now
        locked.save()
        # The event keeps what its rollup counts depend on, so that rollups.rebuild() can
        # recount them from the events alone: whether the step it ends kept its deadline, and
        # the department holding the case (a dispatch names the department it sends to).
        if ending_due is not None:
            data["on_time"] = now <= ending_due
        if locked.department_id is not None:
            data.setdefault("department", locked.department_id)
        CaseEvent.objects.create(case=locked, at=now, actor=actor, actor_name=actor.get_username(), action=action,
                                 from_state=source, to_state=locked.state, note=note[:5000], data=data)
        rates.count(locked, now, **rates.for_action(locked, action, now, ending_due))
        notices.after(locked, action)
    return locked


ACTION_LABELS = {  # verbs for buttons and messages (context "action": the same words are also states)
    "accept": pgettext_lazy("action", "受理"),
    "reject": pgettext_lazy("action", "不予受理"),
    "self_resolve": pgettext_lazy("action", "自办结"),
    "dispatch": pgettext_lazy("action", "派遣"),
    "handle": pgettext_lazy("action", "处置"),
    "verify": pgettext_lazy("action", "核查"),
    "close": pgettext_lazy("action", "结案"),
    "evaluate": pgettext_lazy("action", "评价"),
    "escalate": pgettext_lazy("action", "上报上级"),
    "return": pgettext_lazy("action", "退单"),
    "request_extension": pgettext_lazy("action", "申请延期"),
    "approve_extension": pgettext_lazy("action", "批准延期"),
    "supervise": pgettext_lazy("action", "督办"),
    "urge": pgettext_lazy("action", "催办"),
    "reopen": pgettext_lazy("action", "重办"),
    "merge": pgettext_lazy("action", "合并"),
}
# What a history says of its steps that are not actions a user takes (gettext_lazy by its own
# name: makemessages does not know an alias such as _lazy, and would miss these words).
EVENT_LABELS = {"report": pgettext_lazy("action", "上报"), "warning": gettext_lazy("时限预警"),
                "overdue": gettext_lazy("超期"), "photo": gettext_lazy("添加照片"),
                "topic": gettext_lazy("转为议题")}


def label(action: str) -> str:
    """The words a case's history shows for one of its events."""
    return str(ACTION_LABELS.get(action) or EVENT_LABELS.get(action, action))
