"""Holders besides places (issue 16 item 5): a role held on an organisation, whose staff see
what names that organisation, and grants naming sensitive categories, without which a person
in a sensitive group stays out of sight."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts import scoping, services
from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C1, C2, G1, JINJIANG, PASSWORD, SYSTEM
from gongzhi.orgs.models import Department, Organization, OrgKind
from gongzhi.registry import people, phones
from gongzhi.registry.models import Person, PersonEvent, PhoneLink, Residence, Tag
from gongzhi.registry.tests.factories import id_number

DRUG, MENTAL = "drug", "mental"


@pytest.fixture
def newcomer(cast):
    # Created by the security administrator: the system administrator grants its roles.
    return services.create_staff(actor=cast.security_admin, username="newcomer", password=PASSWORD)


@pytest.fixture
def groups(db):
    """Two sensitive groups and a plain tag (the migration installs them; a flushed database
    after a transactional test may not have them)."""
    for code, name, sensitive in ((DRUG, "吸毒人员", True), (MENTAL, "严重精神障碍患者", True),
                                  ("elderly", "老年人", False)):
        Tag.objects.update_or_create(code=code, defaults={"name": name, "sensitive": sensitive})


@pytest.fixture
def residents(world, groups):
    """In G1: 甲 in no group, 乙 in the drug group (with a phone), 丙 in both groups."""
    from gongzhi.registry import addresses, houses

    address = addresses.ensure_address(community=world[C1], lon=0.25, lat=0.5,
                                       components=[("road", "桂溪路"), ("number", "8号"), ("room", "101")])
    house = houses.register_house(actor=SYSTEM, address=address)

    def person(name: str, serial: str, tags: list[str]) -> Person:
        return people.register_person(actor=SYSTEM, name=name, residency="registered", house=house,
                                      id_number=id_number(born="19700101", serial=serial), tags=tags,
                                      since=dt.date(2020, 1, 1))

    made = {"甲": person("甲", "111", ["elderly"]), "乙": person("乙", "113", [DRUG]),
            "丙": person("丙", "115", [DRUG, MENTAL])}
    phones.link_phone(actor=SYSTEM, number="13900001111", person=made["乙"])
    return made


def grant(user, role=Role.COMMUNITY_WORKER, code=C1, categories=(), **holder):
    where = holder or {"area": Area.objects.unscoped().get(code=code)}
    return services.assign_role(actor=SYSTEM, user=user, role=role, categories=categories, **where)


def seen(model, user) -> set[str]:
    scoping.forget(user)
    field = "name" if model is Person else "person__name"
    return set(scoping.scoped(model, user).values_list(field, flat=True))


# ---------------------------------------------------------------- a role held on an organisation
def test_an_organisations_staff_see_its_record_and_no_other(cast, social_orgs):
    own = social_orgs["c1_social_org"]
    beside = Organization.objects.create(kind=OrgKind.WORKSTATION, name="洗面桥社区工作站", area_id=C1)
    child = Organization.objects.create(kind=OrgKind.PARTY_BRANCH, name="互助社党支部", area_id=G1, parent=own)
    visible = set(scoping.scoped(Organization, cast.org_staff).values_list("pk", flat=True))
    assert visible == {own.pk}
    assert not {beside.pk, child.pk, social_orgs["c2_social_org"].pk} & visible
    # The community worker of C1 sees all of C1's organisations, as before.
    assert {own.pk, beside.pk, child.pk} <= set(scoping.scoped(Organization, cast.community_worker)
                                                .values_list("pk", flat=True))


@pytest.mark.parametrize("model", [Area, Department, Person, RoleAssignment])
def test_models_naming_no_organisation_show_its_staff_nothing(cast, residents, model):
    assert not scoping.scoped(model, cast.org_staff).exists()


def test_the_organisation_role_is_held_on_an_organisation_and_nothing_else(cast, world, departments, social_orgs,
                                                                           newcomer):
    org, admin = social_orgs["c1_social_org"], cast.system_admin
    tries = [
        ({"role": Role.ORG_STAFF, "area": world[C1]}, "organization"),
        ({"role": Role.ORG_STAFF, "organization": org, "area": world[C1]}, "organization"),
        ({"role": Role.GRID_WORKER, "organization": org}, "area"),
        ({"role": Role.GRID_WORKER, "area": world[G1], "organization": org}, "area"),
        ({"role": Role.HANDLER, "organization": org}, "department"),
    ]
    for kwargs, field in tries:
        with pytest.raises(services.RoleError) as refused:
            services.assign_role(actor=admin, user=newcomer, **kwargs)
        assert refused.value.field == field, kwargs
    assert not RoleAssignment.objects.unscoped().filter(user=newcomer).exists()
    # The database says the same of a row written past the services.
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=newcomer, role=Role.ORG_STAFF, area=world[C1])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=newcomer, role=Role.GRID_WORKER, area=world[G1], organization=org)
    made = services.assign_role(actor=admin, user=newcomer, role=Role.ORG_STAFF, organization=org)
    assert str(made) == "组织工作人员 @ 洗面桥邻里互助社"
    entry = AuditEntry.objects.get(action="accounts.role.granted", target_id=str(made.pk))
    assert entry.actor_id == admin.pk and entry.changes["organization"] == org.pk


def test_an_organisation_outside_the_granters_scope_is_refused(cast, world, newcomer):
    jinjiang_admin = services.create_staff(actor=SYSTEM, username="jinjiang_admin", password=PASSWORD)
    services.assign_role(actor=SYSTEM, user=jinjiang_admin, role=Role.SYSTEM_ADMIN, area=world[JINJIANG])
    wuhou_org = Organization.objects.unscoped().get(name="洗面桥邻里互助社")
    with pytest.raises(services.RoleError, match="不在您的管辖范围内") as refused:
        services.assign_role(actor=jinjiang_admin, user=newcomer, role=Role.ORG_STAFF, organization=wuhou_org)
    assert refused.value.field == "organization"
    with pytest.raises(services.RoleError, match="不在您的管辖范围内"):
        services.grant_in_bulk(actor=jinjiang_admin, assignments=[
            RoleAssignment(user=newcomer, role=Role.ORG_STAFF, organization=wuhou_org)])
    assert not RoleAssignment.objects.unscoped().filter(user=newcomer).exists()


def test_organisation_grants_keep_the_separation_of_duties(cast, world, social_orgs):
    org = social_orgs["c1_social_org"]
    with pytest.raises(services.RoleError, match="不能给自己授予角色"):
        services.assign_role(actor=cast.system_admin, user=cast.system_admin, role=Role.ORG_STAFF, organization=org)
    with pytest.raises(services.RoleError, match="三权分立"):
        services.assign_role(actor=cast.security_admin, user=cast.system_admin, role=Role.ORG_STAFF,
                             organization=org)
    with pytest.raises(services.RoleError, match="无权授予"):
        services.assign_role(actor=cast.dispatcher, user=cast.nobody, role=Role.ORG_STAFF, organization=org)
    made_by_admin = services.create_staff(actor=cast.system_admin, username="puppet", password=PASSWORD)
    with pytest.raises(services.RoleError, match="另一位有权限的管理员"):
        services.assign_role(actor=cast.system_admin, user=made_by_admin, role=Role.ORG_STAFF, organization=org)
    with pytest.raises(services.RoleError, match="另一位有权限的管理员"):
        services.grant_in_bulk(actor=cast.system_admin, assignments=[
            RoleAssignment(user=made_by_admin, role=Role.ORG_STAFF, organization=org)])
    made = services.grant_in_bulk(actor=cast.security_admin, assignments=[
        RoleAssignment(user=made_by_admin, role=Role.ORG_STAFF, organization=org)])
    assert scoping.roles(made_by_admin) == {Role.ORG_STAFF} and made[0].granted_by_id == cast.security_admin.pk
    entry = AuditEntry.objects.filter(action="accounts.role.granted_in_bulk").latest("seq")
    assert entry.changes["organizations"] == [org.pk]


# ---------------------------------------------------------------- grants naming sensitive categories
def test_a_person_in_a_sensitive_group_is_seen_only_through_a_grant_naming_it(cast, residents):
    assert seen(Person, cast.community_worker) == {"甲"}
    assert seen(Person, cast.grid_worker) == {"甲"}
    assert seen(Person, cast.dispatcher) == {"甲"}  # a wider place names no group either
    drug = services.create_staff(actor=SYSTEM, username="drug_worker", password=PASSWORD)
    grant(drug, categories=[DRUG])
    assert seen(Person, drug) == {"甲", "乙"}  # 丙 is in a second group the grant does not name
    both = services.create_staff(actor=SYSTEM, username="both_worker", password=PASSWORD)
    grant(both, categories=[DRUG, MENTAL])
    assert seen(Person, both) == {"甲", "乙", "丙"}


def test_two_grants_each_naming_one_group_do_not_add_up_to_a_person_in_both(cast, residents):
    user = services.create_staff(actor=SYSTEM, username="split_worker", password=PASSWORD)
    grant(user, categories=[DRUG])
    grant(user, role=Role.GRID_WORKER, code=G1, categories=[MENTAL])
    assert seen(Person, user) == {"甲", "乙"}


def test_a_grant_names_its_categories_for_its_own_place_only(cast, residents):
    # Granted the group in C2, and C1 without it: 乙 in C1 stays hidden.
    user = services.create_staff(actor=SYSTEM, username="elsewhere_worker", password=PASSWORD)
    grant(user, code=C2, categories=[DRUG])
    grant(user, code=C1)
    assert seen(Person, user) == {"甲"}


def test_the_rows_that_tell_of_a_person_follow_them(cast, residents):
    drug = services.create_staff(actor=SYSTEM, username="drug_worker", password=PASSWORD)
    grant(drug, categories=[DRUG])
    for model in (Residence, PersonEvent):
        assert seen(model, cast.community_worker) == {"甲"}
        assert seen(model, drug) == {"甲", "乙"}
    assert not scoping.scoped(PhoneLink, cast.community_worker).filter(person=residents["乙"]).exists()
    assert scoping.scoped(PhoneLink, drug).filter(person=residents["乙"]).exists()


def test_a_tag_flagged_or_unflagged_counts_from_the_next_query(cast, residents):
    Tag.objects.filter(code="elderly").update(sensitive=True)
    assert seen(Person, cast.community_worker) == set()
    Tag.objects.filter(code__in=[DRUG, MENTAL, "elderly"]).update(sensitive=False)
    assert seen(Person, cast.community_worker) == {"甲", "乙", "丙"}


def test_the_scope_stays_one_statement(cast, residents):
    drug = services.create_staff(actor=SYSTEM, username="drug_worker", password=PASSWORD)
    grant(drug, categories=[DRUG])
    grant(drug, role=Role.GRID_WORKER, code=G1)
    scoping.grants(drug)  # read once per request
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        names = list(scoping.scoped(Person, drug).filter(name__startswith="乙").values_list("name", flat=True))
    assert names == ["乙"] and len(queries) == 1
    # One NOT EXISTS per distinct set of granted categories, on the tags' own table.
    sql = queries[0]["sql"]
    assert sql.count("NOT (EXISTS") == 2 and sql.count('FROM "registry_person" ') == 1


def test_categories_are_granted_only_to_register_readers_and_only_if_sensitive(cast, world, departments,
                                                                              social_orgs, groups, newcomer):
    admin = cast.system_admin
    refusals = [
        ({"role": Role.HANDLER, "department": departments["s1_city_management"]}, [DRUG], "查阅人口信息"),
        ({"role": Role.ORG_STAFF, "organization": social_orgs["c1_social_org"]}, [DRUG], "查阅人口信息"),
        ({"role": Role.COMMUNITY_WORKER, "area": world[C1]}, ["elderly"], "不是敏感类别"),
        ({"role": Role.COMMUNITY_WORKER, "area": world[C1]}, ["no_such_group"], "不是敏感类别"),
    ]
    for holder, categories, message in refusals:
        with pytest.raises(services.RoleError, match=message) as refused:
            services.assign_role(actor=admin, user=newcomer, categories=categories, **holder)
        assert refused.value.field == "categories"
        with pytest.raises(services.RoleError, match=message):
            services.grant_in_bulk(actor=admin, assignments=[
                RoleAssignment(user=newcomer, categories=categories, **holder)])
    assert not RoleAssignment.objects.unscoped().filter(user=newcomer).exists()
    plain = services.assign_role(actor=admin, user=newcomer, role=Role.COMMUNITY_WORKER, area=world[C1])
    named = services.assign_role(actor=admin, user=newcomer, role=Role.COMMUNITY_WORKER, area=world[C1],
                                 categories=[MENTAL, DRUG, DRUG])
    again = services.assign_role(actor=admin, user=newcomer, role=Role.COMMUNITY_WORKER, area=world[C1],
                                 categories=[DRUG, MENTAL])
    assert plain.pk != named.pk == again.pk and named.categories == [DRUG, MENTAL]
    entry = AuditEntry.objects.get(action="accounts.role.granted", target_id=str(named.pk))
    assert entry.changes["categories"] == [DRUG, MENTAL] and entry.actor_id == admin.pk


def test_the_sensitive_categories_and_their_readers_come_from_the_scope_rules(groups):
    choices, readers = scoping.sensitive_categories()
    assert (DRUG, "吸毒人员") in choices and "elderly" not in dict(choices)
    assert readers == {Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.DISPATCHER, Role.LEADER}


# ---------------------------------------------------------------- who a notice reaches
def test_holders_are_found_through_organisations_and_named_categories(cast, residents, social_orgs):
    org = social_orgs["c1_social_org"]
    drug = services.create_staff(actor=SYSTEM, username="drug_worker", password=PASSWORD)
    grant(drug, categories=[DRUG])
    found = scoping.holders(area_code=G1, roles={Role.ORG_STAFF}, organization_id=org.pk)
    assert set(found.values_list("username", flat=True)) == {"org_staff"}
    assert not scoping.holders(area_code=G1, roles={Role.ORG_STAFF}).exists()  # an organisation holds no place
    workers = {Role.COMMUNITY_WORKER}
    kinds = scoping.sensitive_of(residents["乙"])
    assert kinds == {DRUG} and scoping.sensitive_of(residents["甲"]) == frozenset()
    assert set(scoping.holders(area_code=G1, roles=workers).values_list("username", flat=True)) == {
        "community_worker", "drug_worker"}
    assert set(scoping.holders(area_code=G1, roles=workers, categories=kinds).values_list(
        "username", flat=True)) == {"drug_worker"}
    assert not scoping.holders(area_code=G1, roles=workers, categories=scoping.sensitive_of(residents["丙"])).exists()

    index = scoping.HolderIndex({Role.ORG_STAFF, Role.COMMUNITY_WORKER})
    assert index(area_code=G1, organization_id=org.pk) == {cast.org_staff.pk, cast.community_worker.pk, drug.pk}
    assert index(area_code=G1, categories=kinds) == {drug.pk}
    assert index(area_code="510107001002001", categories=kinds) == set()  # the grant's place is C1
    assert index(area_code=G1, organization_id=org.pk, categories=kinds) == {drug.pk}
    assert not (index(area_code=G1) & {cast.org_staff.pk})


def test_a_revoked_or_inactive_holder_is_not_told(cast, residents):
    drug = services.create_staff(actor=SYSTEM, username="drug_worker", password=PASSWORD)
    assignment = grant(drug, categories=[DRUG])
    services.revoke_role(actor=SYSTEM, assignment=assignment)
    assert not scoping.holders(area_code=G1, roles={Role.COMMUNITY_WORKER}, categories={DRUG}).exists()
    assert not scoping.HolderIndex({Role.COMMUNITY_WORKER})(area_code=G1, categories={DRUG})
