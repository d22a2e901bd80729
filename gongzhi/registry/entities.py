"""Legal entities (法人): enterprises, shops, social organisations and institutions at an address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import history
from .identifiers import IdentifierError, parse_uscc
from .models import Address, Entity, EntityKind, Person, PhoneLink
from .people import RegistryError, _ensure_in_scope
from .pinyin import pinyin_and_initials

TRACKED = ["kind", "name", "uscc", "address", "legal_rep", "business_scope", "headcount", "established_on",
           "is_active", "area"]
EDITABLE = {"kind", "name", "address", "legal_rep", "business_scope", "headcount", "established_on", "is_active"}


def _validate(entity: Entity) -> None:
    if entity.kind not in EntityKind.values:
        raise RegistryError(_("法人类型“%(v)s”无效") % {"v": entity.kind}, "kind")
    entity.name = (entity.name or "").strip()
    if not entity.name:
        raise RegistryError(_("名称不能为空"), "name")
    if entity.headcount is not None and entity.headcount < 0:
        raise RegistryError(_("从业人数不能为负"), "headcount")
    if entity.established_on and entity.established_on > dt.date.today():
        raise RegistryError(_("成立日期不能晚于今天"), "established_on")
    entity.name_pinyin, entity.name_initials = pinyin_and_initials(entity.name)
    if entity.address_id:
        entity.area_id = entity.address.area_id


@transaction.atomic
def register_entity(*, actor: Any, kind: str, name: str, uscc: str, address: Address | None = None,
                    area_code: str | None = None, legal_rep: Person | None = None, business_scope: str = "",
                    headcount: int | None = None, established_on: dt.date | None = None,
                    phones: list[str] = ()) -> Entity:
    """A new entity with its phones: one transaction, so a refused number leaves no entity."""
    from . import phones as phone_service

    numbers = phone_service.checked(list(phones))
    try:
        code = parse_uscc(uscc)
    except IdentifierError as exc:
        raise RegistryError(str(exc), "uscc") from exc
    if Entity.objects.unscoped().filter(uscc=code).exists():
        raise RegistryError(_("该统一社会信用代码已登记"), "uscc")
    entity = Entity(kind=kind, name=name, uscc=code, address=address, legal_rep=legal_rep,
                    business_scope=business_scope, headcount=headcount, established_on=established_on,
                    area_id=area_code)
    _validate(entity)
    if not entity.area_id:
        raise RegistryError(_("须指明地址或所在社区/网格"), "address")
    entity.save()
    history.record(actor=actor, obj=entity, action="created", changes=history.snapshot(entity, TRACKED))
    _ensure_in_scope(entity, actor)
    phone_service.link_all(actor=actor, numbers=numbers, entity=entity)
    return entity


@transaction.atomic
def update_entity(*, actor: Any, entity: Entity, **changes: Any) -> Entity:
    """Corrects an entity; its phones follow it to its new area."""
    return history.edit(actor=actor, obj=entity, changes=changes, editable=EDITABLE, tracked=TRACKED,
                        validate=_validate, after_save=lambda e: PhoneLink.objects.unscoped()
                        .filter(entity=e).update(area_id=e.area_id))
