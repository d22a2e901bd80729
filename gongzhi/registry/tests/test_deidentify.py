"""Records past their purpose lose what identifies a person; the statistics they feed stay."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import SYSTEM
from gongzhi.registry import deidentify, people, search
from gongzhi.registry.models import Person, PhoneLink, RecordChange
from gongzhi.registry.tests.conftest import ZHANG_ID

pytestmark = pytest.mark.django_db


def test_a_person_long_moved_out_is_deidentified(register, settings):
    settings.GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS = 365
    today = timezone.localdate()
    people.move_out(actor=SYSTEM, person=register.zhang, day=today - dt.timedelta(days=400), note="迁往北京市朝阳区某街")
    people.move_out(actor=SYSTEM, person=register.li, day=today - dt.timedelta(days=100))  # still within the period
    assert deidentify.run() == 1
    zhang = Person.objects.unscoped().get(pk=register.zhang.pk)
    assert zhang.name == deidentify.NAME and zhang.id_number_token == "" and zhang.id_number_masked == ""
    assert zhang.birth_date == dt.date(1980, 1, 1) and zhang.sex == "male"  # the year and sex stay for statistics
    assert not zhang.tags.exists() and not PhoneLink.objects.unscoped().filter(person=zhang).exists()
    assert zhang.events.unscoped().filter(kind="move_out").get().note == ""
    assert all(c.changes == {} for c in RecordChange.objects.unscoped().filter(target_type="person",
                                                                                target_id=zhang.pk))
    assert Person.objects.unscoped().get(pk=register.li.pk).name == "李四"
    assert AuditEntry.objects.filter(action="registry.people.deidentified", changes__people=1).exists()
    assert deidentify.run() == 0  # once


def test_a_deidentified_person_is_no_longer_found_by_id_number(register, cast, settings):
    settings.GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS = 30
    people.record_death(actor=SYSTEM, person=register.zhang, day=timezone.localdate() - dt.timedelta(days=31))
    deidentify.run()
    assert register.zhang.pk not in [p.pk for p in search.search(cast.grid_worker, ZHANG_ID).people]


def test_zero_days_means_never(register, settings):
    settings.GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS = 0
    people.move_out(actor=SYSTEM, person=register.zhang, day=dt.date(2021, 1, 1))
    assert deidentify.run() == 0


def test_scheduled_jobs_run_as_tasks(register, settings):
    settings.GONGZHI_DEIDENTIFY_PEOPLE_AFTER_DAYS = 30
    people.move_out(actor=SYSTEM, person=register.wang, day=dt.date(2024, 1, 1))
    deidentify.deidentify_people.enqueue()  # the immediate backend in tests runs it on commit
    assert Person.objects.unscoped().get(pk=register.wang.pk).deidentified_at is not None
