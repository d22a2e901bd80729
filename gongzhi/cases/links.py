"""Cases hang on the register's keys (五码关联): people, houses and entities linked to a case,
each in the linking user's scope."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gongzhi.accounts import scoping
from gongzhi.audit import log

from .models import Case, CaseEvent


@transaction.atomic
def link(*, actor: Any, case: Case, person=None, house=None, entity=None) -> None:
    """Links register records to the case; each must be in the actor's scope (else 404)."""
    from django.utils import timezone

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


def refer_to_topic(*, actor: Any, case: Case, topic_id: int, title: str) -> None:
    """Records in the case's history that it became a deliberation topic (the caller, in
    deliberation, has read the case through the actor's scope and holds the link). The case's
    state is unchanged: the topic's resolution decides what becomes of the matter."""
    from django.utils import timezone

    CaseEvent.objects.create(case=case, at=timezone.now(), actor=actor, actor_name=actor.get_username(),
                             action="topic", from_state=case.state, to_state=case.state, note=title[:5000],
                             data={"topic": topic_id})
