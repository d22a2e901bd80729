"""A small register on the shared world: houses in G1 (C1), G3 (C2) and in 锦江区, people,
an entity and shared phones, all made through the registry's services."""

import datetime as dt
from dataclasses import dataclass

import pytest

from gongzhi.areas.models import Area
from gongzhi.conftest import C1, C2, SYSTEM
from gongzhi.registry import addresses, entities, houses, people, phones
from gongzhi.registry.models import Entity, House, Person

from .factories import id_number, uscc

ZHANG_ID = id_number("510107", "19800101", "123")  # a man (3 is odd)
LI_ID = id_number("510107", "19820315", "246")  # a woman
WANG_ID = id_number("511302", "19950720", "135")
SHARED_PHONE = "13812345678"
SHOP_PHONE = "028-85551234"


@dataclass
class Register:
    h1: House
    h2: House
    h3: House
    zhang: Person
    li: Person
    wang: Person
    smith: Person
    shop: Entity


def _house(community_code: str, parts, lon, lat) -> House:
    community = Area.objects.unscoped().get(code=community_code)
    address = addresses.ensure_address(community=community, components=parts, lon=lon, lat=lat)
    return houses.register_house(actor=SYSTEM, address=address)


def _standard_tags() -> None:
    """The tags a migration installs: a transactional test after another one's flush may find
    them gone, and the register needs them."""
    import importlib

    from gongzhi.registry.models import Tag

    for code, name in importlib.import_module("gongzhi.registry.migrations.0002_standard_tags").TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name})
    sensitive = importlib.import_module("gongzhi.registry.migrations.0011_sensitive_tags")
    for code, name in sensitive.SPECIAL_GROUPS:
        Tag.objects.get_or_create(code=code, defaults={"name": name, "sensitive": True})
    Tag.objects.filter(code__in=sensitive.FLAGGED).update(sensitive=True)


@pytest.fixture
def register(world) -> Register:
    _standard_tags()
    h1 = _house(C1, [("road", "桂溪路"), ("number", "18号"), ("estate", "锦绣花园"), ("building", "1栋"),
                     ("unit", "2单元"), ("room", "301")], 0.25, 0.5)
    h2 = _house(C2, [("road", "锦里路"), ("number", "6号"), ("building", "2幢"), ("unit", "1单元"),
                     ("room", "502室")], 0.25, 1.5)
    h3 = _house("510104001001", [("road", "春熙路"), ("number", "9号"), ("room", "101")], 3.0, 1.0)
    day = dt.date(2020, 1, 1)
    zhang = people.register_person(actor=SYSTEM, name="张三", residency="registered", id_number=ZHANG_ID, house=h1,
                                   relation_to_head="head", since=day, tags=["party_member"])
    li = people.register_person(actor=SYSTEM, name="李四", residency="registered", id_number=LI_ID, house=h1,
                                relation_to_head="spouse", since=day)
    wang = people.register_person(actor=SYSTEM, name="王五", residency="floating", id_number=WANG_ID, house=h2,
                                  tenure="rent", since=dt.date(2023, 3, 1))
    smith = people.register_person(actor=SYSTEM, name="John Smith", residency="overseas", passport_type="P",
                                   passport_number="E12345678", nationality="GBR", house=h3, since=day)
    estate = h1.address.parent.parent.parent  # 锦绣花园 (room › unit › building › estate)
    shop = entities.register_entity(actor=SYSTEM, kind="shop", name="成都锦绣便利店", uscc=uscc(), address=estate,
                                    legal_rep=zhang, business_scope="日用百货零售", headcount=3)
    phones.link_phone(actor=SYSTEM, number=SHARED_PHONE, person=zhang)
    phones.link_phone(actor=SYSTEM, number=SHARED_PHONE, person=li)
    phones.link_phone(actor=SYSTEM, number=SHOP_PHONE, entity=shop)
    return Register(h1, h2, h3, zhang, li, wang, smith, shop)
