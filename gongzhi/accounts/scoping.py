"""The one scoping module: a user's role assignments become a filter, and every list, detail,
export and API call takes its queryset from here. Out of scope answers 404, like missing.

The rule: a row is visible when one of the user's active assignments has a role the row's
model admits (`scope_rule.roles`) and either
  - the assignment's area prefix starts one of the row's area codes (`scope_rule.area_fields`):
    a grid worker's grids, a community worker's community, a dispatcher's whole subdistrict; or
  - for handlers, whose scope is a department: the row is routed to that department
    (`scope_rule.department_fields`), or, for rows that are never routed (places,
    organisations), it lies in the department's own area; or
  - for an organisation's staff, whose scope is their organisation: the row names that very
    organisation (`scope_rule.organization_fields`; not its child organisations, which have
    staff of their own); a model naming no organisation shows them nothing;
and, for a model whose rows carry categories (`scope_rule.category_field`), the row is in no
sensitive category that the same assignment does not name (`RoleAssignment.categories`): a
person tagged 社区矫正 is seen only through a grant naming 社区矫正.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from gongzhi.areas import codes
from gongzhi.common.scoped import ScopedModel, ScopeNotApplied, ScopeRule, SensitiveCategories

from .models import RoleAssignment
from .roles import ADMIN_ROLES, DEPARTMENT_ROLES, ORGANIZATION_ROLES

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
    organization_id: int | None = None
    categories: frozenset[str] = frozenset()


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
                     "department__area__code", "department__area__level", "organization_id", "categories")
    )
    result = tuple(
        Grant(
            role=role,
            area_prefix=codes.prefix(area_code, area_level) if area_code else None,
            department_id=department_id,
            department_area_prefix=codes.prefix(dep_code, dep_level) if dep_code else None,
            organization_id=organization_id,
            categories=frozenset(categories or ()),
        )
        for role, area_code, area_level, department_id, dep_code, dep_level, organization_id, categories in rows
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


def granted_categories(user: Any) -> frozenset[str]:
    """The sensitive categories any of the user's grants names (what they may tag people with;
    which rows they see is still each grant's own, in `scope_filter`)."""
    return frozenset().union(*(g.categories for g in grants(user)))


def scope_filter(model: type[ScopedModel], user: Any, roles: frozenset[str] | None = None) -> Q:
    """The Q that keeps exactly the rows of `model` the user may see (nothing if none); with
    `roles`, only through the grants of those roles (where the user may act as a keeper, not
    merely read). One WHERE clause: prefixes, departments and organisations, and for a model
    with categories a NOT EXISTS per distinct set of granted categories (usually one)."""
    rule = model.scope_rule
    # Per set of granted categories (one set when the model carries none): the grants' terms.
    by_categories: dict[frozenset[str], tuple[set[str], set[int], set[int]]] = {}
    for grant in grants(user):
        if grant.role not in rule.roles or (roles is not None and grant.role not in roles):
            continue
        key = grant.categories if rule.category_field else frozenset()
        prefixes, departments, organizations = by_categories.setdefault(key, (set(), set(), set()))
        if grant.role in DEPARTMENT_ROLES:
            if rule.department_fields:
                departments.add(grant.department_id)
            elif grant.department_area_prefix:
                prefixes.add(grant.department_area_prefix)
        elif grant.role in ORGANIZATION_ROLES:
            if grant.organization_id is not None:
                organizations.add(grant.organization_id)
        elif grant.area_prefix:
            prefixes.add(grant.area_prefix[:rule.reach] if rule.reach else grant.area_prefix)
    q = Q(pk__in=[])
    for granted, (prefixes, departments, organizations) in sorted(by_categories.items(), key=lambda i: sorted(i[0])):
        held = _held(rule, prefixes, departments, organizations)
        if held is not None and rule.category_field:
            held &= ~_in_categories(model, rule.category_field, rule.sensitive_categories.outside(granted))
        if held is not None:
            q |= held
    return q


def _in_categories(model: type[models.Model], path: str, categories: Any) -> Q:
    """Whether a row of `model` carries one of `categories` (a subquery of category rows) at
    `path` (a person's `tags`, a residence's `person__tags`), as an EXISTS on the many-to-many's
    own table keyed by the outer row's column: no join back to the row's table, and the
    category column's index finds the few rows in those categories, so PostgreSQL probes the
    (person, tag) index per row of a page, or hashes those few rows once for a whole scan."""
    hops = path.split("__")
    outer: list[str] = []
    current = model
    for i, hop in enumerate(hops):
        field = current._meta.get_field(hop)
        if field.many_to_many and not field.auto_created:
            lookup = "__".join([field.m2m_reverse_field_name(), *hops[i + 1:], "in"])
            return Q(Exists(field.remote_field.through._default_manager.filter(
                **{field.m2m_field_name(): OuterRef("__".join(outer) or "pk"), lookup: categories})))
        if not (field.many_to_one or field.one_to_one) or field.auto_created:
            # A reverse relation: the general form, joined back to the row by its key.
            return Q(Exists(model._default_manager.unscoped().filter(pk=OuterRef("pk"),
                                                                     **{f"{path}__in": categories})))
        outer.append(hop)
        current = field.related_model
    return Q(**{f"{path}__in": categories})  # foreign keys only: a join in the row's own query


def _held(rule, prefixes: set[str], departments: set[int], organizations: set[int]) -> Q | None:
    """The rows that lie in these prefixes, or name these departments or organisations (None:
    no term at all)."""
    terms = [Q(**{f"{field}__startswith": prefix}) for prefix in _minimal(prefixes) for field in rule.area_fields]
    if departments:
        terms += [Q(**{f"{field}__in": sorted(departments)}) for field in rule.department_fields]
    if organizations:
        terms += [Q(**{f"{field}__in": sorted(organizations)}) for field in rule.organization_fields]
    if not terms:
        return None
    held = terms[0]
    for term in terms[1:]:
        held |= term
    return held


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


def holders(*, area_code: str, roles: set[str] | frozenset[str], department_id: int | None = None,
            organization_id: int | None = None, categories: set[str] | frozenset[str] = frozenset()):
    """The reverse of scope: the active users holding one of `roles` whose scope covers a row
    in `area_code` (an area assignment whose prefix starts it), or, for department roles, whose
    department is `department_id`, or, for an organisation's staff, whose organisation is
    `organization_id`. `categories`: the sensitive categories the row is in (`sensitive_of`):
    only a grant naming every one of them reaches. Who is told when a case reaches them."""
    from django.contrib.auth import get_user_model

    from gongzhi.areas.models import Area

    ancestors = [code for code, level in Area.objects.unscoped().filter(
        code__in=[area_code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)] + [area_code]).values_list("code", "level")
        if area_code.startswith(codes.prefix(code, level))]
    assignments = RoleAssignment.objects.unscoped().filter(revoked_at__isnull=True, role__in=roles)
    q = Q(area_id__in=ancestors)
    if department_id is not None:
        q |= Q(department_id=department_id)
    if organization_id is not None:
        q |= Q(organization_id=organization_id)
    users: Any = assignments.filter(q).values("user_id")
    if categories:
        # Grants are few per place; which of them name the categories is read in memory (a JSON
        # list is not indexable on every database).
        users = [user_id for user_id, named in assignments.filter(q).values_list("user_id", "categories")
                 if set(categories) <= set(named or ())]
    return get_user_model().objects.filter(pk__in=users, is_active=True)


def sensitive_of(obj: ScopedModel) -> frozenset[str]:
    """The sensitive categories a row is in (none for a model without categories): what
    `holders` needs to tell only those who may see it."""
    rule = type(obj).scope_rule
    if not rule.category_field:
        return frozenset()
    return frozenset(type(obj)._default_manager.unscoped().filter(
        pk=obj.pk, **{f"{rule.category_field}__in": rule.sensitive_categories.outside(frozenset())})
        .values_list(f"{rule.category_field}__{rule.sensitive_categories.key}", flat=True))


def sensitive_categories() -> tuple[list[tuple[str, str]], frozenset[str]]:
    """Every sensitive category a grant may name, as (key, label) choices, and the roles that
    read a model with categories (the only roles whose grants name any): found on the models'
    scope rules, so accounts names no model of the apps above it."""
    from django.apps import apps

    choices: dict[str, str] = {}
    readers: set[str] = set()
    seen: set[SensitiveCategories] = set()
    for model in apps.get_models():
        rule = getattr(model, "scope_rule", None)
        if not isinstance(rule, ScopeRule) or rule.sensitive_categories is None:
            continue
        readers |= rule.roles
        if rule.sensitive_categories not in seen:
            seen.add(rule.sensitive_categories)
            choices.update(rule.sensitive_categories.choices())
    return sorted(choices.items()), frozenset(readers)


class HolderIndex:
    """`holders` for many rows at once (a sweep telling the holders of thousands of cases), as
    user ids: the active holders of `roles` read in one query, then looked up in memory by the
    same rule: an area assignment whose prefix starts the row's code, the row's department, or
    the row's organisation; with `categories`, only grants naming all of them."""

    def __init__(self, roles: set[str] | frozenset[str]) -> None:
        self.by_prefix: dict[str, set[int]] = {}
        self.by_department: dict[int, set[int]] = {}
        self.by_organization: dict[int, set[int]] = {}
        # The grants that name categories, by user: only they reach a row in a sensitive one.
        self.named: dict[int, list[tuple[str | None, int | None, int | None, frozenset[str]]]] = {}
        rows = (RoleAssignment.objects.unscoped().filter(revoked_at__isnull=True, role__in=roles, user__is_active=True)
                .values_list("user_id", "area__code", "area__level", "department_id", "organization_id",
                             "categories"))
        for user_id, area_code, level, department_id, organization_id, categories in rows:
            prefix = codes.prefix(area_code, level) if area_code else None
            if prefix:
                self.by_prefix.setdefault(prefix, set()).add(user_id)
            if department_id:
                self.by_department.setdefault(department_id, set()).add(user_id)
            if organization_id:
                self.by_organization.setdefault(organization_id, set()).add(user_id)
            if categories:
                self.named.setdefault(user_id, []).append((prefix, department_id, organization_id, frozenset(categories)))
        self.lengths = sorted({len(prefix) for prefix in self.by_prefix})

    def __call__(self, *, area_code: str, department_id: int | None = None, organization_id: int | None = None,
                 categories: set[str] | frozenset[str] = frozenset()) -> set[int]:
        if categories:
            return {user_id for user_id, held in self.named.items() if any(
                categories <= named and ((prefix is not None and area_code.startswith(prefix))
                                         or (department is not None and department == department_id)
                                         or (organization is not None and organization == organization_id))
                for prefix, department, organization, named in held)}
        found: set[int] = set()
        for length in self.lengths:
            if length <= len(area_code):
                found |= self.by_prefix.get(area_code[:length], set())
        if department_id is not None:
            found |= self.by_department.get(department_id, set())
        if organization_id is not None:
            found |= self.by_organization.get(organization_id, set())
        return found
