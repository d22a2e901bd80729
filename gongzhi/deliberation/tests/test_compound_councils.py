"""A compound (院落) may have its own council: it sits on an estate of the community's standard
address tree, and nowhere else."""

import pytest
from django.http import Http404

from gongzhi.conftest import SYSTEM
from gongzhi.deliberation import councils
from gongzhi.deliberation.models import DeliberationError

from .conftest import community, register  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_compound_council_sits_on_an_estate_of_its_community(cast, register):  # noqa: F811
    estate = register.h1.address.parent.parent.parent  # 锦绣花园
    council = councils.establish(actor=cast.community_worker, area=community(), kind="deliberation",
                                 name="锦绣花园院落议事会", compound=estate)
    assert (council.area_id, council.compound) == ("510107001001", estate)
    with pytest.raises(DeliberationError, match="小区/院落"):  # a building is no compound
        councils.establish(actor=cast.community_worker, area=community(), kind="deliberation", name="1栋议事会",
                           compound=register.h1.address.parent.parent)
    with pytest.raises(DeliberationError, match="小区/院落"):  # an estate of another community
        councils.establish(actor=SYSTEM, area=community("510107001002"), kind="deliberation", name="错社区",
                           compound=estate)
    with pytest.raises(DeliberationError, match="名称"):
        councils.establish(actor=cast.community_worker, area=community(), kind="deliberation", name="  ")


def test_a_compound_outside_the_workers_scope_is_not_found(cast, register):  # noqa: F811
    elsewhere = register.h3.address  # 春熙路 in 锦江区
    with pytest.raises(Http404):
        councils.establish(actor=cast.community_worker, area=community(), kind="deliberation", name="越界",
                           compound=elsewhere)
