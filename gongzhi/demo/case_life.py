"""One synthetic case from its report to where it stands now: the steps of the loop taken by
`workflow.take`, the loop's own rule (the same states, deadlines, event data and changes as a
user's action through `workflow.act`), with the sweep's warning and overdue events, drawn at
random but plausibly: most steps in time, some late, a few stuck for weeks. Events after `now`
have not happened yet, so a recent case is still open, in the state its last event left it in."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from gongzhi.cases import deadlines
from gongzhi.cases.models import CaseState as S
from gongzhi.cases.workflow import FLOW, LEVELS_UP, OPEN, TRANSITIONS
from gongzhi.common.actors import ResidentActor
from gongzhi.workcalendar.units import LimitUnit
from gongzhi.workflow.engine import take
from gongzhi.workflow.table import Move

MINUTE = dt.timedelta(minutes=1)

NOTES = {
    "reject": ("不属于受理范围，已告知反映人", "重复反映，已答复", "信息不全，无法核实"),
    "self_resolve": ("已现场劝导整改", "已当场处理完毕", "已协调物业处理"),
    "handle": ("已安排人员现场处置完毕", "已整改到位", "已联系责任单位处理", "已调解，双方达成一致"),
    "escalate": ("本级无法处置，提请上级协调", "涉及多个部门，需上级统筹"),
    "return": ("非本单位职责，请重新派遣", "事发地不在本辖区"),
    "request_extension": ("需协调多方，申请延期", "等待材料到位，申请延期"),
    "supervise": ("请加快办理，按期反馈", "群众反映强烈，请优先处置"),
    "reopen": ("居民不满意，重新办理",),
}


_deadlines: dict[tuple, dt.datetime] = {}


def _deadline(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """deadlines.deadline, remembered: step starts fall on whole minutes, and a day's cases
    share most of them; a limit in working days ends at the close of office of a day that
    depends only on the starting day."""
    key = (start.date(), amount) if unit == LimitUnit.WORK_DAYS else (start, amount, unit)
    found = _deadlines.get(key)
    if found is None:
        if len(_deadlines) > 1 << 18:
            _deadlines.clear()
        found = _deadlines[key] = deadlines.deadline(start, amount, unit)
    return found


def forget_deadlines() -> None:
    """The calendar or office hours may have changed since the last seed."""
    _deadlines.clear()


_encoded: dict[tuple, str] = {}


def _json(data: dict) -> str:
    """json.dumps of an event's data, remembered for the few shapes most events share."""
    try:
        key = tuple(data.items())
        found = _encoded.get(key)
    except TypeError:  # a list inside (an escalation's levels)
        return json.dumps(data)
    if found is None:
        found = json.dumps(data)
        if len(_encoded) < 1 << 16:
            _encoded[key] = found
    return found


@dataclass(frozen=True)
class Leaf:
    """A leaf category and its deadline policy (named as `cases.Category` names them: the loop's
    clock reads them from either)."""

    id: int
    code: str
    name: str
    top: str
    level: str
    accept_within: int
    accept_unit: str
    dispatch_within: int
    dispatch_unit: str
    handle_within: int
    handle_unit: str
    warn_at: int


class Unit(NamedTuple):
    """A department a case is dispatched to, as the loop's `dispatch` reads it."""

    pk: int
    is_active: bool = True


class Earlier(NamedTuple):
    """The case a duplicate is merged into, as the loop's `merge` reads it."""

    pk: int
    number: str
    state: str


REPORTER = ResidentActor("反映人")


@dataclass(frozen=True)
class Place:
    """A grid and the staff who work on its cases (user ids by username)."""

    grid: str
    community: str
    subdistrict: str
    district: str
    grid_worker: tuple[int, str] | None
    community_worker: tuple[int, str] | None
    dispatcher: tuple[int, str] | None
    district_dispatcher: tuple[int, str] | None
    leader: tuple[int, str] | None


@dataclass
class Plan:
    """What happens to a case, drawn before its life is played out."""

    outcome: str  # "loop", "self_resolve", "reject", "merge"
    units: list[tuple[int, tuple[int, str] | None]]  # (department id, its handler) in dispatch order
    returned: bool = False
    escalated_at_report: bool = False
    escalated_by_handler: bool = False
    extension: bool = False
    rated: bool = True
    by_reporter: bool = True
    satisfaction: str = "satisfied"
    reopened: bool = False
    stop_at: str = ""  # a showcase case stops in this state
    fast: bool = False  # showcase: every step soon after the last
    merge_into: tuple[int, str, list] | None = None  # (case id, number, its events)


@dataclass
class Life:
    """A case's events and its fields as they stand at `now`."""

    now: dt.datetime
    leaf: Leaf
    place: Place
    rng: random.Random
    events: list[tuple] = field(default_factory=list)
    state: str = S.REPORTED
    level: str = ""
    department_id: int | None = None
    step_started_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    warn_at: dt.datetime | None = None
    light: str = "green"
    extension_until: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    satisfaction: str = ""
    duplicate_of_id: int | None = None
    last: dt.datetime | None = None
    done: bool = False  # stopped: the next event would be after now (or a showcase's stop)
    pk = None  # not in the database yet

    @property
    def category(self) -> Leaf:
        return self.leaf

    def get_state_display(self) -> str:
        return str(S(self.state).label)

    # --- the sweep ---------------------------------------------------------------------------

    def sweep_until(self, moment: dt.datetime) -> None:
        """The lights the minute sweep turned before `moment` (and not after now)."""
        if self.due_at is None or self.state not in OPEN:
            return
        limit = min(moment, self.now)
        if self.light == "green" and self.warn_at < self.due_at and self.warn_at < limit:
            self._event(self.warn_at, None, "warning", self.state, self.state, "", {}, system=True)
            self.light = "yellow"
        if self.light != "red" and self.due_at < limit:
            self._event(self.due_at, None, "overdue", self.state, self.state, "", {}, system=True)
            self.light = "red"

    # --- events ------------------------------------------------------------------------------

    def _event(self, at, actor, action, from_state, to_state, note, data, *, system=False) -> None:
        if isinstance(actor, ResidentActor):
            actor = (None, actor.name)
        actor_id, actor_name = actor if actor else (None, "system" if system else "")
        self.events.append((at, actor_id, actor_name, action, from_state, to_state, note, data))
        self.last = max(self.last or at, at)

    def act(self, action: str, at: dt.datetime, actor: Any, *, note: str = "", **params: Any) -> bool:
        """Takes `action` at `at` if that is not after now; False (and stops) otherwise."""
        if self.done:
            return False
        at = max(at, self.last + MINUTE)
        if at > self.now:
            self.sweep_until(self.now)
            self.done = True
            return False
        self.sweep_until(at)
        if TRANSITIONS[action].needs_note and not note:
            note = self.rng.choice(NOTES[action])
        move = take(FLOW, self, action, actor=actor, at=at, note=note, clock=_deadline, **params)
        self._event(at, actor, action, move.source, self.state, move.note, move.data)
        return True

    def report(self, at: dt.datetime, actor, channel: str) -> None:
        self.level = self.leaf.level
        self.last = at
        self._event(at, actor, "report", "", S.REPORTED, "", {"channel": channel})
        self.step_started_at = at
        FLOW.start(Move("report", TRANSITIONS["accept"], self, actor, at, "", {}, clock=_deadline), "accept")

    # --- timing ------------------------------------------------------------------------------

    def when(self, *, late: float, stuck: float = 0.0, fast: bool = False) -> dt.datetime:
        """When the step in progress ends: mostly well in time, sometimes in the warning
        period, `late` of the time after its deadline, `stuck` of the time weeks after."""
        start, due = self.step_started_at, self.due_at
        if fast:
            return start + self.rng.randint(5, 40) * MINUTE
        span = due - start
        u = self.rng.random()
        if u < stuck:
            moment = due + dt.timedelta(days=self.rng.uniform(7, 60))
        elif u < stuck + late:
            moment = due + span * self.rng.uniform(0.05, 1.5) + self.rng.randint(1, 180) * MINUTE
        elif u < stuck + late + 0.08:
            moment = start + span * self.rng.uniform(self.leaf.warn_at / 100, 1)
        else:
            moment = start + span * self.rng.uniform(0.03, self.leaf.warn_at / 100)
        return _minute(moment)

    def after(self, low_minutes: int, high_minutes: int, fast: bool = False) -> dt.datetime:
        if fast:
            return self.last + self.rng.randint(5, 30) * MINUTE
        return self.last + self.rng.randint(low_minutes, high_minutes) * MINUTE


def _minute(moment: dt.datetime) -> dt.datetime:
    """The next whole minute (events are drawn to the minute, so that deadlines repeat)."""
    rounded = moment.replace(second=0, microsecond=0)
    return rounded if rounded == moment else rounded + MINUTE


def live(life: Life, plan: Plan, reported_at: dt.datetime, channel: str, reporter) -> Life:
    """Plays the plan out from the report until now (or the showcase's stop)."""
    place, rng, fast = life.place, life.rng, plan.fast
    life.report(reported_at, reporter, channel)

    def stop() -> bool:
        return life.done or (bool(plan.stop_at) and life.state == plan.stop_at)

    if stop():
        return _end(life)

    if plan.outcome == "self_resolve":
        life.act("self_resolve", life.after(5, 90, fast), place.grid_worker)
        return _end(life)
    if plan.outcome == "reject":
        life.act("reject", life.when(late=0.05, fast=fast), place.dispatcher)
        return _end(life)
    if plan.outcome == "merge":
        into_id, into_number, into_events = plan.merge_into
        at = life.after(10, 90, fast)
        state = _state_at(into_events, at)
        if state not in OPEN:  # the first was settled already: answered as such
            life.act("reject", at, place.dispatcher, note="重复反映，已答复")
        else:
            life.act("merge", at, place.dispatcher, into=Earlier(into_id, into_number, state))
        return _end(life)
    if plan.escalated_at_report:
        life.act("escalate", life.after(10, 120, fast), place.grid_worker)
    else:
        desk = place.community_worker if rng.random() < 0.2 else place.dispatcher
        life.act("accept", life.when(late=0.05, fast=fast), desk)
    rounds = 2 if plan.reopened else 1
    units = list(plan.units)
    for round_ in range(rounds):
        if stop():
            break
        if not _dispatch_and_handle(life, plan, units, round_, fast):
            break
        if stop():
            break
        verifier = place.grid_worker if rng.random() < 0.7 else place.community_worker
        life.act("verify", life.after(30, 48 * 60, fast), verifier)
        if stop():
            break
        life.act("close", life.after(20, 24 * 60, fast), place.dispatcher)
        if stop() or not plan.rated:
            break
        last_round = round_ == rounds - 1
        satisfaction = plan.satisfaction if last_round else "unsatisfied"
        at = life.after(120, 7 * 24 * 60, fast)
        if plan.by_reporter:
            life.act("evaluate", at, REPORTER, satisfaction=satisfaction)
        else:
            life.act("evaluate", at, place.dispatcher, satisfaction=satisfaction)
        if stop() or last_round:
            break
        life.act("reopen", life.after(60, 48 * 60, fast), place.dispatcher)
    return _end(life)


def _dispatch_and_handle(life: Life, plan: Plan, units: list, round_: int, fast: bool) -> bool:
    """accepted → dispatched → handled, with the plan's detours; False when stopped."""
    place, rng = life.place, life.rng
    desk = place.district_dispatcher if life.level == "district" and place.district_dispatcher else place.dispatcher
    unit, handler = units[0]
    if not life.act("dispatch", life.when(late=0.05, fast=fast), desk, department=Unit(unit)):
        return False
    if round_ == 0 and plan.returned and len(units) > 1:
        if not life.act("return", life.after(30, 24 * 60, fast), handler):
            return False
        units.pop(0)
        unit, handler = units[0]
        if not life.act("dispatch", life.when(late=0.05, fast=fast), desk, department=Unit(unit)):
            return False
    if round_ == 0 and plan.escalated_by_handler and life.level in LEVELS_UP:
        if not life.act("escalate", life.after(60, 24 * 60, fast), handler):
            return False
        desk = place.district_dispatcher or place.dispatcher
        if not life.act("dispatch", life.when(late=0.05, fast=fast), desk, department=Unit(unit)):
            return False
    if plan.stop_at == S.DISPATCHED:
        return False
    if round_ == 0 and plan.extension and not fast:
        asked = life.step_started_at + (life.due_at - life.step_started_at) * rng.uniform(0.3, 0.7)
        until = _deadline(life.due_at, rng.randint(2, 5), "work_days")
        if not life.act("request_extension", _minute(asked), handler, until=until):
            return False
        if not life.act("approve_extension", life.after(30, 240), place.dispatcher):
            return False
    at = life.when(late=0.08, stuck=0.01, fast=fast)
    if life.due_at is not None and at > life.due_at and not fast:
        # Late: the desk urges, sometimes a leader supervises, before it is done.
        nudge = life.due_at + (at - life.due_at) * rng.uniform(0.1, 0.6)
        if rng.random() < 0.4 and nudge > life.last + MINUTE:
            life.act("urge", _minute(nudge), place.dispatcher)
        if rng.random() < 0.15 and place.leader and at > life.last + 2 * MINUTE:
            life.act("supervise", _minute(life.last + (at - life.last) / 2), place.leader)
    return life.act("handle", at, handler)


def _state_at(events: list[tuple], moment: dt.datetime) -> str:
    state = ""
    for event in events:
        if event[0] > moment:
            break
        state = event[5]
    return state


def _end(life: Life) -> Life:
    """Lights as the sweep leaves them at now, for the step in progress."""
    if not life.done:
        life.sweep_until(life.now)
    return life


def event_rows(case_id: int, life: Life) -> list[tuple]:
    """The events as rows for bulk.insert (CaseEvent fields in EVENT_FIELDS order)."""
    return [(case_id, at, actor_id, actor_name, action, from_state, to_state, note, _json(data))
            for at, actor_id, actor_name, action, from_state, to_state, note, data in life.events]


EVENT_FIELDS = ("case_id", "at", "actor_id", "actor_name", "action", "from_state", "to_state", "note", "data")
