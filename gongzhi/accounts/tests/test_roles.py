"""Granting and revoking roles: levels, separation of duties, who may grant what, history."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.accounts import services
from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C1, CITY, G1, PASSWORD, S1, SYSTEM


@pytest.fixture
def newcomer(cast):
    # Created by the security administrator: the system administrator grants its working roles.
    return services.create_staff(actor=cast.security_admin, username="newcomer", password=PASSWORD)


@pytest.mark.parametrize(
    ("role", "code", "ok"),
    [
        (Role.GRID_WORKER, G1, True),
        (Role.GRID_WORKER, C1, False),
        (Role.COMMUNITY_WORKER, C1, True),
        (Role.COMMUNITY_WORKER, G1, False),
        (Role.DISPATCHER, S1, True),
        (Role.DISPATCHER, G1, False),
        (Role.LEADER, CITY, True),
    ],
)
def test_roles_sit_on_their_levels(cast, world, newcomer, role, code, ok):
    if ok:
        services.assign_role(actor=cast.system_admin, user=newcomer, role=role, area=world[code])
    else:
        with pytest.raises(ValidationError):
            services.assign_role(actor=cast.system_admin, user=newcomer, role=role, area=world[code])


def test_handler_needs_a_department_not_an_area(cast, world, departments, newcomer):
    with pytest.raises(ValidationError):
        services.assign_role(actor=cast.system_admin, user=newcomer, role=Role.HANDLER, area=world[S1])
    a = services.assign_role(actor=cast.system_admin, user=newcomer, role=Role.HANDLER,
                             department=departments["district_housing"])
    assert a.department_id == departments["district_housing"].pk


def test_no_account_holds_two_admin_roles(cast, world):
    with pytest.raises(ValidationError, match="三权分立"):
        services.assign_role(actor=cast.security_admin, user=cast.system_admin, role=Role.AUDIT_ADMIN,
                             area=world[CITY])


def test_only_security_admins_grant_admin_roles(cast, world):
    newcomer = services.create_staff(actor=cast.system_admin, username="auditor", password=PASSWORD)
    with pytest.raises(ValidationError, match="无权授予"):
        services.assign_role(actor=cast.system_admin, user=newcomer, role=Role.AUDIT_ADMIN, area=world[CITY])
    services.assign_role(actor=cast.security_admin, user=newcomer, role=Role.AUDIT_ADMIN, area=world[CITY])


def test_working_staff_cannot_grant(cast, world, newcomer):
    with pytest.raises(ValidationError):
        services.assign_role(actor=cast.dispatcher, user=newcomer, role=Role.GRID_WORKER, area=world[G1])


def test_granting_outside_ones_own_area_is_refused(cast, world, newcomer):
    from gongzhi.accounts import scoping

    # A system administrator of 武侯区 cannot hand out 锦江区.
    district_admin = services.create_staff(actor=SYSTEM, username="wuhou_admin", password=PASSWORD)
    services.assign_role(actor=SYSTEM, user=district_admin, role=Role.SYSTEM_ADMIN, area=world["510107000000"])
    with pytest.raises(scoping.OutOfScope):
        services.assign_role(actor=district_admin, user=newcomer, role=Role.GRID_WORKER,
                             area=world["510104001001001"])
    assert not RoleAssignment.objects.unscoped().filter(user=newcomer).exists()


def test_granting_twice_is_one_assignment(cast, world, newcomer):
    first = services.assign_role(actor=cast.system_admin, user=newcomer, role=Role.GRID_WORKER, area=world[G1])
    again = services.assign_role(actor=cast.system_admin, user=newcomer, role=Role.GRID_WORKER, area=world[G1])
    assert first.pk == again.pk
    assert RoleAssignment.objects.unscoped().filter(user=newcomer).count() == 1


def test_revoking_keeps_history_and_is_audited(cast, world, newcomer):
    a = services.assign_role(actor=cast.system_admin, user=newcomer, role=Role.GRID_WORKER, area=world[G1])
    services.revoke_role(actor=cast.system_admin, assignment=a)
    a.refresh_from_db()
    assert a.revoked_at is not None and a.revoked_by_id == cast.system_admin.pk
    actions = list(AuditEntry.objects.filter(target_type="accounts.roleassignment", target_id=str(a.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["accounts.role.granted", "accounts.role.revoked"]


def test_weak_passwords_are_refused(cast):
    for weak in ("short1!", "12345678", "password", "newcomer2"):
        with pytest.raises(ValidationError):
            services.create_staff(actor=SYSTEM, username="newcomer2", password=weak)
