"""Routing: the most specific rule wins; no rule, no suggestion."""

from gongzhi.cases import categories, routing
from gongzhi.cases.models import Category, RoutingRule
from gongzhi.conftest import G1, S1, WUHOU
from gongzhi.orgs.models import Department


def test_the_most_specific_rule_wins(world, departments):
    categories.load_defaults()
    leaf = Category.objects.get(code="street_vending")
    district_unit = Department.objects.create(kind="city_management", name="武侯区城管局", area_id=WUHOU)
    RoutingRule.objects.create(category=leaf.parent, area_id=WUHOU, department=district_unit)
    assert routing.suggest(leaf, G1) == district_unit
    RoutingRule.objects.create(category=leaf.parent, area_id=S1, department=departments["s1_city_management"])
    assert routing.suggest(leaf, G1) == departments["s1_city_management"]  # the subdistrict's rule
    RoutingRule.objects.create(category=leaf, area_id=WUHOU, department=departments["district_housing"])
    assert routing.suggest(leaf, G1) == departments["district_housing"]  # a leaf's rule beats its top's
    assert routing.suggest(leaf, "510104001001001") is None  # 锦江 has no rule
