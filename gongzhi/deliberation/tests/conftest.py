"""Deliberation's test world: on the shared register, a residents' council of 洗面桥社区 (C1)
with members living there, built through the services."""

import datetime as dt

import pytest

from gongzhi.conftest import C1, SYSTEM
from gongzhi.deliberation import councils, procedures
from gongzhi.deliberation.models import ProcedureTemplate
from gongzhi.registry import people
from gongzhi.registry.tests.factories import id_number

TERM = dt.date(2025, 1, 1)


def residents(reg, n: int, start: int = 500) -> list:
    """`n` more residents of house h1 (in C1)."""
    return [people.register_person(actor=SYSTEM, name=f"居民{i}", residency="registered",
                                   id_number=id_number("510107", "19700101", f"{start + i:03d}"[-3:]),
                                   house=reg.h1, relation_to_head="other", since=dt.date(2020, 1, 1))
            for i in range(n)]


@pytest.fixture
def council(cast, register):  # noqa: F811  (the fixture imported below)
    """洗面桥社区居民议事会: 张三 (convener), 李四 (recorder) and three more members."""
    c = councils.establish(actor=cast.community_worker, area=community(), kind="deliberation",
                           name="洗面桥社区居民议事会")
    councils.add_member(actor=cast.community_worker, council=c, person=register.zhang, role="convener",
                        term_start=TERM)
    councils.add_member(actor=cast.community_worker, council=c, person=register.li, role="recorder", term_start=TERM)
    for person in residents(register, 3):
        councils.add_member(actor=cast.community_worker, council=c, person=person, term_start=TERM)
    return c


def community(code: str = C1):
    from gongzhi.areas.models import Area

    return Area.objects.unscoped().get(code=code)


@pytest.fixture
def templates(db):
    procedures.load_defaults()
    return {t.code: t for t in ProcedureTemplate.objects.all()}


from gongzhi.registry.tests.conftest import register  # noqa: E402, F401  (the register's test world)
