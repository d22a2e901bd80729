"""Phones link people and entities; one number can belong to several of them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.audit import log

from .identifiers import IdentifierError, parse_phone
from .models import Entity, Person, Phone, PhoneLink
from .people import RegistryError, _ensure_in_scope


def phone_digest(raw: str) -> str:
    """The blind index of a number as typed (normalised first), for exact search."""
    return Phone.number.digest(parse_phone(raw))


@transaction.atomic
def link_phone(*, actor: Any, number: str, person: Person | None = None, entity: Entity | None = None) -> PhoneLink:
    """Ties a number to a person or an entity (idempotent: linking twice is one link)."""
    if (person is None) == (entity is None):
        raise RegistryError(_("号码须关联一个人员或一个法人"))
    try:
        clear = parse_phone(number)
    except IdentifierError as exc:
        raise RegistryError(str(exc), "phone") from exc
    digest = Phone.number.digest(clear)
    phone = Phone.objects.filter(number_digest=digest).first()
    if phone is None:
        phone = Phone()
        phone.number = clear
        phone.save()
    owner = person or entity
    link, created = PhoneLink.objects.unscoped().get_or_create(
        phone=phone, person=person, entity=entity, defaults={"area_id": owner.area_id})
    if created:
        log.record(f"registry.{owner._meta.model_name}.phone_linked", actor=actor, target=owner,
                   changes={"phone": phone.number_masked})
        _ensure_in_scope(link, actor)
    return link


def checked(numbers: list[str]) -> list[str]:
    """Every number of a registration read before anything is written; a bad one is refused
    naming its place in the list (the whole registration with it)."""
    clear = []
    for place, number in enumerate(numbers, start=1):
        try:
            clear.append(parse_phone(number))
        except IdentifierError as exc:
            raise RegistryError(_("第%(n)s个电话号码：%(why)s") % {"n": place, "why": exc}, "phones") from exc
    return clear


def link_all(*, actor: Any, numbers: list[str], person: Person | None = None, entity: Entity | None = None) -> None:
    """The numbers `checked` returned, tied to the record just registered (in its transaction)."""
    for number in numbers:
        link_phone(actor=actor, number=number, person=person, entity=entity)


@transaction.atomic
def unlink_phone(*, actor: Any, link: PhoneLink) -> None:
    owner = link.person or link.entity
    _ensure_in_scope(link, actor)
    log.record(f"registry.{owner._meta.model_name}.phone_unlinked", actor=actor, target=owner,
               changes={"phone": link.phone.number_masked})
    PhoneLink.objects.unscoped().filter(pk=link.pk).delete()


def mobiles(people: Any) -> list[str]:
    """The mobile numbers the register holds for these people, to text them (a council's
    members invited to a meeting); never shown, handed to the outbox, which seals them again."""
    links = (PhoneLink.objects.unscoped()  # the caller read the people in its own scope
             .filter(person__in=people, phone__number_masked__startswith="1").select_related("phone"))
    return sorted({link.phone.number.reveal() for link in links})
