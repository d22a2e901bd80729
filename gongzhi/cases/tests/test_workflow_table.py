"""One rule for the case loop: every transition of the table, taken through `workflow.act` as a
user takes it and replayed by the demo's synthetic history (`demo.case_life`, on `workflow.take`),
leaves the same events, the same case and the same rollups. A transition added to the table
without a path here fails the first test."""

import datetime as dt
import json
import random

import pytest
from django.utils import timezone

from gongzhi.cases import categories, intake, reporters, rollups, tracking, workflow
from gongzhi.cases.models import Case, CaseEvent, CaseStat, Category
from gongzhi.cases.rates import COUNTERS
from gongzhi.demo import case_life
from gongzhi.workflow import engine

START = dt.datetime(2026, 3, 2, 9, 0)  # a Monday morning: working-hour deadlines fall the same week

# action → the steps from a new report (grid 垃圾堆放, in G1) up to and including it: (action, who)
PATHS = {
    "accept": [("accept", "dispatcher")],
    "reject": [("reject", "dispatcher")],
    "self_resolve": [("self_resolve", "grid_worker")],
    "dispatch": [("accept", "dispatcher"), ("dispatch", "dispatcher")],
    "handle": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("handle", "handler")],
    "verify": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("handle", "handler"), ("verify", "grid_worker")],
    "close": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("handle", "handler"), ("verify", "grid_worker"),
              ("close", "dispatcher")],
    "evaluate": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("handle", "handler"),
                 ("verify", "grid_worker"), ("close", "dispatcher"), ("evaluate", "dispatcher")],
    "escalate": [("escalate", "grid_worker")],
    "return": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("return", "handler")],
    "request_extension": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("request_extension", "handler")],
    "approve_extension": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("request_extension", "handler"),
                          ("approve_extension", "dispatcher")],
    "supervise": [("supervise", "leader")],
    "urge": [("accept", "dispatcher"), ("urge", "dispatcher")],
    "reopen": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("handle", "handler"), ("verify", "grid_worker"),
               ("close", "dispatcher"), ("evaluate", "dispatcher"), ("reopen", "dispatcher")],
    "merge": [("merge", "dispatcher")],
    "refer": [("accept", "dispatcher"), ("refer", "community_worker")],
    "resume": [("accept", "dispatcher"), ("dispatch", "dispatcher"), ("refer", "community_worker"),
               ("resume", "community_worker")],
    "conclude": [("refer", "community_worker"), ("conclude", "community_worker")],
}
FIELDS = ("state", "level", "department_id", "step_started_at", "due_at", "warn_at", "light", "extension_until",
          "closed_at", "satisfaction", "duplicate_of_id")


def test_every_transition_of_the_table_has_a_path_here():
    assert set(PATHS) == set(workflow.TRANSITIONS)


class _Clock:
    """django.utils.timezone with `now` set by the test (for intake and the workflow engine)."""

    def __init__(self, at):
        self.at = timezone.make_aware(at)

    def now(self):
        return self.at

    def __getattr__(self, name):
        return getattr(timezone, name)


def _params(action, path, departments, earlier, case):
    if action == "dispatch":
        return {"department": departments["s1_city_management"]}
    if action == "evaluate":
        return {"satisfaction": "unsatisfied" if path[-1][0] == "reopen" else "satisfied"}
    if action == "request_extension":
        return {"until": case.due_at + dt.timedelta(days=3)}
    if action == "merge":
        return {"into": earlier}
    if action in {"refer", "resume", "conclude"}:
        return {"process": "topic", "ref": 7}
    return {}


def _leaf(category: Category) -> case_life.Leaf:
    return case_life.Leaf(category.pk, category.code, category.name, category.parent.code, category.default_level,
                          category.accept_within, category.accept_unit, category.dispatch_within,
                          category.dispatch_unit, category.handle_within, category.handle_unit, category.warn_at)


def _stats():
    return sorted(CaseStat.objects.unscoped().values_list("day", "area_id", "category_id", "channel", "department_id",
                                                          *COUNTERS), key=lambda r: (*r[:4], r[4] or 0))


@pytest.fixture
def clock(world, monkeypatch) -> _Clock:
    """The default categories, and `now` for intake and the workflow set by the test."""
    categories.load_defaults()
    clock = _Clock(START)
    monkeypatch.setattr(intake, "timezone", clock)
    monkeypatch.setattr(engine, "timezone", clock)
    return clock


def _replay(cast, case: Case) -> case_life.Life:
    """The demo's record of `case`, reported as it was (the replay's `now` a year later)."""
    life = case_life.Life(timezone.make_aware(START + dt.timedelta(days=365)), _leaf(case.category), None,
                          random.Random(0))
    life.report(case.reported_at, (cast.grid_worker.pk, cast.grid_worker.username), "grid_patrol")
    return life


@pytest.mark.parametrize("target", sorted(PATHS))
def test_act_and_the_demo_replay_give_the_same_events_case_and_rollups(target, cast, departments, clock):
    leaf = Category.objects.get(code="garbage_pileup")
    earlier = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, description="先报的",
                            lon=0.25, lat=0.5).case
    clock.at += dt.timedelta(minutes=1)
    case = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, description="楼下垃圾堆放",
                         lon=0.25, lat=0.5).case
    life = _replay(cast, case)
    for action, who in PATHS[target]:
        clock.at += dt.timedelta(minutes=7)
        actor = getattr(cast, who)
        params = _params(action, PATHS[target], departments, earlier, Case.objects.unscoped().get(pk=case.pk))
        note = f"{action}的说明" if workflow.TRANSITIONS[action].needs_note else ""
        internal = not workflow.TRANSITIONS[action].offered
        engine.act(workflow.FLOW, actor=actor, record=case, action=action, note=note, internal=internal, **params)
        if action == "merge":
            params = {"into": case_life.Earlier(earlier.pk, earlier.number, earlier.state)}
        assert life.act(action, clock.at, (actor.pk, actor.username), note=note, **params)

    case = Case.objects.unscoped().get(pk=case.pk)
    assert {f: getattr(case, f) for f in FIELDS} == {f: getattr(life, f) for f in FIELDS}
    acted = [(e.at, e.actor_id, e.actor_name, e.action, e.from_state, e.to_state, e.note, e.data)
             for e in CaseEvent.objects.filter(case=case).order_by("at", "id")]
    replayed = [(*e[:7], json.loads(json.dumps(e[7]))) for e in life.events]
    assert acted == replayed
    live = _stats()
    rollups.rebuild()  # what the demo's bulk history is counted by
    assert _stats() == live


def test_the_reporters_rating_is_the_loops_evaluate_as_the_replay_takes_it(cast, departments, clock):
    leaf = Category.objects.get(code="garbage_pileup")
    receipt = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, description="楼下垃圾堆放",
                            lon=0.25, lat=0.5)
    case = receipt.case
    life = _replay(cast, case)
    for action, who in PATHS["close"]:
        clock.at += dt.timedelta(minutes=7)
        actor = getattr(cast, who)
        params = _params(action, PATHS["close"], departments, None, case)
        note = f"{action}的说明" if workflow.TRANSITIONS[action].needs_note else ""
        workflow.act(actor=actor, case=case, action=action, note=note, **params)
        life.act(action, clock.at, (actor.pk, actor.username), note=note, **params)
    clock.at += dt.timedelta(minutes=7)
    tracking.rate(number=case.number, code=receipt.tracking_code, satisfaction="basically_satisfied", comment="还行")
    life.act("evaluate", clock.at, case_life.REPORTER, note="还行", satisfaction="basically_satisfied")
    rated = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert (rated.actor_id, rated.actor_name, rated.data) == (None, "反映人", {
        "satisfaction": "basically_satisfied", "by": "reporter", "department": departments["s1_city_management"].pk})
    assert (rated.at, rated.action, rated.from_state, rated.to_state, rated.note, rated.data) == \
        (life.events[-1][0], *life.events[-1][3:7], json.loads(json.dumps(life.events[-1][7])))
    live = _stats()
    rollups.rebuild()
    assert _stats() == live


def test_an_action_no_page_offers_is_unknown_to_the_page_and_the_api(cast, monkeypatch):
    categories.load_defaults()
    leaf = Category.objects.get(code="garbage_pileup")
    case = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, description="楼下垃圾堆放",
                         lon=0.25, lat=0.5).case
    with pytest.raises(workflow.WorkflowError, match="未知的操作"):
        workflow.act(actor=cast.community_worker, case=case, action="refer", process="topic", ref=1)
    assert "refer" not in workflow.allowed(cast.community_worker, case)
    assert Case.objects.unscoped().get(pk=case.pk).state == "reported"


def test_no_actor_is_no_skip_of_the_checks(cast):
    categories.load_defaults()
    leaf = Category.objects.get(code="garbage_pileup")
    case = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, description="楼下垃圾堆放",
                         lon=0.25, lat=0.5).case
    from django.contrib.auth.models import AnonymousUser

    from gongzhi.common.actors import ActorMissing

    for nobody in (None, AnonymousUser()):
        with pytest.raises(ActorMissing):
            workflow.act(actor=nobody, case=case, action="accept")
    assert Case.objects.unscoped().get(pk=case.pk).state == "reported"


