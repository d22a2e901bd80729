"""Routing: the most specific rule wins; no rule, no suggestion."""

from gongzhi.cases import categories, routing
from gongzhi.cases.models import Category, RoutingRule
from gongzhi.conftest import G1, S1, WUHOU, sign_in
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


def test_many_places_at_once_get_what_each_gets_alone(world, departments):
    categories.load_defaults()
    leaf = Category.objects.get(code="street_vending")
    other = Category.objects.get(code="noise")
    district_unit = Department.objects.create(kind="city_management", name="武侯区城管局", area_id=WUHOU)
    RoutingRule.objects.create(category=leaf.parent, area_id=WUHOU, department=district_unit)
    RoutingRule.objects.create(category=leaf.parent, area_id=S1, department=departments["s1_city_management"])
    RoutingRule.objects.create(category=other, area_id=WUHOU, department=departments["district_housing"])
    places = [G1, S1, WUHOU, "510107002001001", "510104001001001"]
    many = routing.suggest_many([leaf, other], places)
    assert many == {(c.pk, p): routing.suggest(c, p) for c in (leaf, other) for p in places}
    assert many[(leaf.pk, G1)] == departments["s1_city_management"] and many[(leaf.pk, "510104001001001")] is None


def test_dispatchers_keep_routing_rules_of_their_own_area_in_the_admin(client, cast, departments):
    categories.load_defaults()
    leaf = Category.objects.get(code="street_vending")
    RoutingRule.objects.create(category=leaf, area_id="510104000000", department=departments["district_housing"])
    sign_in(client, cast.dispatcher)
    assert "510104000000" not in client.get("/admin/cases/routingrule/").content.decode()
    response = client.post("/admin/cases/routingrule/add/", {
        "category": leaf.pk, "area": S1, "department": departments["s1_city_management"].pk, "is_active": "on"})
    assert response.status_code == 302
    outside = client.post("/admin/cases/routingrule/add/", {
        "category": leaf.pk, "area": "510104000000", "department": departments["s1_city_management"].pk})
    assert outside.status_code == 200 and RoutingRule.objects.count() == 2
