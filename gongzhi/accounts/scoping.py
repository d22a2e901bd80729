"""The one scoping module: a user's role assignments become a filter, and every list, detail,
export and API call takes its queryset from here. Out of scope answers 404, like missing.

The rule: a row is visible when one of the user's active assignments has a role the row's
model admits (`scope_rule.roles`) and either
  - the assignment's area prefix starts one of the row's area codes (`scope_rule.area_fields`):
    a grid worker's grids, a community worker's community, a dispatcher's whole subdistrict; or
  - for handlers, whose scope is a department: the row is routed to that department
    (`scope_rule.department_fields`), or, for rows that are never routed (places,
    organisations), it lies in the department's own area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from gongzhi.areas import codes
from gongzhi.common.scoped import ScopedModel, ScopeNotApplied

from .models import RoleAssignment
from .roles import ADMIN_ROLES, DEPARTMENT_ROLES

M = TypeVar("M", bound=models.Model)
_CACHE_ATTR = "_gongzhi_grants"


class OutOfScope(Http404):
    """A write would touch (or move a row into) an area the user does not hold."""


@dataclass(frozen=True)
class Grant:
    role: str
    area_prefix: str | None
    department_id: int | None = None
    department_area_prefix: str | None = None


def grants(user: Any) -> tuple[Grant, ...]:
    """The user's active assignments, read once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = (
        RoleAssignment.objects.unscoped()  # the scoping module reads assignments to build scope
        .filter(user_id=user.pk, revoked_at__isnull=True)
        .values_list("role", "area__code", "area__level", "department_id",
                     "department__area__code", "department__area__level")
    )
    result = tuple(
        Grant(
            role=role,
            area_prefix=codes.prefix(area_code, area_level) if area_code else None,
            department_id=department_id,
            department_area_prefix=codes.prefix(dep_code, dep_level) if dep_code else None,
        )
        for role, area_code, area_level, department_id, dep_code, dep_level in rows
    )
    if any(g.role in ADMIN_ROLES for g in result):
        # 三权分立 fails closed: a working role beside an administrator role (written before the
        # services refused it, or past them) opens nothing.
        result = tuple(g for g in result if g.role in ADMIN_ROLES)
    setattr(user, _CACHE_ATTR, result)
    return result


def forget(user: Any) -> None:
    """Drops the cached grants (after an assignment changed within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: Any) -> set[str]:
    return {g.role for g in grants(user)}


def _minimal(prefixes: set[str]) -> list[str]:
    """Drops prefixes already covered by a shorter one: fewer OR terms for the planner."""
    kept: list[str] = []
    for prefix in sorted(prefixes, key=len):
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return sorted(kept)


def scope_filter(model: type[ScopedModel], user: Any, roles: frozenset[str] | None = None) -> Q:
    """The Q that keeps exactly the rows of `model` the user may see (nothing if none); with
    `roles`, only through the grants of those roles (where the user may act as a keeper, not
    merely read)."""
    rule = model.scope_rule
    prefixes: set[str] = set()
    departments: set[int] = set()
    for grant in grants(user):
        if grant.role not in rule.roles or (roles is not None and grant.role not in roles):
            continue
        if grant.role in DEPARTMENT_ROLES:
            if rule.department_fields:
                departments.add(grant.department_id)
            elif grant.department_area_prefix:
                prefixes.add(grant.department_area_prefix)
        elif grant.area_prefix:
            prefixes.add(grant.area_prefix[:rule.reach] if rule.reach else grant.area_prefix)
    q = Q(pk__in=[])
    for prefix in _minimal(prefixes):
        for field in rule.area_fields:
            q |= Q(**{f"{field}__startswith": prefix})
    if departments:
        for field in rule.department_fields:
            q |= Q(**{f"{field}__in": sorted(departments)})
    return q


def restrict(queryset: models.QuerySet[M], user: Any, roles: frozenset[str] | None = None) -> models.QuerySet[M]:
    """The rows of `queryset` the user may see (through the grants of `roles` only, if given).
    The only way to read a scoped model for a user."""
    model = queryset.model
    if not issubclass(model, ScopedModel):
        raise ScopeNotApplied(f"{model.__name__} is not a scoped model")
    return queryset.filter(scope_filter(model, user, roles))._mark_scoped()


def under(queryset: models.QuerySet[M], area: Any) -> models.QuerySet[M]:
    """The rows of `queryset` that lie in `area` (an Area, an area code, or a code prefix), by
    the model's own scope rule: how a narrower place is picked inside a user's scope (a filter on
    a list) or how an API key's area becomes its scope. A queryset that was unscoped becomes
    scoped to that area."""
    from gongzhi.areas.models import Area

    if isinstance(area, Area):
        prefix = area.prefix
    else:
        code = str(area or "")
        found = Area.objects.unscoped().filter(code=code).only("code", "level").first() if code else None
        prefix = found.prefix if found is not None else code
    if not prefix:
        return queryset
    model = queryset.model
    fields = model.scope_rule.area_fields if issubclass(model, ScopedModel) else ("code",)
    q = Q(pk__in=[])
    for field in fields:
        q |= Q(**{f"{field}__startswith": prefix})
    narrowed = queryset.filter(q)
    return narrowed._mark_scoped() if issubclass(model, ScopedModel) else narrowed


def lies_in(code: str, area: Any) -> bool:
    """Whether a row's area code lies in `area` (an Area): `under`'s prefix rule, for one row
    already in hand."""
    return str(code or "").startswith(area.prefix)


def through(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """The child rows (a model declaring `read_through`, common/scoped.py) whose parent lies in
    the user's scope: one subquery on the parent's scope rule."""
    from gongzhi.common.scoped import parent_model

    model = queryset.model
    path = getattr(model, "read_through", "")
    if not path:
        raise ScopeNotApplied(f"{model.__name__} declares no read_through parent")
    parent = parent_model(model)
    return queryset.filter(**{f"{path}__in": restrict(parent._default_manager.all(), user)})


def scoped(model: type[M], user: Any) -> models.QuerySet[M]:
    return restrict(model._default_manager.all(), user)


def get_in_scope_or_404(queryset: models.QuerySet[M] | type[M], user: Any, **lookup: Any) -> M:
    """One row in the user's scope; missing and out of scope are the same 404."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        return restrict(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from exc


def ensure_in_scope(obj: ScopedModel, user: Any, roles: frozenset[str] | None = None) -> None:
    """For writes, inside their transaction after the change: re-reads the row through the
    user's scope (of `roles`, if given) and raises OutOfScope (rolling the transaction back)
    if it left it."""
    if not restrict(type(obj)._default_manager.filter(pk=obj.pk), user, roles).exists():
        raise OutOfScope(f"{obj._meta.verbose_name} {obj.pk} is outside your scope")


def holders(*, area_code: str, roles: set[str] | frozenset[str], department_id: int | None = None):
    """The reverse of scope: the active users holding one of `roles` whose scope covers a row
    in `area_code` (an area assignment whose prefix starts it), or, for department roles, whose
    department is `department_id`. Who is told when a case reaches them."""
    from django.contrib.auth import get_user_model

    from gongzhi.areas.models import Area

    ancestors = [code for code, level in Area.objects.unscoped().filter(
        code__in=[area_code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)] + [area_code]).values_list("code", "level")
        if area_code.startswith(codes.prefix(code, level))]
    assignments = RoleAssignment.objects.unscoped().filter(revoked_at__isnull=True, role__in=roles)
    q = Q(area_id__in=ancestors)
    if department_id is not None:
        q |= Q(department_id=department_id)
    users = assignments.filter(q).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True)


class HolderIndex:
    """`holders` for many rows at once (a sweep telling the holders of thousands of cases), as
    user ids: the active holders of `roles` read in one query, then looked up in memory by the
    same rule, an area assignment whose prefix starts the row's code, or the row's department."""

    def __init__(self, roles: set[str] | frozenset[str]) -> None:
        self.by_prefix: dict[str, set[int]] = {}
        self.by_department: dict[int, set[int]] = {}
        rows = (RoleAssignment.objects.unscoped().filter(revoked_at__isnull=True, role__in=roles, user__is_active=True)
                .values_list("user_id", "area__code", "area__level", "department_id"))
        for user_id, area_code, level, department_id in rows:
            if area_code:
                self.by_prefix.setdefault(codes.prefix(area_code, level), set()).add(user_id)
            if department_id:
                self.by_department.setdefault(department_id, set()).add(user_id)
        self.lengths = sorted({len(prefix) for prefix in self.by_prefix})

    def __call__(self, *, area_code: str, department_id: int | None = None) -> set[int]:
        found: set[int] = set()
        for length in self.lengths:
            if length <= len(area_code):
                found |= self.by_prefix.get(area_code[:length], set())
        if department_id is not None:
            found |= self.by_department.get(department_id, set())
        return found
