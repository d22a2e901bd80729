"""People through their lives: registration rules, moves, death, who lived where on a date."""

import datetime as dt

import pytest

from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import SYSTEM
from gongzhi.registry import people
from gongzhi.registry.models import Person, PersonEvent, RecordChange, Residence

from .conftest import ZHANG_ID
from .factories import id_number


def test_birth_date_and_sex_come_from_the_id_number(register):
    zhang = register.zhang
    assert zhang.birth_date == dt.date(1980, 1, 1) and zhang.sex == "male"
    assert register.li.sex == "female"
    assert zhang.name_pinyin == "zhangsan" and zhang.name_initials == "zs"


def test_the_id_number_is_sealed_and_shown_masked(register):
    zhang = register.zhang
    assert str(zhang.id_number) == ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:]
    assert ZHANG_ID not in zhang.id_number_token
    assert zhang.id_number.reveal() == ZHANG_ID


def test_an_id_number_is_registered_once(register):
    with pytest.raises(people.RegistryError, match="已登记") as err:
        people.register_person(actor=SYSTEM, name="张三", residency="registered", id_number=ZHANG_ID,
                               area_code=register.h1.area_id)
    assert err.value.field == "id_number"


def test_birth_date_must_agree_with_the_id_number(world, register):
    with pytest.raises(people.RegistryError, match="出生日期") as err:
        people.register_person(actor=SYSTEM, name="赵六", residency="registered", area_code=register.h1.area_id,
                               id_number=id_number(born="19900101"), birth_date=dt.date(1990, 1, 2))
    assert err.value.field == "birth_date"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "", "residency": "registered"}, "name"),
    ({"name": "赵六", "residency": "tourist"}, "residency"),
    ({"name": "赵六", "residency": "registered"}, "id_number"),
    ({"name": "赵六", "residency": "registered", "id_number": "510107198001011234"}, "id_number"),
    ({"name": "Anna", "residency": "overseas", "passport_number": "X1"}, "passport_number"),
    ({"name": "Anna", "residency": "overseas", "passport_type": "visa", "passport_number": "E7654321",
      "nationality": "GBR"}, "passport_type"),
    ({"name": "赵六", "residency": "registered", "id_number": id_number(serial="901"), "tenure": "squat"}, "tenure"),
])
def test_incomplete_or_wrong_registrations_name_the_field(register, kwargs, field):
    with pytest.raises(people.RegistryError) as err:
        people.register_person(actor=SYSTEM, area_code=register.h1.area_id, **kwargs)
    assert err.value.field == field
    assert Person.objects.unscoped().count() == 4


def test_a_move_and_a_correction_take_only_known_codes(register):
    with pytest.raises(people.RegistryError) as err:
        people.move_in(actor=SYSTEM, person=register.wang, house=register.h1, day=dt.date(2024, 1, 1), tenure="squat")
    assert err.value.field == "tenure"
    with pytest.raises(people.RegistryError) as err:
        people.update_person(actor=SYSTEM, person=register.smith, passport_type="visa")
    assert err.value.field == "passport_type"


def test_moving_house_closes_one_residence_and_opens_the_next(register):
    wang = people.move_in(actor=SYSTEM, person=register.wang, house=register.h1, day=dt.date(2024, 6, 1),
                          tenure="rent")
    assert wang.house == register.h1 and wang.area_id == register.h1.area_id
    residences = list(Residence.objects.unscoped().filter(person=wang).order_by("start"))
    assert [(r.house_id, r.start, r.end) for r in residences] == [
        (register.h2.pk, dt.date(2023, 3, 1), dt.date(2024, 6, 1)),
        (register.h1.pk, dt.date(2024, 6, 1), None),
    ]
    assert PersonEvent.objects.unscoped().filter(person=wang, kind="change_house").exists()


def test_who_lived_here_on_a_date(register):
    people.move_in(actor=SYSTEM, person=register.wang, house=register.h1, day=dt.date(2024, 6, 1), tenure="rent")
    people.move_out(actor=SYSTEM, person=register.li, day=dt.date(2025, 1, 1))
    residences = Residence.objects.unscoped().filter(house=register.h1)

    def names(day):
        return sorted(r.person.name for r in people.residences_on(residences, day))

    assert names(dt.date(2019, 12, 31)) == []
    assert names(dt.date(2020, 1, 1)) == ["张三", "李四"]
    assert names(dt.date(2024, 6, 1)) == ["张三", "李四", "王五"]
    assert names(dt.date(2025, 1, 1)) == ["张三", "王五"]  # the day she left, she no longer lived there


def test_death_ends_the_residence_and_the_register_refuses_later_moves(register):
    people.record_death(actor=SYSTEM, person=register.zhang, day=dt.date(2025, 3, 3))
    zhang = Person.objects.unscoped().get(pk=register.zhang.pk)
    assert zhang.status == "deceased" and zhang.house is None
    with pytest.raises(people.RegistryError, match="死亡"):
        people.move_in(actor=SYSTEM, person=zhang, house=register.h2, day=dt.date(2025, 4, 1))


def test_a_move_cannot_predate_the_residence(register):
    with pytest.raises(people.RegistryError, match="早于"):
        people.move_out(actor=SYSTEM, person=register.zhang, day=dt.date(2019, 1, 1))
    assert Residence.objects.unscoped().filter(person=register.zhang, end__isnull=True).exists()


def test_changes_keep_history_with_masked_values_only(register):
    new_id = id_number("510107", "19800101", "135")
    people.update_person(actor=SYSTEM, person=register.zhang, name="张叁", id_number=new_id)
    change = RecordChange.objects.unscoped().filter(target_type="person", target_id=register.zhang.pk,
                                                    action="changed").get()
    assert change.changes["name"] == ["张三", "张叁"]
    old_masked, new_masked = change.changes["id_number_masked"]
    assert old_masked.endswith(ZHANG_ID[-4:]) and new_masked.endswith(new_id[-4:])
    for text in (str(change.changes), str(AuditEntry.objects.filter(action="registry.person.changed").get().changes)):
        assert ZHANG_ID not in text and new_id not in text


