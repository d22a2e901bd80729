"""The demo city: real codes above the grid, grids that tile, staff for every place, stable."""

import hashlib
import json

import pytest
from django.http import HttpRequest

from gongzhi.accounts import scoping
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.areas import codes, coverage
from gongzhi.areas.models import Area
from gongzhi.audit import log
from gongzhi.demo import seed
from gongzhi.orgs.models import Organization, OrgKind


@pytest.fixture
def small(db):
    return seed.seed(scale="small", seed=1)


def test_small_has_two_subdistricts_eight_communities_and_about_sixty_grids(small):
    counts = {level: Area.objects.unscoped().filter(level=level).count()
              for level in ("city", "district", "subdistrict", "community", "grid")}
    assert counts["city"] == 1 and counts["district"] == 1
    assert counts["subdistrict"] == 2 and counts["community"] == 8
    assert 48 <= counts["grid"] <= 72
    assert Area.objects.unscoped().get(code="510107000000").name == "武侯区"


def test_every_code_is_valid_for_its_level_and_parent(small):
    areas = {a.code: a for a in Area.objects.unscoped().all()}
    for a in areas.values():
        assert codes.level_problem(a.code, a.level) is None
        if a.parent_id:
            parent = areas[a.parent_id]
            assert codes.parent_problem(a.code, a.level, parent.code, parent.level) is None


def test_grids_tile_each_community_without_gaps(small):
    rows = coverage.coverage(Area.objects.unscoped())
    assert len(rows) == 8
    assert all(not r.gaps and r.covered_share > 0.9999 for r in rows)


def test_every_place_has_its_people_and_organisations(small):
    grids = Area.objects.unscoped().filter(level="grid")
    held = set(RoleAssignment.objects.unscoped().filter(role=Role.GRID_WORKER).values_list("area_id", flat=True))
    assert set(grids.values_list("code", flat=True)) <= held
    for community in Area.objects.unscoped().filter(level="community"):
        kinds = set(Organization.objects.unscoped().filter(area_id=community.code).values_list("kind", flat=True))
        assert {OrgKind.PARTY_COMMITTEE, OrgKind.WORKSTATION, OrgKind.RESIDENTS_COMMITTEE} <= kinds


def test_every_grid_has_households_shops_and_phones(small):
    from gongzhi.registry.models import Entity, House, Person, PhoneLink

    grids = set(Area.objects.unscoped().filter(level="grid").values_list("code", flat=True))
    assert set(Person.objects.unscoped().values_list("area_id", flat=True)) == grids
    assert House.objects.unscoped().count() == small.register["houses"] > 1000
    assert Entity.objects.unscoped().count() == small.register["entities"] > 50
    assert PhoneLink.objects.unscoped().filter(entity__isnull=False).count() == small.register["entities"]
    heads = Person.objects.unscoped().filter(relation_to_head="head").count()
    assert PhoneLink.objects.unscoped().filter(person__isnull=False).count() == heads


def test_the_demo_grid_worker_finds_their_residents_and_no_one_else(small, client):
    gridworker = User.objects.get(username="gridworker")
    from gongzhi.registry.models import Person

    visible = scoping.scoped(Person, gridworker)
    held = {g.area_prefix for g in scoping.grants(gridworker)}
    assert visible.exists() and set(visible.values_list("area_id", flat=True)) <= held


def test_one_demo_login_per_role_and_each_works(small, client):
    assert sorted(role for role, _, _ in small.logins) == sorted(Role.values)
    for role, username, password in small.logins:
        # Sign-in failures are counted per request (django-axes): a sign-in names its request.
        assert client.login(request=HttpRequest(), username=username, password=password), role
        user = User.objects.get(username=username)
        assert role in scoping.roles(user)


def test_the_same_seed_builds_the_same_city():
    def fingerprint(features):
        return hashlib.sha256(json.dumps([(f.code, f.name, f.geometry) for f in features]).encode()).hexdigest()

    a = seed.build_features(seed.SCALES["small"], 7)
    b = seed.build_features(seed.SCALES["small"], 7)
    c = seed.build_features(seed.SCALES["small"], 8)
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)


def test_running_it_again_reuses_what_exists(small):
    before = (Area.objects.unscoped().count(), Organization.objects.unscoped().count(), User.objects.count())
    again = seed.seed(scale="small", seed=1)
    after = (Area.objects.unscoped().count(), Organization.objects.unscoped().count(), User.objects.count())
    assert before == after
    assert again.areas_created == again.organizations == again.users == 0
    assert again.logins == small.logins
    assert log.verify().ok


def test_the_console_command_prints_role_username_password(tmp_path):
    """End to end as `./dev demo` runs it: a fresh SQLite database, migrate, seed-demo."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "GONGZHI_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "gongzhi.cli"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True)
    out = subprocess.run([*run, "seed-demo", "--scale", "small"], env=env, check=True,
                         capture_output=True, text=True).stdout
    logins = [line.split("  ") for line in out.splitlines() if line.count("  ") == 2]
    assert {row[0] for row in logins} == set(Role.values)
    verified = subprocess.run([*run, "audit", "verify"], env=env, check=True, capture_output=True, text=True)
    assert "intact" in verified.stdout


def test_the_demo_routes_cases_to_its_departments(small):
    from gongzhi.cases import routing
    from gongzhi.cases.models import Category

    grid = Area.objects.unscoped().filter(level="grid").order_by("code").first()
    unit = routing.suggest(Category.objects.get(code="street_vending"), grid.code)
    assert unit is not None and unit.kind == "city_management" and grid.code.startswith(unit.area_id[:6])
