"""The case loop as one table (`gongzhi.workflow`): for each action, the states it starts from,
the state it leads to, the roles that may take it, the step whose deadline then starts, and one
function for what it changes. `act` is the only way a case changes state, whoever takes the
action: staff on the page or the API, the resident rating it (`tracking.rate`), another process
a case was referred to (`links`), the demo's replay of a synthetic history (`workflow.take`).

reported → accepted → dispatched → handled → verified → closed → evaluated; also rejected
(from reported, with a reason), self_resolved (a grid worker settles it on the spot), merged
(into an earlier case of the same matter) and referred (waiting on another process, its clock
stopped, until that process resumes or concludes it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongzhi.accounts import scoping
from gongzhi.common import actors
from gongzhi.workflow import engine
from gongzhi.workflow.table import Flow, Move, Transition, WorkflowError

from . import deadlines, notices, rates
from .models import OPEN_STATES, Case, CaseEvent, CaseState, Satisfaction

S = CaseState
__all__ = ["ACTION_LABELS", "EVENT_LABELS", "FLOW", "LEVELS_UP", "OPEN", "TRANSITIONS", "WorkflowError", "act",
           "allowed", "label"]

OPEN = frozenset(OPEN_STATES)  # reported, accepted, dispatched, handled, verified
LEVELS_UP = {"grid": "community", "community": "subdistrict", "subdistrict": "district"}
DESKS = frozenset({"dispatcher", "community_worker"})  # who accepts, closes and refers cases


# --- what each action changes (pure: the record in memory, no database) ---------------------

def _dispatch(move: Move) -> None:
    department = move.params.get("department")
    if department is None or not department.is_active:
        raise WorkflowError(_("请选择承办部门"))
    move.record.department_id = department.pk
    move.data["department"] = department.pk


def _evaluate(move: Move) -> None:
    satisfaction = move.params.get("satisfaction", "")
    if satisfaction not in Satisfaction.values:
        raise WorkflowError(_("请选择评价：满意、基本满意或不满意"))
    move.record.satisfaction = satisfaction
    move.data["satisfaction"] = satisfaction
    if actors.is_resident(move.actor):
        move.data["by"] = "reporter"


def _escalate(move: Move) -> None:
    case = move.record
    if case.level not in LEVELS_UP:
        raise WorkflowError(_("区级事件不能再上报"))
    move.data["level"] = [case.level, LEVELS_UP[case.level]]
    case.level, case.department_id = LEVELS_UP[case.level], None


def _return(move: Move) -> None:
    move.data["department"] = move.record.department_id
    move.record.department_id = None


def _merge(move: Move) -> None:
    target = move.params.get("into")
    if target is None or target.pk == move.record.pk or target.state not in OPEN:
        raise WorkflowError(_("请选择一个仍在办理中的事件合并到"))
    move.record.duplicate_of_id = target.pk
    move.data["into"] = target.number


def _merge_target(actor: Any, case: Case, params: dict[str, Any]) -> dict[str, Any]:
    """The case to merge into, read through the actor's scope (None if they may not see it)."""
    into = params.get("into")
    params["into"] = scoping.scoped(Case, actor).filter(pk=getattr(into, "pk", None)).first()
    return params


def _reopen(move: Move) -> None:
    if move.record.satisfaction != Satisfaction.UNSATISFIED:
        raise WorkflowError(_("只有评价不满意的事件可以重办"))


def _request_extension(move: Move) -> None:
    case, until = move.record, move.params.get("until")
    if until is None or case.due_at is None or until <= case.due_at:
        raise WorkflowError(_("延期后的时限应晚于现时限"))
    case.extension_until = until
    move.data["until"] = until.isoformat()


def _approve_extension(move: Move) -> None:
    case = move.record
    if case.extension_until is None:
        raise WorkflowError(_("没有待批准的延期申请"))
    move.data["until"] = case.extension_until.isoformat()
    case.due_at, case.extension_until = case.extension_until, None
    case.warn_at = deadlines.warning_from(case.step_started_at, case.due_at, case.category.warn_at)
    case.light = deadlines.light(move.at, case.warn_at, case.due_at)


def _referral(move: Move) -> None:
    """What the case waits on (refer) or what ended (resume, conclude): the process and its id."""
    process, ref = move.params.get("process", ""), move.params.get("ref")
    if process not in PROCESSES or ref is None:
        raise WorkflowError(_("请说明转办到哪一项工作"))
    move.data[process] = ref


def _refer(move: Move) -> None:
    """Off the department's desk too: whoever resumes it dispatches it again."""
    _referral(move)
    if move.record.department_id is not None:
        move.data["department"] = move.record.department_id
        move.record.department_id = None


# The processes a case can wait on, as its history names them.
PROCESSES = {"topic": gettext_lazy("议题")}


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.REPORTED}), S.ACCEPTED, DESKS, step="dispatch"),
    "reject": Transition(frozenset({S.REPORTED}), S.REJECTED, DESKS, needs_note=True),
    "self_resolve": Transition(frozenset({S.REPORTED}), S.SELF_RESOLVED, frozenset({"grid_worker"}),
                               needs_note=True),
    "dispatch": Transition(frozenset({S.ACCEPTED}), S.DISPATCHED, frozenset({"dispatcher"}), step="handle",
                           change=_dispatch),
    "handle": Transition(frozenset({S.DISPATCHED}), S.HANDLED, frozenset({"handler", "community_worker"}),
                         needs_note=True),
    "verify": Transition(frozenset({S.HANDLED}), S.VERIFIED, frozenset({"grid_worker", "community_worker"})),
    "close": Transition(frozenset({S.VERIFIED}), S.CLOSED, DESKS),
    # Staff record a rating given to them; the reporter rates with their case's code.
    "evaluate": Transition(frozenset({S.CLOSED}), S.EVALUATED, DESKS, change=_evaluate, residents=True,
                           refused=gettext_lazy("事件办结后才能评价")),
    # A level that cannot resolve it passes it up: grid → community → subdistrict → district.
    "escalate": Transition(frozenset({S.REPORTED, S.ACCEPTED, S.DISPATCHED}), S.ACCEPTED,
                           frozenset({"grid_worker", "community_worker", "dispatcher", "handler"}), step="dispatch",
                           needs_note=True, change=_escalate),
    # Sent to the wrong department: back to the dispatcher, with the reason.
    "return": Transition(frozenset({S.DISPATCHED}), S.ACCEPTED, frozenset({"handler"}), step="dispatch",
                         needs_note=True, change=_return),
    "request_extension": Transition(frozenset({S.DISPATCHED}), None, frozenset({"handler", "community_worker"}),
                                    needs_note=True, change=_request_extension),
    "approve_extension": Transition(frozenset({S.DISPATCHED}), None, frozenset({"dispatcher"}),
                                    change=_approve_extension),
    "supervise": Transition(OPEN, None, frozenset({"leader", "dispatcher"}), needs_note=True),
    "urge": Transition(OPEN, None, frozenset({"leader", "dispatcher"})),
    # After an unsatisfied rating the case is handled again.
    "reopen": Transition(frozenset({S.EVALUATED}), S.ACCEPTED, frozenset({"dispatcher"}), step="dispatch",
                         needs_note=True, change=_reopen),
    # The same matter reported twice: the later case is closed into the earlier one.
    "merge": Transition(frozenset({S.REPORTED, S.ACCEPTED}), S.MERGED, DESKS, change=_merge,
                        resolve=_merge_target),
    # Handed to another process (links.refer): no clock runs while it waits. That process ends by
    # settling the matter (conclude: the case is closed by it) or not (resume: back to the desk,
    # whose dispatch deadline starts again).
    "refer": Transition(frozenset({S.REPORTED, S.ACCEPTED, S.DISPATCHED}), S.REFERRED, DESKS, change=_refer,
                        offered=False),
    "resume": Transition(frozenset({S.REFERRED}), S.ACCEPTED, DESKS, step="dispatch", change=_referral,
                         offered=False),
    "conclude": Transition(frozenset({S.REFERRED}), S.CLOSED, DESKS, change=_referral, offered=False),
}


class CaseFlow(Flow):
    transitions = TRANSITIONS
    closing = frozenset({S.CLOSED, S.REJECTED, S.SELF_RESOLVED, S.MERGED})
    noun = gettext_lazy("事件")

    def label(self, action: str) -> str:
        return label(action)

    def lock(self, actor: Any, record: Case) -> Case:
        cases = Case.objects.select_for_update().select_related("category")
        if actors.is_system(actor):
            return cases.unscoped().get(pk=record.pk)  # a command or another process's end
        if actors.is_resident(actor):  # the reporter, proven by the case's number and code
            return _reporters_case(cases, actor, record)
        return scoping.get_in_scope_or_404(cases, actor, pk=record.pk)

    def start(self, move: Move, step: str) -> None:
        case, category = move.record, move.record.category
        amount, unit = getattr(category, f"{step}_within"), getattr(category, f"{step}_unit")
        case.due_at = (move.clock or deadlines.deadline)(move.at, amount, unit)
        case.warn_at = deadlines.warning_from(move.at, case.due_at, category.warn_at)

    def record_data(self, move: Move) -> None:
        # The event keeps what its rollup counts depend on, so that rollups.rebuild() can
        # recount them from the events alone: whether the step it ends kept its deadline, and
        # the department holding the case (a dispatch names the department it sends to).
        if move.ending_due is not None:
            move.data["on_time"] = move.at <= move.ending_due
        if move.record.department_id is not None:
            move.data.setdefault("department", move.record.department_id)

    def event(self, move: Move) -> CaseEvent:
        return CaseEvent(case=move.record, at=move.at, actor=actors.user_or_none(move.actor),
                         actor_name=actors.name(move.actor), action=move.action, from_state=move.source,
                         to_state=move.record.state, note=move.note[:5000], data=move.data)

    def after(self, move: Move) -> None:
        case = move.record
        rates.count(case, move.at, **rates.for_action(case, move.action, move.at, move.ending_due, move.source))
        notices.after(case, move.action)


def _reporters_case(cases: Any, actor: Any, record: Case) -> Case:
    found = cases.unscoped().filter(pk=record.pk, number=actor.case_number).first()
    if found is None:
        from django.http import Http404

        raise Http404("No case matches the given query.")
    return found


FLOW = CaseFlow()


def allowed(user: Any, case: Case) -> list[str]:
    """The actions this user may take on this case now (for the buttons a page shows)."""
    return engine.allowed(FLOW, user, case)


def act(*, actor: Any, case: Case, action: str, note: str = "", **params: Any) -> Case:
    """Takes `action` on the case (input: department, satisfaction, until, into; process and ref
    for a referral). Missing or out of scope: 404; a role that may not: 403; a state that does
    not allow it, or missing input: WorkflowError."""
    return engine.act(FLOW, actor=actor, record=case, action=action, note=note, **params)


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
    "refer": pgettext_lazy("action", "转办"),
    "resume": pgettext_lazy("action", "恢复办理"),
    "conclude": pgettext_lazy("action", "转办办结"),
}
# What a history says of its steps that are not actions a user takes (gettext_lazy by its own
# name: makemessages does not know an alias such as _lazy, and would miss these words).
EVENT_LABELS = {"report": pgettext_lazy("action", "上报"), "warning": gettext_lazy("时限预警"),
                "overdue": gettext_lazy("超期"), "photo": gettext_lazy("添加照片"),
                "topic": gettext_lazy("转为议题")}


def label(action: str) -> str:
    """The words a case's history shows for one of its events."""
    return str(ACTION_LABELS.get(action) or EVENT_LABELS.get(action, action))
