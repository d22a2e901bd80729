"""Procedures as data: a template is an ordered list of steps (a meeting, or a meeting that
votes, each with its quorum, pass threshold, ballot and whether proxies are allowed). Choosing
a procedure for a topic copies the steps onto it, so a later edit of the template leaves topics
already under way as they were."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.audit import log

from .models import (
    BallotKind,
    DeliberationError,
    ProcedureStepTemplate,
    ProcedureTemplate,
    Quorum,
    StepKind,
    StepState,
    Threshold,
    Topic,
    TopicState,
    TopicStep,
)
from .scope import locked, require_keeper

FOUR_DELIBERATIONS_TWO_DISCLOSURES = "four_deliberations_two_disclosures"
COUNCIL_DELIBERATION = "council_deliberation"

# code → (name, [(step name, kind, quorum, threshold, ballot, proxies allowed)]). 四议两公开: the
# party organisation proposes, the two committees discuss, the party members' meeting reviews,
# the residents' (representatives') meeting decides by vote — two thirds of its members present
# (居民代表会议), a simple majority of the votes cast; then the two disclosures.
DEFAULTS: dict[str, tuple[str, list[tuple[str, str, str, str, str, bool]]]] = {
    FOUR_DELIBERATIONS_TWO_DISCLOSURES: ("四议两公开", [
        ("党组织提议", StepKind.MEETING, Quorum.MORE_THAN_HALF, Threshold.SIMPLE_MAJORITY, BallotKind.OPEN, False),
        ("两委会议商议", StepKind.MEETING, Quorum.MORE_THAN_HALF, Threshold.SIMPLE_MAJORITY, BallotKind.OPEN, False),
        ("党员大会审议", StepKind.MEETING, Quorum.MORE_THAN_HALF, Threshold.SIMPLE_MAJORITY, BallotKind.OPEN, False),
        ("居民(代表)会议决议", StepKind.VOTE, Quorum.TWO_THIRDS, Threshold.SIMPLE_MAJORITY, BallotKind.OPEN, True),
    ]),
    COUNCIL_DELIBERATION: ("议事会协商", [
        ("议事会协商表决", StepKind.VOTE, Quorum.MORE_THAN_HALF, Threshold.SIMPLE_MAJORITY, BallotKind.OPEN, True),
    ]),
}


@transaction.atomic
def load_defaults() -> int:
    """Installs the two default templates; a template already there keeps its edited steps.
    Returns how many were created."""
    made = 0
    for code, (name, steps) in DEFAULTS.items():
        template, created = ProcedureTemplate.objects.get_or_create(code=code, defaults={"name": name})
        if not created:
            continue
        made += 1
        for order, (step, kind, quorum, threshold, ballot, proxies) in enumerate(steps, start=1):
            ProcedureStepTemplate.objects.create(template=template, order=order, name=step, kind=kind, quorum=quorum,
                                                 threshold=threshold, ballot=ballot, proxies_allowed=proxies)
    return made


COPIED = ("order", "name", "kind", "quorum", "threshold", "ballot", "proxies_allowed")


@transaction.atomic
def choose(*, actor: Any, topic: Topic, template: ProcedureTemplate) -> list[TopicStep]:
    """Sets the procedure of a topic the council took up: the template's steps, copied."""
    require_keeper(actor)
    topic = locked(Topic, actor, topic.pk)
    if topic.state != TopicState.TAKEN_UP:
        raise DeliberationError(_("议事会受理议题后才能选择议事程序"))
    if not template.is_active or template.area_id not in (None, topic.area_id):
        raise DeliberationError(_("该议事程序不适用于本社区"))
    steps = [TopicStep(topic=topic, **{f: getattr(s, f) for f in COPIED}) for s in template.steps.order_by("order")]
    if not steps:
        raise DeliberationError(_("该议事程序没有步骤"))
    TopicStep.objects.bulk_create(steps)
    topic.state, topic.procedure_name = TopicState.DELIBERATING, template.name
    topic.save(update_fields=["state", "procedure_name"])
    log.record("deliberation.topic.procedure_chosen", actor=actor, target=topic,
               changes={"template": template.code, "steps": [s.name for s in steps]})
    return list(topic.steps.order_by("order"))


def current_step(topic: Topic) -> TopicStep | None:
    """The first step not yet passed, while the topic is under deliberation."""
    if topic.state != TopicState.DELIBERATING:
        return None
    return topic.steps.filter(state=StepState.PENDING).order_by("order").first()
