"""Records kept past their purpose are de-identified (个人信息保护法 art. 47, GB/T 35273): a
person who moved out of the area or died more than GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS ago
keeps their place in the statistics (sex, birth year, residency, the dated moves) but loses
what identifies them (name, ID and passport numbers, phones, tags, the notes and history
values written about them). Run daily by the scheduler; each run is one audit entry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import TruncYear
from django.utils import timezone

from gongzhi.audit import log
from gongzhi.common.tasks import task

from .models import Person, PersonEvent, PersonEventKind, PersonStatus, PhoneLink, RecordChange

NAME = "（已去标识化）"
BATCH = 1000
SEALED = ("id_number", "passport_number")


def due(today: dt.date | None = None):
    """People whose purpose ended (moved out or died) longer ago than the period."""
    days = settings.GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS
    if not days:
        return Person.objects.unscoped().none()
    before = (today or timezone.localdate()) - dt.timedelta(days=days)
    ended = (PersonEvent.objects.unscoped().filter(person=OuterRef("pk"),
                                                   kind__in=[PersonEventKind.MOVE_OUT, PersonEventKind.DEATH])
             .values("person").annotate(last=Max("date")).values("last"))
    return (Person.objects.unscoped()  # a system task over every place
            .filter(status__in=[PersonStatus.MOVED_OUT, PersonStatus.DECEASED], deidentified_at__isnull=True)
            .annotate(ended_on=Subquery(ended)).filter(ended_on__lt=before))


def run(today: dt.date | None = None) -> int:
    """De-identifies everyone due, in batches (each its own transaction); returns how many."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(due(today).values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            people = Person.objects.unscoped().filter(pk__in=ids)
            blanks = {f"{name}_{part}": "" for name in SEALED for part in ("token", "digest", "masked")}
            people.update(name=NAME, name_pinyin="", name_initials="", ethnicity="", nationality="",
                          birth_date=TruncYear("birth_date"), died_on=TruncYear("died_on"),
                          deidentified_at=timezone.now(), **blanks)
            Person.tags.through.objects.filter(person_id__in=ids).delete()
            PhoneLink.objects.unscoped().filter(person_id__in=ids).delete()
            PersonEvent.objects.unscoped().filter(person_id__in=ids).update(note="")
            RecordChange.objects.unscoped().filter(target_type="person", target_id__in=ids).update(changes={})
            total += len(ids)
    if total:
        log.record("registry.people.deidentified", actor_name="system", target_type="registry.person",
                   changes={"people": total, "after_days": settings.GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS})
    return total


@task()
def deidentify_people() -> int:
    return run()
