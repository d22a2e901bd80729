"""Registering people and following their lives: moving in, moving out, changing house, death.

Each function is one transaction that writes the change, the person's history and the audit
entry. The acting user is passed in; callers (views, API, importers) have already checked that
the user may act, and the person is re-read through the user's scope after the change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.common import actors

from . import history
from .identifiers import IdentifierError, normalise, parse_id_number
from .models import (
    House,
    IdentityCheck,
    PassportType,
    Person,
    PersonEvent,
    PersonEventKind,
    PersonStatus,
    PhoneLink,
    Relation,
    Residence,
    Residency,
    Tag,
    Tenure,
)
from .pinyin import pinyin_and_initials

TRACKED = ["name", "id_number_masked", "passport_type", "passport_number_masked", "nationality", "birth_date",
           "sex", "ethnicity", "residency", "house", "relation_to_head", "status", "died_on", "area", "tags"]


class RegistryError(ValueError):
    """A change the register refuses: `field` names the input at fault (or "" for the whole)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class IdentityClash(RegistryError):
    """The number is already registered to a record the actor can see: `person` names it."""

    def __init__(self, message: str, field: str, person: Person) -> None:
        super().__init__(message, field)
        self.person = person


def _holder(person: Person, actor: Any, *, passport: bool) -> Person | None:
    """Another record holding the person's ID number (or passport and nationality). One the
    actor can see refuses the registration, naming it; one the actor cannot see is returned,
    so that the caller registers the person provisionally (an IdentityReview) and the answer
    says nothing of a record elsewhere (None: the number is free)."""
    from django.db.models import Q

    if passport:
        same = Q(passport_number_digest=person.passport_number_digest, nationality=person.nationality)
        message, field = _("该证件号码已登记"), "passport_number"
    else:
        same = Q(id_number_digest=person.id_number_digest)
        message, field = _("该身份证号已登记"), "id_number"
    others = Person.objects.filter(same).exclude(pk=person.pk).order_by("identity_check", "pk")
    seen = scoping.restrict(others, actor) if _user(actor) is not None else others.unscoped()
    visible = seen.first()
    if visible is not None:
        raise IdentityClash(message, field, visible)
    return others.unscoped().filter(identity_check=IdentityCheck.NONE).first()


def _check_identity(person: Person, id_number: str | None, passport_number: str | None,
                    actor: Any) -> Person | None:
    """Checks the identity fields (see `_checked`) and the number's holders (see `_holder`):
    the record elsewhere that the person's number clashes with, or None."""
    _checked(person, id_number, passport_number)
    holder = None
    if id_number and person.id_number_digest:
        holder = _holder(person, actor, passport=False)
    if holder is None and passport_number and person.passport_number_digest:
        holder = _holder(person, actor, passport=True)
    return holder


def _checked(person: Person, id_number: str | None, passport_number: str | None) -> None:
    """ID number valid and consistent with birth date and sex; overseas people carry a passport."""
    if id_number:
        try:
            parsed = parse_id_number(id_number)
        except IdentifierError as exc:
            raise RegistryError(str(exc), "id_number") from exc
        if person.birth_date and person.birth_date != parsed.birth_date:
            raise RegistryError(_("出生日期与身份证号不一致（身份证号为%(d)s）") % {"d": parsed.birth_date}, "birth_date")
        if person.sex and person.sex != parsed.sex:
            raise RegistryError(_("性别与身份证号不一致"), "sex")
        person.birth_date, person.sex = parsed.birth_date, parsed.sex
        person.id_number = parsed.value
    if passport_number is not None:
        person.passport_number = normalise(passport_number)
    if person.residency == Residency.OVERSEAS:
        if not person.passport_number_token or not person.passport_type or not person.nationality:
            raise RegistryError(_("境外人员须登记国籍、证件类型和证件号码"), "passport_number")
    elif not person.id_number_token:
        raise RegistryError(_("户籍和流动人口须登记身份证号"), "id_number")


def _check_choices(*, residency: str | None = None, relation_to_head: str | None = None,
                   tenure: str | None = None, passport_type: str | None = None) -> None:
    """The coded fields take only their codes (None: not being set; relation and passport type
    may be left empty)."""
    if residency is not None and residency not in Residency.values:
        raise RegistryError(_("人口类型“%(v)s”无效") % {"v": residency}, "residency")
    if relation_to_head and relation_to_head not in Relation.values:
        raise RegistryError(_("与户主关系“%(v)s”无效") % {"v": relation_to_head}, "relation_to_head")
    if tenure is not None and tenure not in Tenure.values:
        raise RegistryError(_("居住方式“%(v)s”无效") % {"v": tenure}, "tenure")
    if passport_type and passport_type not in PassportType.values:
        raise RegistryError(_("证件类型“%(v)s”无效") % {"v": passport_type}, "passport_type")


def _place(person: Person, house: House | None, area_code: str | None) -> None:
    if house is not None:
        person.house, person.area_id = house, house.area_id
    elif area_code:
        person.house, person.area_id = None, area_code
    elif not person.area_id:
        raise RegistryError(_("须指明现住房屋或所在社区/网格"), "house")


@transaction.atomic
def register_person(
    *, actor: Any, name: str, residency: str, id_number: str | None = None, passport_type: str = "",
    passport_number: str | None = None, nationality: str = "", birth_date: dt.date | None = None,
    sex: str = "", ethnicity: str = "", house: House | None = None, area_code: str | None = None,
    relation_to_head: str = "", tenure: str = Tenure.OWN, since: dt.date | None = None,
    tags: list[str] = (), phones: list[str] = (),
) -> Person:
    """A new person, living at `house` from `since` (today if not given), or placed in an area,
    with their phones: one transaction, so a refused number leaves no person behind."""
    from . import phones as phone_service

    numbers = phone_service.checked(list(phones))
    name = (name or "").strip()
    if not name:
        raise RegistryError(_("姓名不能为空"), "name")
    _check_choices(residency=residency, relation_to_head=relation_to_head, tenure=tenure, passport_type=passport_type)
    person = Person(name=name, residency=residency, passport_type=passport_type, nationality=nationality.upper(),
                    birth_date=birth_date, sex=sex, ethnicity=ethnicity, relation_to_head=relation_to_head)
    person.name_pinyin, person.name_initials = pinyin_and_initials(name)
    holder = _check_identity(person, id_number, passport_number, actor)
    _place(person, house, area_code)
    if holder is not None:
        person.identity_check = IdentityCheck.PENDING
    person.save()
    if tags:
        person.tags.set(_tags(tags, actor))
    day = since or dt.date.today()
    PersonEvent.objects.create(person=person, kind=PersonEventKind.REGISTERED, date=day, house=house,
                               recorded_by=_user(actor), area_id=person.area_id)
    if house is not None:
        Residence.objects.create(person=person, house=house, start=day, relation_to_head=relation_to_head,
                                 tenure=tenure, area_id=house.area_id)
    history.record(actor=actor, obj=person, action="created", changes=history.snapshot(person, TRACKED))
    _ensure_in_scope(person, actor)
    phone_service.link_all(actor=actor, numbers=numbers, person=person)
    if holder is not None:
        from . import identity

        identity.open_review(actor=actor, provisional=person, existing=holder)
    return person


def _tags(codes: list[str], actor: Any) -> list[Tag]:
    found = list(Tag.objects.filter(code__in=codes))
    unknown = set(codes) - {t.code for t in found}
    if unknown:
        raise RegistryError(_("未知标签：%(t)s") % {"t": _("、").join(sorted(unknown))}, "tags")
    barred = [t for t in found if not may_tag(actor, t)]
    if barred:
        raise RegistryError(sensitive_refusal(barred), "tags")
    return found


def may_tag(actor: Any, tag: Tag) -> bool:
    """Whether `actor` may put `tag` on a person: any tag, but a sensitive one (a special group)
    only through a grant naming it, or the person would leave the actor's sight as it is saved."""
    return not tag.sensitive or _user(actor) is None or tag.code in scoping.granted_categories(actor)


def usable_tags(actor: Any):
    """The tags `actor` may put on people (see `may_tag`): the choices their forms offer."""
    from django.db.models import Q

    if _user(actor) is None:
        return Tag.objects.all()
    return Tag.objects.filter(Q(sensitive=False) | Q(code__in=sorted(scoping.granted_categories(actor))))


def sensitive_refusal(tags: list[Tag]) -> str:
    return _("“%(t)s”是敏感类别（特殊人群），须有列明该类别的授权才能登记") % {
        "t": _("、").join(t.name for t in tags)}


def _user(actor: Any):
    return actors.user_or_none(actors.require(actor))


def _ensure_in_scope(person: Person, actor: Any) -> None:
    if _user(actor) is not None:
        scoping.ensure_in_scope(person, actor)


EDITABLE = {"name", "ethnicity", "relation_to_head", "residency", "nationality", "passport_type", "birth_date",
            "sex"}


@transaction.atomic
def update_person(*, actor: Any, person: Person, id_number: str | None = None,
                  passport_number: str | None = None, tags: list[str] | None = None, **changes: Any) -> Person:
    """Corrects a person's particulars; the old and new values enter the history."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise RegistryError(_("不能在此修改：%(f)s") % {"f": ", ".join(sorted(unknown))})
    _check_choices(residency=changes.get("residency"), relation_to_head=changes.get("relation_to_head"),
                   passport_type=changes.get("passport_type"))
    before = history.snapshot(person, TRACKED)
    for field, value in changes.items():
        setattr(person, field, value)
    if "name" in changes:
        person.name = (person.name or "").strip()
        if not person.name:
            raise RegistryError(_("姓名不能为空"), "name")
        person.name_pinyin, person.name_initials = pinyin_and_initials(person.name)
    if id_number is not None and id_number.strip():
        person.birth_date, person.sex = changes.get("birth_date"), changes.get("sex", "")
    numbers = (person.id_number_digest, person.passport_number_digest)
    holder = _check_identity(person, id_number if id_number else None, passport_number, actor)
    renumbered = (person.id_number_digest, person.passport_number_digest) != numbers
    if renumbered and person.identity_check:
        from . import identity

        identity.renumbered(actor=actor, person=person)  # the old number's review has nothing left to decide
    if holder is not None:
        person.identity_check = IdentityCheck.PENDING
    elif renumbered:
        person.identity_check = IdentityCheck.NONE
    person.save()
    if tags is not None:
        person.tags.set(_tags(tags, actor))
    changed = history.diff(before, history.snapshot(person, TRACKED))
    if changed:
        history.record(actor=actor, obj=person, action="changed", changes=changed)
    _ensure_in_scope(person, actor)
    if holder is not None:
        from . import identity

        identity.open_review(actor=actor, provisional=person, existing=holder)
    return person


def _close_residence(person: Person, day: dt.date) -> Residence | None:
    open_ = Residence.objects.unscoped().select_for_update().filter(person=person, end__isnull=True).first()
    if open_ is None:
        return None
    if day < open_.start:
        raise RegistryError(_("日期早于入住日期%(d)s") % {"d": open_.start}, "date")
    open_.end = day
    open_.save(update_fields=["end"])
    return open_


def _alive(person: Person) -> None:
    if person.status == PersonStatus.DECEASED:
        raise RegistryError(_("该人员已登记死亡"))


@transaction.atomic
def move_in(*, actor: Any, person: Person, house: House, day: dt.date, relation_to_head: str = "",
            tenure: str = Tenure.OWN, note: str = "", handover: bool = False) -> Person:
    """The person lives at `house` from `day`; an earlier open residence ends that day
    (a change of house), and the person's area follows the house. `handover`: the move takes
    the record out of the actor's keeping (a confirmed identity review), so the record is not
    re-read through the actor's scope afterwards."""
    _alive(person)
    _check_choices(relation_to_head=relation_to_head, tenure=tenure)
    before = history.snapshot(person, TRACKED)
    previous = _close_residence(person, day)
    if previous is not None and previous.house_id == house.pk:
        raise RegistryError(_("该人员已住在此房屋"), "house")
    Residence.objects.create(person=person, house=house, start=day, relation_to_head=relation_to_head,
                             tenure=tenure, area_id=house.area_id)
    kind = PersonEventKind.CHANGE_HOUSE if previous is not None else PersonEventKind.MOVE_IN
    person.house, person.area_id, person.status = house, house.area_id, PersonStatus.ACTIVE
    if relation_to_head:
        person.relation_to_head = relation_to_head
    person.save()
    # The person's phones are found where the person is now.
    PhoneLink.objects.unscoped().filter(person=person).update(area_id=house.area_id)
    PersonEvent.objects.create(person=person, kind=kind, date=day, house=house, note=note,
                               recorded_by=_user(actor), area_id=house.area_id)
    history.record(actor=actor, obj=person, action=kind, changes=history.diff(before, history.snapshot(person, TRACKED)))
    if not handover:
        _ensure_in_scope(person, actor)
    return person


@transaction.atomic
def move_in_at(*, actor: Any, person: Person, address: str, day: dt.date, relation_to_head: str = "",
               tenure: str = Tenure.OWN, note: str = "") -> Person:
    """`move_in` at a typed address (a standard address code, or text that matches one with
    certainty, in the actor's scope), registering the house there if the register has none; a
    refused move leaves no house behind."""
    from . import houses, matching

    found, why = matching.find_address(actor, address)
    if found is None:
        raise RegistryError(why, "address")
    house = houses.house_at(actor=actor, address=found)
    return move_in(actor=actor, person=person, house=house, day=day, relation_to_head=relation_to_head,
                   tenure=tenure, note=note)


def _leave(*, actor: Any, person: Person, day: dt.date, note: str, kind: str, status: str) -> Person:
    """The person no longer lives here from `day` (moved away, or died): the residence ends, the
    record stays with its status, the event and the history are written."""
    _alive(person)
    _ensure_in_scope(person, actor)
    before = history.snapshot(person, TRACKED)
    closed = _close_residence(person, day)
    person.house, person.status = None, status
    if status == PersonStatus.DECEASED:
        person.died_on = day
    person.save()
    PersonEvent.objects.create(person=person, kind=kind, date=day, house=closed.house if closed else None,
                               note=note, recorded_by=_user(actor), area_id=person.area_id)
    history.record(actor=actor, obj=person, action=kind,
                   changes=history.diff(before, history.snapshot(person, TRACKED)))
    return person


@transaction.atomic
def move_out(*, actor: Any, person: Person, day: dt.date, note: str = "") -> Person:
    """The person left the area on `day`: the residence ends, the record stays (status moved out)."""
    return _leave(actor=actor, person=person, day=day, note=note, kind=PersonEventKind.MOVE_OUT,
                  status=PersonStatus.MOVED_OUT)


@transaction.atomic
def record_death(*, actor: Any, person: Person, day: dt.date, note: str = "") -> Person:
    if person.birth_date and day < person.birth_date:
        raise RegistryError(_("死亡日期早于出生日期"), "date")
    return _leave(actor=actor, person=person, day=day, note=note, kind=PersonEventKind.DEATH,
                  status=PersonStatus.DECEASED)


def residences_on(residences, day: dt.date):
    """Residences (a queryset the caller scoped) open on `day`: who lived there that day."""
    from django.db.models import Q

    return residences.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gt=day))
