"""五码关联, the linked view: from any address, house, person, entity or phone, everything
joined to it — within the viewer's scope. Each function takes the viewer and a key, answers 404
(Http404) when the starting record is missing or out of scope, and leaves out linked records
the viewer may not see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import Http404

from gongzhi.accounts import scoping
from gongzhi.common import crypto

from .identifiers import IdentifierError, parse_phone
from .models import Address, Entity, House, Person, PersonEvent, PhoneLink, RecordChange, Residence


def _phones(user: Any, **owner: Any) -> list[PhoneLink]:
    return list(scoping.scoped(PhoneLink, user).filter(**owner).select_related("phone"))


def _history(user: Any, kind: str, pk: int) -> list[RecordChange]:
    return list(scoping.scoped(RecordChange, user).filter(target_type=kind, target_id=pk)[:50])


def _subtree(address: Address) -> Q:
    return Q(address__community_id=address.community_id, address__path_key__startswith=address.path_key)


def of_address(user: Any, code: str) -> dict[str, Any]:
    address = scoping.get_in_scope_or_404(Address, user, code=code)
    houses = list(scoping.scoped(House, user).filter(_subtree(address)).select_related("address")
                  .order_by("address__path_key")[:500])
    people = list(scoping.scoped(Person, user).filter(house__in=[h.pk for h in houses]).order_by("house_id", "id"))
    entities = list(scoping.scoped(Entity, user).filter(_subtree(address)).order_by("name"))
    return {
        "address": address,
        "parents": _ancestors(user, address),
        "children": list(scoping.scoped(Address, user).filter(parent=address).order_by("path_key")[:500]),
        "houses": houses,
        "people": people,
        "entities": entities,
    }


def _ancestors(user: Any, address: Address) -> list[Address]:
    keys, path = [], ""
    for part in address.path_key.split("/")[:-1]:
        path = f"{path}/{part}" if path else part
        keys.append(path)
    return list(scoping.scoped(Address, user).filter(community_id=address.community_id, path_key__in=keys)
                .order_by("path_key"))


def of_house(user: Any, pk: int, *, on: dt.date | None = None) -> dict[str, Any]:
    house = scoping.get_in_scope_or_404(House.objects.select_related("address", "owner_entity"), user, pk=pk)
    residences = scoping.scoped(Residence, user).filter(house=house).select_related("person")
    from .people import residences_on

    current = list(residences_on(residences, on or dt.date.today()))
    occupant_ids = [r.person_id for r in current]
    return {
        "house": house,
        # The owner through the viewer's scope: one elsewhere, or in a sensitive group the viewer
        # is not granted, is not named.
        "owner": scoping.scoped(Person, user).filter(pk=house.owner_person_id).first() if house.owner_person_id
        else None,
        "on": on or dt.date.today(),
        "residents": current,
        "tenants": [r for r in current if r.tenure == "rent"],
        "past": list(residences.filter(end__isnull=False).order_by("-end")[:100]),
        "entities": list(scoping.scoped(Entity, user).filter(address=house.address)),
        "phones": _phones(user, person_id__in=occupant_ids),
        "history": _history(user, "house", house.pk),
    }


def of_person(user: Any, pk: int) -> dict[str, Any]:
    person = scoping.get_in_scope_or_404(Person.objects.select_related("house__address"), user, pk=pk)
    household = []
    if person.house_id:
        household = list(scoping.scoped(Person, user).filter(house_id=person.house_id).exclude(pk=person.pk))
    phones = _phones(user, person=person)
    shared = list(scoping.scoped(PhoneLink, user).filter(phone__in=[p.phone_id for p in phones])
                  .exclude(person=person).select_related("person", "entity", "phone"))
    return {
        "person": person,
        "tags": list(person.tags.all()),
        "household": household,
        "residences": list(scoping.scoped(Residence, user).filter(person=person).select_related("house__address")
                           .order_by("-start")),
        "events": list(scoping.scoped(PersonEvent, user).filter(person=person).order_by("-date", "-id")),
        "phones": phones,
        "shares_phone_with": shared,
        "represents": list(scoping.scoped(Entity, user).filter(legal_rep=person)),
        "houses_owned": list(scoping.scoped(House, user).filter(owner_person=person).select_related("address")),
        "history": _history(user, "person", person.pk),
    }


def of_entity(user: Any, pk: int) -> dict[str, Any]:
    entity = scoping.get_in_scope_or_404(Entity.objects.select_related("address", "legal_rep"), user, pk=pk)
    legal_rep = None
    if entity.legal_rep_id:
        legal_rep = scoping.scoped(Person, user).filter(pk=entity.legal_rep_id).first()
    neighbours = []
    if entity.address_id:
        neighbours = list(scoping.scoped(Entity, user).filter(address_id=entity.address_id).exclude(pk=entity.pk))
    return {
        "entity": entity,
        "legal_rep": legal_rep,
        "phones": _phones(user, entity=entity),
        "houses_owned": list(scoping.scoped(House, user).filter(owner_entity=entity).select_related("address")),
        "same_address": neighbours,
        "history": _history(user, "entity", entity.pk),
    }


def of_phone(user: Any, number: str) -> dict[str, Any]:
    """Who uses this number, among those the viewer may see; unknown or all out of scope: 404."""
    try:
        digest = crypto.digest(parse_phone(number), kind="phone")
    except IdentifierError as exc:
        raise Http404("no such phone") from exc
    links = list(scoping.scoped(PhoneLink, user).filter(phone__number_digest=digest)
                 .select_related("phone", "person", "entity"))
    if not links:
        raise Http404("no such phone")
    return {
        "phone": links[0].phone,
        "people": [link.person for link in links if link.person_id],
        "entities": [link.entity for link in links if link.entity_id],
        "links": links,
    }
