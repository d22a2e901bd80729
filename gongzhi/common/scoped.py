"""The fail-closed half of scoping: a model whose rows belong to an area refuses to be read
unless the query went through the scoping module (`gongzhi.accounts.scoping.restrict`) or says
plainly that it does not need to (`.unscoped()`, or the `unscoped_access()` block).

This module only knows *that* a queryset was scoped; *how* a user's scope is computed lives in
accounts.scoping, so that there is one place to read the rule.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models

_unscoped_block: contextvars.ContextVar[bool] = contextvars.ContextVar("gongzhi_unscoped", default=False)


class ScopeNotApplied(RuntimeError):
    """A scoped model was queried without the scoping module: a bug, never a user error."""


@dataclass(frozen=True)
class SensitiveCategories:
    """Where the sensitive categories of a kind of row are kept: the rows of `model`
    ("app_label.Model") whose `flag` is true, each known by its `key` and named by its `label`
    (the register's tags: `registry.Tag`, `sensitive`, `code`, `name`). The scoping module reads
    them inside its filter, as a subquery, so a flag changed in the admin counts from the next
    query and the filter stays one SQL statement."""

    model: str
    key: str = "code"
    flag: str = "sensitive"
    label: str = "name"

    def _rows(self) -> models.QuerySet:
        from django.apps import apps

        return apps.get_model(self.model)._default_manager.filter(**{self.flag: True})

    def outside(self, granted: frozenset[str]) -> models.QuerySet:
        """The sensitive categories whose keys `granted` does not name: a subquery of their
        primary keys (not evaluated), which the index on a many-to-many's category column serves."""
        rows = self._rows()
        if granted:
            rows = rows.exclude(**{f"{self.key}__in": sorted(granted)})
        return rows.values("pk")

    def choices(self) -> list[tuple[str, str]]:
        """(key, label) of every sensitive category, for the form that grants them."""
        return list(self._rows().order_by(self.key).values_list(self.key, self.label))


@dataclass(frozen=True)
class ScopeRule:
    """How the scoping module finds the area (and department, or organisation) a row belongs to.

    area_fields: lookup paths to a 12/15-digit area code (the row is in scope when one starts
    with one of the user's area prefixes). department_fields: lookups holding a department id.
    organization_fields: lookups holding an organisation id (an organisation's staff see the
    rows naming their own organisation; a model without them shows such staff nothing).
    roles: the roles that may see this kind of row at all (separation of duties).
    reach: for rows that belong to a wider place than some users work in (a community's
    councils and topics, and its grid workers), the length of that place's prefix: a narrower
    scope is read as the place holding it (0: as it is).
    category_field and sensitive_categories: for rows that carry categories (a person's tags),
    the lookup path to a row's categories (rows of `sensitive_categories.model`) and where the
    sensitive ones are kept. A row in a sensitive category is seen only through a grant that
    names it (every one it carries).
    """

    area_fields: tuple[str, ...]
    roles: frozenset[str]
    department_fields: tuple[str, ...] = field(default=())
    reach: int = 0
    organization_fields: tuple[str, ...] = field(default=())
    category_field: str = ""
    sensitive_categories: SensitiveCategories | None = None

    def __post_init__(self) -> None:
        if bool(self.category_field) != (self.sensitive_categories is not None):
            raise ValueError("a scope rule names its category_field and its sensitive_categories together")


@contextmanager
def unscoped_access() -> Iterator[None]:
    """Lets framework internals (unique checks, system sweeps) read scoped tables in this block."""
    token = _unscoped_block.set(True)
    try:
        yield
    finally:
        _unscoped_block.reset(token)


class ScopedQuerySet(models.QuerySet):
    """Refuses to touch the database until it is marked scoped or explicitly unscoped."""

    _gz_scope_checked = False

    def _clone(self):
        clone = super()._clone()
        clone._gz_scope_checked = self._gz_scope_checked
        return clone

    def unscoped(self):
        """All rows, for system work (imports, sweeps, rollups). Grep for it in review."""
        clone = self._chain()
        clone._gz_scope_checked = True
        return clone

    def _mark_scoped(self):
        clone = self._chain()
        clone._gz_scope_checked = True
        return clone

    def _check_scope(self) -> None:
        if not self._gz_scope_checked and not _unscoped_block.get():
            raise ScopeNotApplied(
                f"{self.model.__name__} rows belong to areas: query them through "
                "gongzhi.accounts.scoping.restrict(queryset, user) or say .unscoped()"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self):
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size=None):
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def delete(self):
        self._check_scope()
        return super().delete()

    def explain(self, **options):
        self._check_scope()
        return super().explain(**options)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


class ScopedModel(models.Model):
    """Base for every model whose rows belong to an area. Subclasses set `scope_rule`."""

    scope_rule: ScopeRule

    objects = ScopedManager()

    class Meta:
        abstract = True

    # Django's own validation reads the default manager; it checks uniqueness, not visibility.
    def validate_unique(self, exclude=None):
        with unscoped_access():
            return super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with unscoped_access():
            return super().validate_constraints(exclude=exclude)


# Every other model of the platform says how its rows are read, as a class attribute (checked
# against the models by common/tests/test_scope_declarations.py):
#   read_through = "case"   a child row (an event, a photo, a vote …): read only through its
#                           scoped parent, the lookup path to it (`scoping.through` filters by it);
#   scope_exempt = "why"    a row that belongs to no area (configuration, the audit log, a
#                           user's own notices), with the reason.
READ_THROUGH, SCOPE_EXEMPT = "read_through", "scope_exempt"


def declaration(model: type[models.Model]) -> str:
    """How `model`'s rows are read: "scoped", "read_through" or "scope_exempt" ("" if undeclared)."""
    if issubclass(model, ScopedModel):
        return "scoped"
    for kind in (READ_THROUGH, SCOPE_EXEMPT):
        if getattr(model, kind, ""):
            return kind
    return ""


def parent_model(model: type[models.Model]) -> type[models.Model]:
    """The model a `read_through` path ends at."""
    current = model
    for part in model.read_through.split("__"):  # type: ignore[attr-defined]
        current = current._meta.get_field(part).related_model
    return current
