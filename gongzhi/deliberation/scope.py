"""How deliberation's services find the rows they change: the scoped parent (council, topic,
disclosure) through the actor's scope and locked, the role checked; rows under it through it.

The actor is always said (common/actors.py): staff, read through their scope; the system or a
resident on the public side (the portal's verified resident), who read the row without a user's
scope — a resident only where a service lets residents act at all (support, comment, propose)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.common import actors
from gongzhi.common.scoped import ScopedModel

from .models import DeliberationError, Meeting, Topic, frozen_message

M = TypeVar("M", bound=ScopedModel)

# Who keeps councils, topics, meetings and disclosures; the other deliberation roles read them.
KEEPERS = frozenset({"community_worker", "dispatcher"})


def require_keeper(actor: Any) -> None:
    """403 for an actor who may not keep deliberation records: a resident, or staff whose roles
    do not (the system may)."""
    actor = actors.require(actor)
    if actors.is_system(actor):
        return
    if actors.is_resident(actor) or not scoping.roles(actor) & KEEPERS:
        raise PermissionDenied(_("您的角色不能办理协商议事"))


def locked(model: type[M], actor: Any, pk: int, *, keeping: bool = True) -> M:
    """The row, locked for the change, where the actor keeps records (404 elsewhere): in the
    scope of their keeper roles, not of every role they hold (a grid worker reads their
    community's topics; a community worker of another community keeps none of them). Not
    `keeping`: wherever they may read (a comment)."""
    queryset = model.objects.select_for_update()
    if not actors.is_staff(actors.require(actor)):
        return queryset.unscoped().get(pk=pk)
    if keeping:
        queryset = scoping.restrict(queryset, actor, KEEPERS)
    return scoping.get_in_scope_or_404(queryset, actor, pk=pk)


def in_community(person: Any, area: Any, actor: Any) -> None:
    """A person of the register who lives in the community, and whom the actor may see."""
    from gongzhi.registry.models import Person

    if actors.is_staff(actor):
        scoping.get_in_scope_or_404(Person, actor, pk=person.pk)
    if not lives_in(person, area):
        raise DeliberationError(_("%(p)s 不是本社区居民") % {"p": person.name})


def lives_in(person: Any, area: Any) -> bool:
    """Whether a person of the register lives in the community `area`."""
    return scoping.lies_in(person.area_id, area)


def open_meeting(actor: Any, meeting: Meeting) -> Meeting:
    """The meeting, locked, if its topic is in the actor's scope and it is not frozen yet."""
    require_keeper(actor)
    locked(Topic, actor, meeting.step.topic_id)
    fresh = Meeting.objects.select_for_update().select_related("step__topic").get(pk=meeting.pk)
    if fresh.frozen:
        raise DeliberationError(frozen_message())
    return fresh
