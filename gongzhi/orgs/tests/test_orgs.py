"""Organisations and departments: on the right level of place, scoped, with default duties."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.conftest import C1, C2, G1, S1, SYSTEM, sign_in
from gongzhi.orgs import services
from gongzhi.orgs.models import DEFAULT_DUTIES, Department, DepartmentKind, Organization, OrgKind


@pytest.fixture
def organizations(world):
    return services.add_organizations(actor=SYSTEM, organizations=[
        Organization(kind=OrgKind.PARTY_COMMITTEE, name="洗面桥社区综合党委", area_id=C1),
        Organization(kind=OrgKind.RESIDENTS_COMMITTEE, name="锦里社区居民委员会", area_id=C2),
        Organization(kind=OrgKind.PARTY_BRANCH, name="洗面桥第1网格党支部", area_id=G1, duties="自定职责"),
    ])


def test_blank_duties_take_the_kinds_default(organizations):
    committee, _, branch = organizations
    assert committee.duties == str(DEFAULT_DUTIES[OrgKind.PARTY_COMMITTEE])
    assert branch.duties == "自定职责"


def test_an_organisation_must_sit_on_a_community_or_grid(world):
    with pytest.raises(ValidationError):
        services.add_organizations(actor=SYSTEM, organizations=[
            Organization(kind=OrgKind.WORKSTATION, name="街道工作站", area_id=S1)])
    assert not Organization.objects.unscoped().exists()


def test_a_department_must_sit_on_city_district_or_subdistrict(world):
    with pytest.raises(ValidationError):
        services.add_departments(actor=SYSTEM, departments=[
            Department(kind=DepartmentKind.POLICE, name="社区警务室", area_id=C1)])


def test_adding_the_same_departments_twice_adds_them_once(world):
    deps = [Department(kind=DepartmentKind.POLICE, name="浆洗街派出所", area_id=S1)]
    assert len(services.add_departments(actor=SYSTEM, departments=deps)) == 1
    again = [Department(kind=DepartmentKind.POLICE, name="浆洗街派出所", area_id=S1)]
    assert services.add_departments(actor=SYSTEM, departments=again) == []


# The cast's social organisations (gongzhi/conftest.py): 洗面桥邻里互助社 in C1, whose staff
# member is the cast's org_staff, and 锦里社工服务中心 in C2.
@pytest.mark.parametrize(("who", "names"), [
    ("grid_worker", {"洗面桥第1网格党支部"}),
    ("community_worker", {"洗面桥社区综合党委", "洗面桥第1网格党支部", "洗面桥邻里互助社"}),
    ("multi", {"锦里社区居民委员会", "洗面桥第1网格党支部", "锦里社工服务中心"}),
    ("dispatcher", {"洗面桥社区综合党委", "锦里社区居民委员会", "洗面桥第1网格党支部", "洗面桥邻里互助社",
                    "锦里社工服务中心"}),
    # An organisation's staff: their own organisation, not the others of its community.
    ("org_staff", {"洗面桥邻里互助社"}),
])
def test_organisations_are_listed_within_scope(client, cast, organizations, who, names):
    sign_in(client, getattr(cast, who))
    body = client.get("/api/v1/organizations").json()
    assert {o["name"] for o in body["items"]} == names


@pytest.mark.parametrize("who", ["security_admin", "audit_admin", "nobody"])
def test_roles_without_the_permission_are_refused_organisations(client, cast, organizations, who):
    # The security administrator's scope holds places, but the role may not read organisations.
    sign_in(client, getattr(cast, who))
    one = Organization.objects.unscoped().order_by("pk").first()
    assert client.get("/api/v1/organizations").status_code == 403
    assert client.get(f"/api/v1/organizations/{one.pk}").status_code == 403


def test_a_handler_sees_only_their_own_department(client, cast, departments):
    sign_in(client, cast.handler)
    body = client.get("/api/v1/departments").json()
    assert [d["name"] for d in body["items"]] == ["浆洗街城管执法中队"]
    other = departments["district_housing"].pk
    assert client.get(f"/api/v1/departments/{other}").status_code == 404


def test_organisation_detail_outside_scope_is_404(client, cast, organizations):
    sign_in(client, cast.grid_worker)
    committee = organizations[0]
    assert client.get(f"/api/v1/organizations/{committee.pk}").status_code == 404
    sign_in(client, cast.community_worker)
    assert client.get(f"/api/v1/organizations/{committee.pk}").json()["kind"] == "party_committee"


def test_an_organisations_staff_see_their_own_record_not_its_children(client, cast, social_orgs):
    """Children (a party committee's branches) have staff of their own: a grant on the parent
    does not reach them."""
    own = social_orgs["c1_social_org"]
    child = Organization.objects.create(kind=OrgKind.SOCIAL_ORG, name="互助社志愿服务队", area_id=G1, parent=own)
    sign_in(client, cast.org_staff)
    assert client.get(f"/api/v1/organizations/{own.pk}").json()["name"] == "洗面桥邻里互助社"
    assert client.get(f"/api/v1/organizations/{child.pk}").status_code == 404
    assert client.get(f"/api/v1/organizations/{social_orgs['c2_social_org'].pk}").status_code == 404
    # Their role is held on the organisation: no place, department or register comes with it.
    assert client.get("/api/v1/departments").status_code == 403
    assert client.get("/api/v1/areas").status_code == 403


def test_the_organisation_staff_role_is_the_one_accounts_grants():
    # orgs names the role by its value (it sits below accounts): the two must stay one role.
    from gongzhi.accounts.roles import ORGANIZATION_ROLES
    from gongzhi.orgs import models

    assert models.ORGANIZATION_ROLES == ORGANIZATION_ROLES
