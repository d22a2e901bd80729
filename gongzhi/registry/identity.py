"""Identity reviews: a number registered again by someone who cannot see the record holding it.

Telling that worker "already registered" would tell them the person lives elsewhere, so the
answer is the answer to a fresh number: the person is registered in the worker's place as a
provisional record (`Person.identity_check` pending, outside the unique constraints) and a
review is opened for the keepers of the existing record (community workers and dispatchers
whose scope holds it, found through scoping). They confirm it is the same person moving (the
existing record moves to the provisional record's house through the register's move rule,
takes what it lacked, and the provisional record is removed) or decline (the provisional
record stays, marked, for its worker to correct). Every step is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.common import actors

from . import history, people
from .models import (
    IdentityCheck,
    IdentityReview,
    IdentityReviewState,
    Person,
    PersonEvent,
    PersonEventKind,
    PersonStatus,
    PhoneLink,
    Residence,
)
from .people import RegistryError

MERGED = ("ethnicity", "relation_to_head")  # what the worker typed that the existing record may lack


def _user(actor: Any):
    return actors.user_or_none(actors.require(actor))


def open_reviews(*, actor: Any, pending: list[tuple[int, str, int | None, Person]]) -> list[IdentityReview]:
    """Opens a review for each (provisional person id, its area code, its house id, existing
    person), in the caller's transaction; a review already open for the same pair is kept."""
    if not pending:
        return []
    already = set(IdentityReview.objects.unscoped().filter(
        state=IdentityReviewState.OPEN, provisional_id__in=[p for p, *_rest in pending]
    ).values_list("provisional_id", "existing_id"))
    made = [IdentityReview(provisional_id=pk, existing=existing, house_id=house_id, registered_area_id=area,
                           registered_by=_user(actor), area_id=existing.area_id)
            for pk, area, house_id, existing in pending if (pk, existing.pk) not in already]
    IdentityReview.objects.bulk_create(made)
    for review in made:
        log.record("registry.identity_review.opened", actor=actor, target=review, changes={
            "provisional": review.provisional_id, "existing": review.existing_id,
            "registered_area": review.registered_area_id})
    return made


def open_review(*, actor: Any, provisional: Person, existing: Person) -> IdentityReview | None:
    made = open_reviews(actor=actor, pending=[(provisional.pk, provisional.area_id, provisional.house_id, existing)])
    return made[0] if made else None


def renumbered(*, actor: Any, person: Person) -> None:
    """The provisional record's number was corrected: its open review has nothing left to decide."""
    for review in IdentityReview.objects.unscoped().select_for_update().filter(
            provisional=person, state=IdentityReviewState.OPEN):
        _close(actor=actors.SystemActor(_("证件号码已更正")), review=review, state=IdentityReviewState.DECLINED,
               reason=_("登记人已更正证件号码"))
        log.record("registry.identity_review.withdrawn", actor=actor, target=review,
                   changes={"provisional": person.pk})


def kept(user: Any) -> models.QuerySet[IdentityReview]:
    """The reviews the user keeps: those whose existing record lies in the user's scope."""
    return scoping.scoped(IdentityReview, user).select_related(
        "provisional__house__address", "existing__house__address", "house__address", "registered_area",
        "registered_by", "decided_by")


def _locked(actor: Any, review: IdentityReview) -> IdentityReview:
    """The review re-read through the keeper's scope, locked; an open one only."""
    found = scoping.restrict(IdentityReview.objects.select_for_update().filter(pk=review.pk), actor).first()
    if found is None:
        raise scoping.OutOfScope(f"identity review {review.pk} is outside your scope")
    if found.state != IdentityReviewState.OPEN:
        raise RegistryError(_("该核实已处理（%(s)s）") % {"s": found.get_state_display()})
    return found


def _close(*, actor: Any, review: IdentityReview, state: str, reason: str) -> None:
    review.state, review.decided_by, review.decided_at, review.reason = state, _user(actor), timezone.now(), reason
    review.save(update_fields=["state", "decided_by", "decided_at", "reason"])


@transaction.atomic
def decline(*, actor: Any, review: IdentityReview, reason: str) -> IdentityReview:
    """Not the same person, or not moving: the provisional record stays with its worker,
    marked "身份证号核实未通过" so that they correct it."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RegistryError(_("请填写核实未通过的原因（至少2个字）"), "reason")
    review = _locked(actor, review)
    provisional = Person.objects.unscoped().select_for_update().filter(pk=review.provisional_id).first()
    if provisional is not None:
        provisional.identity_check = IdentityCheck.DECLINED
        provisional.save(update_fields=["identity_check", "updated_at"])
        history.record(actor=actor, obj=provisional, action="identity_declined",
                       changes={"identity_check": [IdentityCheck.PENDING.label, IdentityCheck.DECLINED.label]})
    _close(actor=actor, review=review, state=IdentityReviewState.DECLINED, reason=reason)
    log.record("registry.identity_review.declined", actor=actor, target=review, changes={
        "provisional": review.provisional_id, "existing": review.existing_id, "reason": reason})
    return review


@transaction.atomic
def confirm(*, actor: Any, review: IdentityReview, reason: str = "") -> IdentityReview:
    """The same person, moving: the existing record takes what the worker typed that it lacks
    (particulars, phones, tags, the provisional record's links), moves to the provisional
    record's house through the register's move rule (its history says so), and the
    provisional record is removed. The registering worker then sees the real record."""
    review = _locked(actor, review)
    provisional = Person.objects.unscoped().select_for_update().filter(pk=review.provisional_id).first()
    existing = Person.objects.unscoped().select_for_update().filter(pk=review.existing_id).first()
    if provisional is None or existing is None:
        raise RegistryError(_("登记记录已不存在，无法确认"))
    if existing.status == PersonStatus.DECEASED:
        raise RegistryError(_("已有记录已登记死亡，不能确认为同一人迁入"))
    scoping.ensure_in_scope(existing, actor)
    lacking = {f: getattr(provisional, f) for f in MERGED if getattr(provisional, f) and not getattr(existing, f)}
    if lacking:
        people.update_person(actor=actor, person=existing, **lacking)
    phones = _take_phones(provisional, existing)
    existing.tags.add(*provisional.tags.all())
    _take_links(provisional, existing)
    moved_from = existing.area_id
    _move(actor, provisional, existing)
    Person.objects.unscoped().filter(pk=provisional.pk).delete()
    history.record(actor=actor, obj=existing, action="identity_confirmed", changes={
        "merged_from": provisional.pk, "phones": phones, "area": [moved_from, existing.area_id],
        "registered_by": review.registered_by.get_username() if review.registered_by else "system"})
    _close(actor=actor, review=review, state=IdentityReviewState.CONFIRMED, reason=(reason or "").strip())
    log.record("registry.identity_review.confirmed", actor=actor, target=review, changes={
        "provisional": provisional.pk, "existing": existing.pk, "house": review.house_id, "reason": review.reason})
    return review


def _take_phones(provisional: Person, existing: Person) -> list[str]:
    """The provisional record's phones the existing one lacks become the existing one's (masked
    in the answer, for the history)."""
    held = set(PhoneLink.objects.unscoped().filter(person=existing).values_list("phone_id", flat=True))
    links = list(PhoneLink.objects.unscoped().filter(person=provisional).exclude(phone_id__in=held)
                 .select_related("phone"))
    PhoneLink.objects.unscoped().filter(pk__in=[link.pk for link in links]).update(person=existing)
    return sorted(link.phone.number_masked for link in links)


def _take_links(provisional: Person, existing: Person) -> None:
    """What else names the provisional record (a case, a legal representative, a topic's
    proposer) names the existing one; a link the existing record already has is dropped."""
    own = {Residence, PhoneLink, IdentityReview, PersonEvent}
    for rel in Person._meta.related_objects:
        if rel.many_to_many:
            model = rel.through
            name = next(f.name for f in model._meta.fields if f.related_model is Person)
        elif rel.related_model in own or rel.on_delete is models.CASCADE:
            continue
        else:
            model, name = rel.related_model, rel.field.name
        for row in model._base_manager.filter(**{name: provisional}):
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=row.pk).update(**{name: existing})
            except IntegrityError:
                model._base_manager.filter(pk=row.pk).delete()  # the existing record has this link already


def _move(actor: Any, provisional: Person, existing: Person) -> None:
    """The existing record moves to where the provisional one was registered: the provisional
    residence's house and start (today if that is before the existing record's own)."""
    note = _("身份核实：确认为同一人迁入")
    residence = Residence.objects.unscoped().filter(person=provisional, end__isnull=True).first()
    if existing.house_id is not None and existing.house_id == provisional.house_id:
        return
    if provisional.house is None:  # registered in a grid or community, at no house
        today = dt.date.today()
        people._close_residence(existing, today)
        existing.house, existing.area_id = None, provisional.area_id
        existing.save(update_fields=["house", "area", "updated_at"])
        PhoneLink.objects.unscoped().filter(person=existing).update(area_id=existing.area_id)
        PersonEvent.objects.create(person=existing, kind=PersonEventKind.MOVE_IN, date=today, note=note,
                                   recorded_by=_user(actor), area_id=existing.area_id)
        return
    current = Residence.objects.unscoped().filter(person=existing, end__isnull=True).first()
    day = residence.start if residence is not None else dt.date.today()
    if current is not None and day < current.start:
        day = dt.date.today()
    people.move_in(actor=actor, person=existing, house=provisional.house, day=day,
                   relation_to_head=residence.relation_to_head if residence else provisional.relation_to_head,
                   tenure=residence.tenure if residence else "own", note=note, handover=True)
