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
from .roles import ADMIN_ROLES, DEPARTMENT_ROLES, ORGANIZATION_ROLES, ROLE_LEVELS, Role, may_grant

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


def check_assignment(*, actor: Any, user: User, role: str, area: Any = None, department: Any = None,
                     organization: Any = None, categories: Any = ()) -> None:
    """Raises RoleError unless `actor` may grant (role, area | department | organization, with
    `categories`) to `user`. A SystemActor is bootstrap (the demo seed, the first administrator)."""
    if role not in Role.values:
        raise RoleError(_("未知角色“%(r)s”") % {"r": role}, field="role")
    _not_own(actor, user.pk, SELF_GRANT)
    if _staff(actor) and not may_grant(scoping.roles(actor), role):
        raise RoleError(_("您无权授予“%(role)s”角色") % {"role": Role(role).label}, field="role")
    _not_created_by(actor, user.created_by_id)
    _check_holder(role, area=area, department=department, organization=organization)
    if organization is not None:
        _organizations_in_scope(actor, {organization.pk})
    _check_categories(role, categories)
    _separate(user, role)


def _check_holder(role: str, *, area: Any, department: Any, organization: Any) -> None:
    """Exactly one holder, the one the role is held on: a department for handlers, an
    organisation for its staff, an area of an allowed level for every other role."""
    if role in DEPARTMENT_ROLES:
        if department is None or area is not None or organization is not None:
            raise RoleError(_("部门办理人员的授权范围须是一个部门（不填区域和组织）"), field="department")
    elif role in ORGANIZATION_ROLES:
        if organization is None or area is not None or department is not None:
            raise RoleError(_("组织工作人员的授权范围须是一个组织（不填区域和部门）"), field="organization")
    else:
        if area is None or department is not None or organization is not None:
            raise RoleError(_("%(role)s的授权范围须是一个区域（不填部门和组织）") % {"role": Role(role).label},
                            field="area")
        if area.level not in ROLE_LEVELS[role]:
            raise RoleError(_("%(role)s不能授权在%(level)s级区域上") % {
                "role": Role(role).label, "level": area.get_level_display()}, field="area")


def _check_categories(role: str, categories: Any, known: Any = None) -> None:
    """A grant names sensitive categories only for a role that reads rows carrying them (the
    register's readers), and only categories that are sensitive (registry tags so flagged).
    `known`: scoping.sensitive_categories(), when the caller checks many grants."""
    if not categories:
        return
    choices, readers = known or scoping.sensitive_categories()
    if role not in readers:
        raise RoleError(_("只有查阅人口信息的角色才能授予敏感类别，%(role)s不能") % {"role": Role(role).label},
                        field="categories")
    unknown = set(categories) - {key for key, _label in choices}
    if unknown:
        raise RoleError(_("“%(keys)s”不是敏感类别（在人员标签中标为敏感的才能授予）") % {
            "keys": _("、").join(sorted(unknown))}, field="categories")


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


def assign_role(*, actor: Any, user: User, role: str, area: Any = None, department: Any = None,
                organization: Any = None, categories: Any = ()) -> RoleAssignment:
    """Grants a role; granting the same active assignment again (same holder and categories)
    returns it unchanged.

    The actor must be allowed to grant it (only security administrators grant the three admin
    roles) and, unless this is system bootstrap (actor None), must hold the area, department or
    organisation in scope.
    """
    categories = sorted(set(categories or ()))
    with transaction.atomic():
        # The account's row is the lock: two grants racing (an admin role and a working role)
        # cannot both pass the separation check.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        check_assignment(actor=actor, user=user, role=role, area=area, department=department,
                         organization=organization, categories=categories)
        existing = next((a for a in RoleAssignment.objects.unscoped().filter(
            user=user, role=role, area=area, department=department, organization=organization,
            revoked_at__isnull=True) if sorted(a.categories or ()) == categories), None)
        if existing:
            return existing
        assignment = RoleAssignment.objects.create(
            user=user, role=role, area=area, department=department, organization=organization,
            categories=categories, granted_by=actors.user_or_none(actor),
        )
        if _staff(actor):
            scoping.ensure_in_scope(assignment, actor)
        log.record("accounts.role.granted", actor=actor, target=assignment,
                   changes={"user": user.username, "role": role,
                            "area": getattr(area, "code", None), "department": getattr(department, "pk", None),
                            "organization": getattr(organization, "pk", None), "categories": categories})
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
    assign_role for the separation-of-duties check). Each row's holder, area level and
    categories are checked as assign_role checks them; organisations must be in the actor's scope."""
    known = scoping.sensitive_categories() if any(a.categories for a in assignments) else None
    for a in assignments:
        if a.role in ADMIN_ROLES:
            raise RoleError(_("管理员角色须逐个授权"))
        if _staff(actor) and not may_grant(scoping.roles(actor), a.role):
            raise RoleError(_("您无权授予“%(role)s”角色") % {"role": Role(a.role).label})
        _check_holder(a.role, area=a.area if a.area_id else None, department=a.department_id,
                      organization=a.organization_id)
        a.categories = sorted(set(a.categories or ()))
        _check_categories(a.role, a.categories, known)
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
        _organizations_in_scope(actor, {a.organization_id for a in assignments if a.organization_id})
        RoleAssignment.objects.bulk_create(assignments, batch_size=2000)
        if assignments:
            log.record("accounts.role.granted_in_bulk", actor=actor,
                       target_type="accounts.roleassignment",
                       changes={"count": len(assignments),
                                "roles": sorted({a.role for a in assignments}),
                                "organizations": sorted({a.organization_id for a in assignments
                                                         if a.organization_id}),
                                "categories": sorted({c for a in assignments for c in a.categories})})
    return assignments


def _organizations_in_scope(actor: Any, ids: set[int]) -> None:
    """An organisation's staff are granted only by someone whose scope holds the organisation."""
    if not _staff(actor) or not ids:
        return
    model = RoleAssignment._meta.get_field("organization").related_model
    seen = set(scoping.restrict(model._default_manager.filter(pk__in=ids), actor).values_list("pk", flat=True))
    if ids - seen:
        raise RoleError(_("所选组织（编号 %(ids)s）不在您的管辖范围内，不能在其上授权") % {
            "ids": _("、").join(str(i) for i in sorted(ids - seen))}, field="organization")
