"""Taking an action. `take` is the rule itself, on a record in memory: guard, change, the state,
the clock of the step that starts, the event's data. `act` wraps it for a user's request: the
lock through scope, the role, the save, the event and the domain's hooks, in one outermost
transaction. The demo's replay of a synthetic history calls `take` on its records, so the loop
is written once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.common import actors

from .table import Flow, Move, Transition, WorkflowError

Clock = Callable[[dt.datetime, int, str], dt.datetime]


def transition_of(flow: Flow, action: str, *, internal: bool = True) -> Transition:
    """The action's transition; one not `offered` is unknown to a page or the API."""
    transition = flow.transitions.get(action)
    if transition is None or not (transition.offered or internal):
        raise WorkflowError(_("未知的操作“%(a)s”") % {"a": action})
    return transition


def may(actor: Any, transition: Transition) -> bool:
    """Whether this actor may take this kind of action at all: the system always (commands,
    the demo), a resident where the table says so, staff by role."""
    if actors.is_system(actor):
        return True
    if actors.is_resident(actor):
        return transition.residents
    return bool(scoping.roles(actor) & transition.roles)


def allowed(flow: Flow, actor: Any, record: Any) -> list[str]:
    """The actions this actor may take on this record now (the buttons a page shows)."""
    return [name for name, t in flow.transitions.items()
            if t.offered and record.state in t.sources and may(actor, t)]


def take(flow: Flow, record: Any, action: str, *, actor: Any, at: dt.datetime, note: str = "",
         clock: Clock | None = None, **params: Any) -> Move:
    """Takes `action` on `record` in memory at `at` and returns the move (the event to write).
    WorkflowError when the state or the input does not allow it; the record is then unchanged
    only if the error came before `change` (callers roll back or drop the record)."""
    transition = transition_of(flow, action)
    if record.state not in transition.sources:
        if transition.refused:
            raise WorkflowError(str(transition.refused))
        raise WorkflowError(_("%(noun)s处于“%(s)s”状态，不能%(a)s") % {
            "noun": flow.noun, "s": record.get_state_display(), "a": flow.label(action)})
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise WorkflowError(_("请填写说明"))
    move = Move(action=action, transition=transition, record=record, actor=actor, at=at, note=note,
                params=params, source=record.state, ending_due=record.due_at, clock=clock)
    if transition.change is not None:
        transition.change(move)
    if transition.target is None:
        return move
    record.state = transition.target
    record.step_started_at = at
    record.light = "green"
    if transition.step:
        flow.start(move, transition.step)
    else:
        record.due_at = record.warn_at = None
    if transition.target in flow.closing:
        record.closed_at = at
    flow.record_data(move)
    return move


def act(flow: Flow, *, actor: Any, record: Any, action: str, note: str = "", internal: bool = False,
        **params: Any) -> Any:
    """Takes `action` for `actor` now, in its own transaction (the outermost: the event and the
    hooks commit with the change or not at all). Missing or out of scope: 404; a role that may
    not: 403; a state or input that does not allow it: WorkflowError. `internal`: another
    process's service takes an action no page offers."""
    with transaction.atomic(durable=True):
        return act_within(flow, actor=actor, record=record, action=action, note=note, internal=internal, **params)


def act_within(flow: Flow, *, actor: Any, record: Any, action: str, note: str = "", internal: bool = False,
               **params: Any) -> Any:
    """`act` as one step of a larger service's transaction (a case turned into a topic, say),
    which commits or rolls back the whole."""
    if not connection.in_atomic_block:
        raise RuntimeError("act_within runs inside the caller's transaction; use act otherwise")
    actor = actors.require(actor)
    transition = transition_of(flow, action, internal=internal)
    locked = flow.lock(actor, record)
    if not may(actor, transition):
        raise PermissionDenied(_("您的角色不能对%(noun)s执行此操作") % {"noun": flow.noun})
    if transition.resolve is not None and locked.state in transition.sources:
        params = transition.resolve(actor, locked, dict(params))
    move = take(flow, locked, action, actor=actor, at=timezone.now(), note=note, **params)
    locked.save()
    flow.event(move).save()
    flow.after(move)
    return locked
