"""Creating staff accounts and granting and revoking roles. Admin, commands and the demo seed
all come here, so the rules (levels, separation of duties, audit) hold on every path."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.audit import log
from gongzhi.common import actors

from . import scoping
from .models import RoleAssignment, User
from .roles import ADMIN_ROLES, DEPARTMENT_ROLES, ROLE_LEVELS, Role, may_grant

SELF_GRANT = gettext_lazy("不能给自己授予角色，须由另一位有权限的管理员授予")
OWN_CREATION = gettext_lazy("该账号由您创建，初始密码也由您设定：须由另一位有权限的管理员为其授权")


class RoleError(ValidationError):
    """An assignment that breaks a rule; the message says which, for the administrator, and
    `field` names the grant form's field it concerns (None: the form as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _staff(actor: Any) -> bool:
    """Whether the actor is a signed-in account, whose roles and scope then bound what it grants
    (the system, bootstrapping, is bound by the rules of the roles alone); None is refused."""
    return actors.is_staff(actors.require(actor))


def create_staff(*, actor: Any, username: str, password: str, full_name: str = "", email: str = "",
                 must_change: bool = True) -> User:
    """A new account with no roles yet (it sees nothing until a role is granted). Its first
    password was chosen by someone else, so by default it must be changed at first sign-in."""
    user = User(username=username, full_name=full_name, email=email, must_change_password=must_change,
                created_by=actors.user_or_none(actors.require(actor)))
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        user.save()
        log.record("accounts.user.created", actor=actor, target=user,
                   changes={"username": username, "full_name": full_name})
    return user


def check_assignment(*, actor: Any, user: User, role: str, area: Any = None, department: Any = None) -> None:
    """Raises RoleError unless `actor` may grant (role, area | department) to `user`.
    A SystemActor is bootstrap (the demo seed, the first administrator)."""
    if role not in Role.values:
        raise RoleError(_("未知角色“%(r)s”") % {"r": role}, field="role")
    _not_own(actor, user.pk, SELF_GRANT)
    if _staff(actor) and not may_grant(scoping.roles(actor), role):
        raise RoleError(_("您无权授予“%(role)s”角色") % {"role": Role(role).label}, field="role")
    _not_created_by(actor, user.created_by_id)
    if role in DEPARTMENT_ROLES:
        if department is None or area is not None:
            raise RoleError(_("部门办理人员的授权范围必须是一个部门"))
    else:
        if area is None or department is not None:
            raise RoleError(_("该角色的授权范围必须是一个区域"))
        if area.level not in ROLE_LEVELS[role]:
            raise RoleError(_("%(role)s不能授权在%(level)s级区域上") % {
                "role": Role(role).label, "level": area.get_level_display()})
    _separate(user, role)


def _not_own(actor: Any, user_id: Any, message: Any) -> None:
    """Nobody grants, changes or revokes their own assignments."""
    if _staff(actor) and actor.pk == user_id:
        raise RoleError(str(message), field="user")


def _not_created_by(actor: Any, creator_id: Any) -> None:
    """Who created an account (and so knows its first password) does not also grant it a role:
    a second administrator does, so no one alone makes an account and works through it."""
    if _staff(actor) and actor.pk == creator_id:
        raise RoleError(str(OWN_CREATION), field="user")


def _separate(user: User, role: str) -> None:
    """三权分立 both ways: an administrator role goes to an account holding no other role, and a
    working role never to an account holding an administrator role."""
    held = set(
        RoleAssignment.objects.unscoped()
        .filter(user=user, revoked_at__isnull=True)
        .exclude(role=role)
        .values_list("role", flat=True)
    )
    clash = held if role in ADMIN_ROLES else held & ADMIN_ROLES
    if not clash:
        return
    names = _("、").join(str(Role(r).label) for r in sorted(clash))
    if role in ADMIN_ROLES:
        message = _("三权分立：该账号已是%(held)s，不能再授予%(role)s（管理员账号不兼任其他角色）")
    else:
        message = _("三权分立：该账号已是%(held)s，管理员账号不能再授予业务角色%(role)s")
    raise RoleError(message % {"held": names, "role": Role(role).label}, field="user")


def assign_role(*, actor: Any, user: User, role: str, area: Any = None, department: Any = None) -> RoleAssignment:
    """Grants a role; granting the same active assignment again returns it unchanged.

    The actor must be allowed to grant it (only security administrators grant the three admin
    roles) and, unless this is system bootstrap (actor None), must hold the area in scope.
    """
    with transaction.atomic():
        # The account's row is the lock: two grants racing (an admin role and a working role)
        # cannot both pass the separation check.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        check_assignment(actor=actor, user=user, role=role, area=area, department=department)
        existing = (
            RoleAssignment.objects.unscoped()
            .filter(user=user, role=role, area=area, department=department, revoked_at__isnull=True)
            .first()
        )
        if existing:
            return existing
        assignment = RoleAssignment.objects.create(
            user=user, role=role, area=area, department=department,
            granted_by=actors.user_or_none(actor),
        )
        if _staff(actor):
            scoping.ensure_in_scope(assignment, actor)
        log.record("accounts.role.granted", actor=actor, target=assignment,
                   changes={"user": user.username, "role": role,
                            "area": getattr(area, "code", None), "department": getattr(department, "pk", None)})
    scoping.forget(user)
    return assignment


def revoke_role(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    """Ends an assignment now; the row stays as history."""
    _not_own(actor, assignment.user_id, _("不能撤销自己的授权，须由另一位有权限的管理员撤销"))
    if _staff(actor) and not may_grant(scoping.roles(actor), assignment.role):
        raise RoleError(_("您无权撤销“%(role)s”角色") % {"role": assignment.get_role_display()})
    if assignment.revoked_at is not None:
        return assignment
    with transaction.atomic():
        if _staff(actor):
            scoping.ensure_in_scope(assignment, actor)
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actors.user_or_none(actor)
        RoleAssignment.objects.unscoped().filter(pk=assignment.pk).update(
            revoked_at=assignment.revoked_at, revoked_by=assignment.revoked_by)
        log.record("accounts.role.revoked", actor=actor, target=assignment,
                   changes={"user": assignment.user.username, "role": assignment.role})
    scoping.forget(assignment.user)
    return assignment


def create_staff_in_bulk(*, actor: Any, people: list[tuple[str, str]], password: str,
                         must_change: bool = True) -> list[User]:
    """Accounts for (username, full_name) pairs that do not exist yet, all with one initial
    password hashed once (seeding and mass onboarding), to be changed at first sign-in unless
    `must_change` is False (the demo's published password); one audit entry for the batch."""
    validate_password(password)
    taken = set(User.objects.filter(username__in=[u for u, _ in people]).values_list("username", flat=True))
    probe = User()
    probe.set_password(password)
    encoded = probe.password
    creator = actors.user_or_none(actors.require(actor))
    users = [User(username=u, full_name=n, password=encoded, must_change_password=must_change,
                  password_changed_at=probe.password_changed_at, created_by=creator)
             for u, n in people if u not in taken]
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=2000)
        if users:
            log.record("accounts.user.created_in_bulk", actor=actor,
                       target_type="accounts.user", changes={"usernames": [u.username for u in users]})
    return users


def grant_in_bulk(*, actor: Any, assignments: list[RoleAssignment]) -> list[RoleAssignment]:
    """Grants many working roles at once (no admin roles: those go one by one through
    assign_role for the separation-of-duties check). Area levels are checked for every row."""
    for a in assignments:
        if a.role in ADMIN_ROLES:
            raise RoleError(_("管理员角色须逐个授权"))
        if _staff(actor) and not may_grant(scoping.roles(actor), a.role):
            raise RoleError(_("您无权授予“%(role)s”角色") % {"role": Role(a.role).label})
        if a.role in DEPARTMENT_ROLES:
            if a.department_id is None or a.area_id is not None:
                raise RoleError(_("部门办理人员的授权范围必须是一个部门"))
        elif a.area is None or a.area.level not in ROLE_LEVELS[a.role]:
            raise RoleError(_("%(role)s不能授权在该区域上") % {"role": Role(a.role).label})
        _not_own(actor, a.user_id, SELF_GRANT)
        a.granted_by = actors.user_or_none(actor)
    with transaction.atomic():
        users = {a.user_id for a in assignments}
        creators = dict(User.objects.select_for_update().filter(pk__in=users).values_list("pk", "created_by"))
        for creator in creators.values():
            _not_created_by(actor, creator)
        admins = sorted(set(
            RoleAssignment.objects.unscoped()
            .filter(user_id__in=users, revoked_at__isnull=True, role__in=ADMIN_ROLES)
            .values_list("user__username", flat=True)))
        if admins:
            raise RoleError(_("三权分立：管理员账号不能再授予业务角色（%(users)s）") % {"users": _("、").join(admins)})
        RoleAssignment.objects.bulk_create(assignments, batch_size=2000)
        if assignments:
            log.record("accounts.role.granted_in_bulk", actor=actor,
                       target_type="accounts.roleassignment",
                       changes={"count": len(assignments),
                                "roles": sorted({a.role for a in assignments})})
    return assignments
