"""The scope rule, role by role: who sees which places, and that nothing reads around it."""

import pytest
from django.db import transaction
from django.http import Http404

from gongzhi.accounts import scoping
from gongzhi.areas.models import Area
from gongzhi.common.scoped import ScopeNotApplied, unscoped_access
from gongzhi.conftest import C1, C2, CITY, G1, G2, G3, G4, JINJIANG, S1, S2, WUHOU

ALL = {a["properties"]["code"] for a in __import__("gongzhi.conftest", fromlist=["WORLD"]).WORLD}
UNDER_S1 = {S1, C1, C2, G1, G2, G3, G4}
UNDER_WUHOU = {c for c in ALL if c.startswith("510107")}

VISIBLE_AREAS = [
    ("grid_worker", {G1}),
    ("other_grid_worker", {G3}),
    ("community_worker", {C1, G1, G2}),
    ("dispatcher", UNDER_S1),
    ("city_dispatcher", ALL),
    ("leader", UNDER_WUHOU),
    # A handler's department sits on S1: places are never routed, so it sees S1's places.
    ("handler", UNDER_S1),
    ("org_staff", set()),  # held on an organisation, not a place
    ("system_admin", ALL),
    ("security_admin", ALL),
    ("audit_admin", set()),  # the audit administrator reads the audit log and nothing else
    ("multi", {G1, C2, G3, G4}),
    ("revoked", set()),
    ("nobody", set()),
]


@pytest.mark.parametrize(("who", "expected"), VISIBLE_AREAS)
def test_each_role_lists_exactly_its_places(cast, who, expected):
    user = getattr(cast, who)
    assert set(scoping.scoped(Area, user).values_list("code", flat=True)) == expected


@pytest.mark.parametrize(("who", "expected"), VISIBLE_AREAS)
def test_opening_a_place_outside_scope_is_404(cast, who, expected):
    user = getattr(cast, who)
    for code in ALL:
        if code in expected:
            assert scoping.get_in_scope_or_404(Area, user, code=code).code == code
        else:
            with pytest.raises(Http404):
                scoping.get_in_scope_or_404(Area, user, code=code)


def test_out_of_scope_and_missing_are_the_same_answer(cast):
    with pytest.raises(Http404) as missing:
        scoping.get_in_scope_or_404(Area, cast.grid_worker, code="999999999999")
    with pytest.raises(Http404) as hidden:
        scoping.get_in_scope_or_404(Area, cast.grid_worker, code=JINJIANG)
    assert str(missing.value) == str(hidden.value)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not scoping.scoped(Area, AnonymousUser()).exists()


def test_deactivated_account_sees_nothing(cast):
    user = cast.dispatcher
    user.is_active = False
    user.save()
    assert not scoping.scoped(Area, user).exists()


def test_revoking_takes_effect_on_the_next_request(cast):
    from gongzhi.accounts import services

    user = cast.community_worker
    assert scoping.scoped(Area, user).exists()
    assignment = user.assignments.unscoped().get()
    services.revoke_role(actor=cast.system_admin, assignment=assignment)
    assert not scoping.scoped(Area, cast.community_worker).exists()


def test_reading_a_scoped_model_without_scope_fails_closed(world):
    with pytest.raises(ScopeNotApplied):
        list(Area.objects.all())
    with pytest.raises(ScopeNotApplied):
        Area.objects.filter(level="grid").count()
    with pytest.raises(ScopeNotApplied):
        Area.objects.get(code=CITY)
    with pytest.raises(ScopeNotApplied):
        Area.objects.filter(code=CITY).update(name="x")
    assert Area.objects.unscoped().filter(code=CITY).exists()
    with unscoped_access():
        assert Area.objects.filter(code=CITY).exists()


def test_scope_survives_further_filtering(cast):
    qs = scoping.scoped(Area, cast.community_worker).filter(level="grid").order_by("-code")
    assert list(qs.values_list("code", flat=True)) == [G2, G1]


def test_a_write_that_leaves_scope_rolls_back(cast, world):
    area = Area.objects.unscoped().get(code=G1)
    with pytest.raises(scoping.OutOfScope), transaction.atomic():
        Area.objects.unscoped().filter(code=G1).update(name="改名")
        scoping.ensure_in_scope(Area.objects.unscoped().get(code=S2), cast.grid_worker)
    area.refresh_from_db()
    assert area.name == "洗面桥第1网格"


def test_prefix_match_uses_the_significant_digits_only(cast):
    # 510107 (武侯区) must not pull in 5101070… of another county that merely shares padding.
    leader_codes = set(scoping.scoped(Area, cast.leader).values_list("code", flat=True))
    assert JINJIANG not in leader_codes and WUHOU in leader_codes


def test_narrowing_to_a_place_never_widens_scope(cast):
    mine = scoping.scoped(Area, cast.dispatcher)
    assert set(scoping.under(mine, C1).values_list("code", flat=True)) == {C1, G1, G2}
    assert not scoping.under(mine, JINJIANG).exists()  # outside the dispatcher's subdistrict
    assert set(scoping.under(mine, "5101070010").values_list("code", flat=True)) == UNDER_S1  # a bare prefix
    # An unscoped system queryset narrowed to an area is readable (an API key's area is its scope).
    assert scoping.under(Area.objects.unscoped(), WUHOU).count() == len(UNDER_WUHOU)
