"""Cases hang on the register's keys (五码关联): people, houses and entities linked to a case,
each in the linking user's scope; and on the other processes a case is handed to (a deliberation
topic now), which it waits on as `referred` until they end."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.common import actors
from gongzhi.workflow import engine

from .models import Case, CaseEvent, CaseState


@transaction.atomic
def link(*, actor: Any, case: Case, person=None, house=None, entity=None) -> None:
    """Links register records to the case; each must be in the actor's scope (else 404)."""
    from gongzhi.registry.models import Entity, House, Person

    case = scoping.get_in_scope_or_404(Case, actor, pk=case.pk)
    added = {}
    for model, obj, field in ((Person, person, "people"), (House, house, "houses"), (Entity, entity, "entities")):
        if obj is not None:
            scoping.get_in_scope_or_404(model, actor, pk=obj.pk)
            getattr(case, field).add(obj)
            added[field] = obj.pk
    if added:
        CaseEvent.objects.create(case=case, at=timezone.now(), actor=actor, actor_name=actor.get_username(),
                                 action="link", from_state=case.state, to_state=case.state, data=added)
        log.record("cases.case.linked", actor=actor, target=case, changes=added)


def copy_section(person) -> tuple[str, list[str], list[list[Any]]]:
    """The cases a person is linked to, for their copy of their own information (五码关联;
    added to `registry.copy_sections` in apps.py). All of them, whoever linked them:
    the copy's maker was checked for the person, and it is the person's own information."""
    from django.utils.translation import gettext as _

    cases = [[c.number, c.reported_at, c.get_state_display(), c.description]
             for c in person.cases.unscoped().order_by("reported_at")]
    return (_("关联事件"), [_("编号"), _("上报时间"), _("状态"), _("描述")], cases)


def refer(*, actor: Any, case: Case, process: str, ref: int, title: str) -> Case:
    """Hands the case to another process (a deliberation topic now; a dispute or a care visit
    later), inside that process's own transaction: the case is `referred` and no clock of its
    runs until `ended` says how the process ended. A case already settled or waiting elsewhere
    only records the link in its history (the process follows up a matter the loop finished)."""
    from . import workflow

    case = scoping.get_in_scope_or_404(Case.objects.select_for_update(), actor, pk=case.pk) \
        if not actors.is_system(actor) else Case.objects.unscoped().select_for_update().get(pk=case.pk)
    if case.state in workflow.TRANSITIONS["refer"].sources:
        return engine.act_within(workflow.FLOW, actor=actor, record=case, action="refer", note=title,
                                 internal=True, process=process, ref=ref)
    CaseEvent.objects.create(case=case, at=timezone.now(), actor=actors.user_or_none(actor),
                             actor_name=actors.name(actor), action=process, from_state=case.state,
                             to_state=case.state, note=title[:5000], data={process: ref})
    return case


def ended(*, actor: Any, case_id: int, process: str, ref: int, settled: bool, note: str = "") -> Case | None:
    """The process a case was referred to has ended, inside that process's transaction: settled,
    the case is closed by it (`conclude`); not settled, it goes back to the desk (`resume`,
    the dispatch deadline starting again). A case that is not waiting on this process (never
    referred, or referred elsewhere since) is left as it is: None."""
    from . import workflow

    case = Case.objects.unscoped().select_for_update().filter(pk=case_id).first()  # the process holds the link
    if case is None or case.state != CaseState.REFERRED:
        return None
    waiting = case.events.filter(action="refer").order_by("-at", "-id").values_list("data", flat=True).first()
    if not waiting or waiting.get(process) != ref:
        return None
    return engine.act_within(workflow.FLOW, actor=actor, record=case, action="conclude" if settled else "resume",
                             note=note, internal=True, process=process, ref=ref)
