"""三权分立 that holds (issue 15, item 1): an administrator holds no working role, a working-role
holder no administrator role, and nobody grants, changes or revokes their own assignments, on
every path that writes an assignment (the admin's form, the services, the bulk grant)."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.accounts import scoping, services
from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.conftest import C1, CITY, G1, PASSWORD, SYSTEM, sign_in

ADD = "/admin/accounts/roleassignment/add/"


def _active(user, role) -> bool:
    return RoleAssignment.objects.unscoped().filter(user=user, role=role, revoked_at__isnull=True).exists()


@pytest.mark.parametrize(("who", "role", "area"), [
    ("system_admin", Role.COMMUNITY_WORKER, C1), ("system_admin", Role.DISPATCHER, CITY),
    ("security_admin", Role.DISPATCHER, CITY), ("security_admin", Role.GRID_WORKER, G1),
])
def test_an_administrator_cannot_grant_themselves_a_working_role_in_the_admin(client, cast, who, role, area):
    me = getattr(cast, who)
    sign_in(client, me)
    page = client.post(ADD, {"user": me.pk, "role": role, "area": area})
    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert "不能给自己授予角色" in " ".join(errors["user"])
    assert not _active(me, role)


def test_an_administrator_cannot_open_residents_records_through_a_self_grant(client, cast):
    sign_in(client, cast.system_admin)
    client.post(ADD, {"user": cast.system_admin.pk, "role": Role.COMMUNITY_WORKER, "area": C1})
    assert client.get("/w/registry/").status_code == 403


def test_the_security_administrator_cannot_give_another_administrator_a_working_role(client, cast):
    sign_in(client, cast.security_admin)
    page = client.post(ADD, {"user": cast.system_admin.pk, "role": Role.DISPATCHER, "area": CITY})
    assert "管理员账号不能再授予业务角色" in " ".join(page.context["adminform"].form.errors["user"])
    assert not _active(cast.system_admin, Role.DISPATCHER)


def test_a_working_role_holder_cannot_become_an_administrator(cast, world):
    with pytest.raises(ValidationError, match="三权分立"):
        services.assign_role(actor=cast.security_admin, user=cast.dispatcher, role=Role.SYSTEM_ADMIN,
                             area=world[CITY])
    assert not _active(cast.dispatcher, Role.SYSTEM_ADMIN)


def test_the_system_bootstrap_keeps_the_separation_too(cast, world):
    with pytest.raises(ValidationError, match="三权分立"):
        services.assign_role(actor=SYSTEM, user=cast.audit_admin, role=Role.LEADER, area=world[CITY])


def test_nobody_grants_or_revokes_their_own_assignments(cast, world):
    with pytest.raises(services.RoleError, match="不能给自己授予角色"):
        services.assign_role(actor=cast.security_admin, user=cast.security_admin, role=Role.SECURITY_ADMIN,
                             area=world["510107000000"])
    own = cast.system_admin.assignments.unscoped().get()
    with pytest.raises(services.RoleError, match="不能撤销自己的授权"):
        services.revoke_role(actor=cast.system_admin, assignment=own)
    assert RoleAssignment.objects.unscoped().get(pk=own.pk).revoked_at is None


def test_the_bulk_grant_refuses_administrators_and_oneself(cast, world):
    newcomer = services.create_staff(actor=SYSTEM, username="newcomer", password=PASSWORD)
    batch = [RoleAssignment(user=newcomer, role=Role.GRID_WORKER, area=world[G1]),
             RoleAssignment(user=cast.audit_admin, role=Role.GRID_WORKER, area=world[G1])]
    with pytest.raises(services.RoleError, match="audit_admin"):
        services.grant_in_bulk(actor=cast.system_admin, assignments=batch)
    with pytest.raises(services.RoleError, match="不能给自己授予角色"):
        services.grant_in_bulk(actor=cast.system_admin, assignments=[
            RoleAssignment(user=cast.system_admin, role=Role.GRID_WORKER, area=world[G1])])
    assert not RoleAssignment.objects.unscoped().filter(role=Role.GRID_WORKER, area_id=G1,
                                                        user__in=[newcomer, cast.audit_admin]).exists()


def test_a_working_role_written_past_the_services_opens_nothing_to_an_administrator(client, cast, world):
    # A row from before the rule (or written straight into the table) does not open the register.
    RoleAssignment.objects.create(user=cast.system_admin, role=Role.COMMUNITY_WORKER, area=world[C1])
    assert scoping.roles(cast.system_admin) == {Role.SYSTEM_ADMIN}
    sign_in(client, cast.system_admin)
    assert client.get("/w/registry/").status_code == 403


def test_who_created_an_account_never_grants_it_a_role(client, cast, world):
    """A made-up account for oneself: the system administrator creates it in the admin (choosing its
    first password) and cannot then give it a working role; another administrator can."""
    sign_in(client, cast.system_admin)
    created = client.post("/admin/accounts/user/add/", {
        "username": "puppet", "full_name": "傀儡", "password1": "Qz7-river-Lamp", "password2": "Qz7-river-Lamp",
        "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0"})
    assert created.status_code == 302
    puppet = services.User.objects.get(username="puppet")
    assert puppet.created_by == cast.system_admin
    page = client.post(ADD, {"user": puppet.pk, "role": Role.COMMUNITY_WORKER, "area": C1})
    assert page.status_code == 200
    assert "须由另一位有权限的管理员为其授权" in " ".join(page.context["adminform"].form.errors["user"])
    assert not _active(puppet, Role.COMMUNITY_WORKER)
    with pytest.raises(services.RoleError, match="另一位有权限的管理员"):
        services.grant_in_bulk(actor=cast.system_admin, assignments=[
            RoleAssignment(user=puppet, role=Role.GRID_WORKER, area=world[G1])])
    assert not _active(puppet, Role.GRID_WORKER)
    # The security administrator, who did not choose its password, grants it.
    services.assign_role(actor=cast.security_admin, user=puppet, role=Role.COMMUNITY_WORKER, area=world[C1])
    assert _active(puppet, Role.COMMUNITY_WORKER)


def test_a_grant_without_its_area_says_so_in_words(client, cast):
    sign_in(client, cast.system_admin)
    page = client.post(ADD, {"user": cast.dispatcher.pk, "role": Role.GRID_WORKER})
    text = " ".join(" ".join(v) for v in page.context["adminform"].form.errors.values())
    assert "授权范围须是一个区域" in text and "acc_assign_holder" not in text
