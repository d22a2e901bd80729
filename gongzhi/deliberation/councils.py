"""Councils and their members. Membership is history: a member is added for a term starting on
a date and ended on a date, never deleted, so who sat on a council on any day can be read back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.common import actors

from .models import Council, CouncilKind, CouncilMember, DeliberationError, MemberRole
from .scope import KEEPERS, in_community, locked, require_keeper


@transaction.atomic
def establish(*, actor: Any, area: Any, kind: str, name: str, compound: Any = None) -> Council:
    """A new council of the community `area` (in the actor's scope), or of one of its compounds
    (`compound`, an estate of its standard address tree)."""
    require_keeper(actor)
    if kind not in CouncilKind.values:
        raise DeliberationError(_("请选择议事会类型"))
    if area.level != "community":
        raise DeliberationError(_("议事会设在社区"))
    if not name.strip():
        raise DeliberationError(_("请填写议事会名称"))
    if compound is not None:
        _check_compound(actor, compound, area)
    council = Council.objects.create(area=area, kind=kind, name=name.strip()[:100], compound=compound)
    if actors.is_staff(actor):
        scoping.ensure_in_scope(council, actor, KEEPERS)
    log.record("deliberation.council.established", actor=actor, target=council,
               changes={"area": area.code, "kind": kind, "name": council.name,
                        "compound": getattr(compound, "code", None)})
    return council


def compound_named(actor: Any, area: Any, name: str) -> Any:
    """The estate of the community `area` called `name` (as the actor may see it), for a
    compound's council; DeliberationError when there is none."""
    from gongzhi.registry.models import Address, AddressKind

    found = (scoping.scoped(Address, actor).filter(community=area, kind=AddressKind.ESTATE, name=name.strip(),
                                                    is_active=True).first())
    if found is None:
        raise DeliberationError(_("本社区没有名为“%(n)s”的小区/院落，请核对标准地址") % {"n": name.strip()})
    return found


def compounds(actor: Any, areas: Any, limit: int = 500) -> list[str]:
    """Names of the estates in the communities `areas`, to offer when establishing a council."""
    from gongzhi.registry.models import Address, AddressKind

    return sorted(set(scoping.scoped(Address, actor).filter(community__in=areas, kind=AddressKind.ESTATE,
                                                           is_active=True).values_list("name", flat=True)[:limit]))


def _check_compound(actor: Any, compound: Any, area: Any) -> None:
    from gongzhi.registry.models import Address, AddressKind

    if actors.is_staff(actor):
        scoping.get_in_scope_or_404(Address, actor, pk=compound.pk)
    if compound.kind != AddressKind.ESTATE or compound.community_id != area.code:
        raise DeliberationError(_("院落议事会须设在本社区的一个小区/院落"))


@transaction.atomic
def add_member(*, actor: Any, council: Council, person: Any, role: str = MemberRole.MEMBER,
               term_start: dt.date) -> CouncilMember:
    """Seats a resident of the council's community for a term starting on `term_start`."""
    require_keeper(actor)
    council = locked(Council, actor, council.pk)
    if role not in MemberRole.values:
        raise DeliberationError(_("请选择成员职务"))
    in_community(person, council.area, actor)
    if council.members.filter(person=person, term_end__isnull=True).exists():
        raise DeliberationError(_("%(p)s 已是本议事会成员") % {"p": person.name})
    member = CouncilMember.objects.create(council=council, person=person, role=role, term_start=term_start)
    log.record("deliberation.member.added", actor=actor, target=council,
               changes={"member": member.pk, "person": person.pk, "role": role, "term_start": term_start})
    return member


@transaction.atomic
def end_membership(*, actor: Any, member: CouncilMember, term_end: dt.date, reason: str = "") -> CouncilMember:
    """Ends a term on `term_end`; the row stays as history."""
    require_keeper(actor)
    council = locked(Council, actor, member.council_id)
    member = council.members.select_for_update().get(pk=member.pk)
    if member.term_end is not None:
        raise DeliberationError(_("该任期已经结束"))
    if term_end < member.term_start:
        raise DeliberationError(_("任期结束不能早于开始"))
    member.term_end, member.end_reason = term_end, reason.strip()[:200]
    member.save(update_fields=["term_end", "end_reason"])
    log.record("deliberation.member.ended", actor=actor, target=council,
               changes={"member": member.pk, "person": member.person_id, "term_end": term_end, "reason": reason})
    return member


def members_on(council: Council, day: dt.date) -> QuerySet[CouncilMember]:
    """Who sat on the council on `day` (the caller has read the council through its scope)."""
    return council.members.filter(Q(term_end__isnull=True) | Q(term_end__gte=day), term_start__lte=day)
