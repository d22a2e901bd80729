"""Houses on standard addresses: their use and owner."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import history
from .models import Address, AddressKind, Entity, House, HouseUse, Person
from .people import RegistryError, _ensure_in_scope

TRACKED = ["use", "floor_area", "owner_person", "owner_entity", "note", "area"]
EDITABLE = {"use", "floor_area", "owner_person", "owner_entity", "note"}


def _validate(house: House) -> None:
    if house.use not in HouseUse.values:
        raise RegistryError(_("房屋用途“%(v)s”无效") % {"v": house.use}, "use")
    if house.floor_area is not None and Decimal(house.floor_area) <= 0:
        raise RegistryError(_("面积应大于0"), "floor_area")
    if house.owner_person_id and house.owner_entity_id:
        raise RegistryError(_("产权人与产权单位只能填一个"), "owner_person")


@transaction.atomic
def register_house(*, actor: Any, address: Address, use: str = HouseUse.SELF_OCCUPIED,
                   floor_area: Decimal | None = None, owner_person: Person | None = None,
                   owner_entity: Entity | None = None, note: str = "") -> House:
    if address.kind not in {AddressKind.ROOM, AddressKind.NUMBER, AddressKind.BUILDING, AddressKind.UNIT,
                            AddressKind.FLOOR}:
        raise RegistryError(_("房屋应登记在门牌、楼栋或房间地址上"), "address")
    if House.objects.unscoped().filter(address=address).exists():
        raise RegistryError(_("该地址已登记房屋"), "address")
    house = House(address=address, area_id=address.area_id, use=use, floor_area=floor_area,
                  owner_person=owner_person, owner_entity=owner_entity, note=note)
    _validate(house)
    house.save()
    history.record(actor=actor, obj=house, action="created", changes=history.snapshot(house, TRACKED))
    _ensure_in_scope(house, actor)
    return house


def house_at(*, actor: Any, address: Address) -> House:
    """The house at `address`, registering a self-occupied one where none is yet (a person moving
    in at an address the register holds no house for)."""
    return House.objects.unscoped().filter(address=address).first() or register_house(actor=actor, address=address)


def houses_at(*, actor: Any, addresses: set[Address]) -> dict[int, House]:
    """`house_at` for many addresses at once (an import), by address id: the missing houses are
    registered self-occupied in bulk, with their history."""
    found = {h.address_id: h for h in House.objects.unscoped().filter(address__in=addresses)}
    missing = [House(address=a, area_id=a.area_id) for a in addresses if a.pk not in found]
    if missing:
        # Another import may register the same house at the same moment: keep whichever won.
        House.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
        made = list(House.objects.unscoped().filter(address__in=[h.address_id for h in missing]))
        found.update({h.address_id: h for h in made})
        history.record_many(actor=actor, objects=made, action="created",
                            changes=lambda h: {"use": h.use, "source": "import"})
    return found


@transaction.atomic
def update_house(*, actor: Any, house: House, **changes: Any) -> House:
    return history.edit(actor=actor, obj=house, changes=changes, editable=EDITABLE, tracked=TRACKED,
                        validate=_validate)
