"""Import kinds: what may be imported from a spreadsheet through the register's import, which
gives every kind the same job (sealed upload, chunks committed and resumed, `ImportJob`), progress
bar, error workbook, blank templates and `gongzhi registry import KIND FILE --as USERNAME`.

The register registers its own (people, houses, entities, addresses: `sheets.REGISTER_KINDS`);
an app above the register registers its kinds in its `AppConfig.ready()` and edits nothing here
nor in the import (cases' routing rules: `cases/routing_import.py`):

    from gongzhi.registry import import_kinds
    import_kinds.register(import_kinds.ImportKind(key="routing_rules", label=_("派遣规则"),
        columns=COLUMNS, importer="gongzhi.cases.routing_import.RoutingRulesImporter",
        permission="cases.add_routingrule", scope=frozenset({Role.DISPATCHER})))

A kind names its importer by dotted path, so registering it loads nothing but its columns. Who
may reach the pages of each kind is restated in `accounts/access.py` (IMPORT_PERMISSIONS); the
authorization matrix fails until a new kind is listed there."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.common import actors
from gongzhi.common.text import with_nul


@dataclass(frozen=True)
class Column:
    """One column of a kind's sheet: its template header, note and drop-down list."""

    key: str
    label: Any  # lazy translation: headers follow the user's language, both are accepted
    note: Any
    required: bool = False
    choices: type | None = None  # a TextChoices whose values or labels are accepted
    text: bool = False  # keep as text in the template (IDs, codes, phones)
    width: int = 14


@dataclass(frozen=True)
class ImportKind:
    """One kind of import.

    key: its name in URLs, file names, the command line and `ImportJob.kind` (at most 40 letters).
    label: what the pages call it (Chinese, lazy).
    columns: the sheet (its template; headers are read by key or by label in either language).
    importer: a RowImporter class, or its dotted path; made once per job for the importing user:
        `check(row, values)` gives a record or the row's errors by column key (Chinese, for the
        error workbook), `commit(records)` writes a chunk of valid records in one transaction.
    permission: what the importing user must hold (ROLE_PERMISSIONS), checked at upload, on the
        template download and by the command.
    scope: the roles through whose grants each row's place must be the importer's (the importer
        reads it as `self.scope`, `self.in_scope(queryset)`); None: through every grant.
    """

    key: str
    label: Any
    columns: tuple[Column, ...]
    importer: str | type
    permission: str
    scope: frozenset[str] | None = None

    def allows(self, user: Any) -> bool:
        return bool(user is not None and user.has_perm(self.permission))

    def make_importer(self, actor: Any) -> RowImporter:
        """The kind's importer for `actor`, holding the kind's scope."""
        importer = import_string(self.importer) if isinstance(self.importer, str) else self.importer
        return importer(actor=actor, scope=self.scope)


class RowProblems(dict):
    """{column key: reason}; empty when the row is fine."""


@dataclass
class Counts:
    """What a committed chunk did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RowImporter(ABC):
    """What every kind's importer shares (ImportKind.importer): the importing user and the scope
    its rows must lie in, chunks, rows the file repeats, cells holding a NUL."""

    kind = ""

    def __init__(self, *, actor: Any, scope: frozenset[str] | None = None) -> None:
        from django.conf import settings

        self.chunk = settings.GONGZHI_IMPORT_CHUNK
        self.actor = actors.require(actor)
        self.scope = scope
        self.seen: dict[Any, int] = {}

    def in_scope(self, queryset):
        """The rows of `queryset` (a scoped model's) the importer holds, through the grants of the
        kind's scope roles (all of them when the kind names none)."""
        return scoping.restrict(queryset, self.actor, self.scope)

    def duplicate(self, key: Any, row: int, problems: RowProblems, column: str) -> None:
        if key in self.seen:
            problems[column] = _("与第%(n)s行重复") % {"n": self.seen[key]}
        else:
            self.seen[key] = row

    def prefetch(self, rows: list[dict[str, str]]) -> None:  # noqa: B027 - optional, nothing by default
        """Reads what a block of rows refers to in a few queries, before each row is checked."""

    def examine(self, row: int, values: dict[str, str]) -> tuple[Any, RowProblems]:
        """`check`, after refusing each cell that holds a NUL: PostgreSQL stores none, and one
        reaching a query or a COPY would fail the whole chunk; so the row alone is refused."""
        nul = with_nul(values.items())
        if nul:
            return None, RowProblems({key: _("含有空字符（NUL），请删除后重新导入") for key in nul})
        return self.check(row, values)

    @abstractmethod
    def check(self, row: int, values: dict[str, str]) -> tuple[Any, RowProblems]:
        """A record ready to commit (with its row number as `.row`), or the problems of the row's
        cells by column key."""

    @abstractmethod
    def commit(self, records: list[Any]) -> Counts:
        """Writes a chunk of checked records in one transaction; a record the data refuses at this
        point raises RowRefused (the chunk is committed without it)."""


class RowRefused(Exception):
    """A row that passed its own checks but clashes with the data at commit time (a record
    outside the importer's scope, a rule of the register): the chunk is committed without it."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


KEY_LENGTH = 40  # ImportJob.kind
_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    """Adds a kind; the same kind again changes nothing (an app's ready() may run twice), another
    kind under a taken key is a mistake."""
    if not kind.key or len(kind.key) > KEY_LENGTH:
        raise ValueError(f"an import kind's key has 1 to {KEY_LENGTH} characters: {kind.key!r}")
    known = _KINDS.get(kind.key)
    if known is not None and known != kind:
        raise ValueError(f"the import kind {kind.key!r} is already registered")
    _KINDS[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    """Takes a kind off (for tests that register their own)."""
    _KINDS.pop(key, None)


class UnknownKind(ValueError):
    """No kind is registered under the key (a typed name, or an app no longer installed)."""


def get(key: str) -> ImportKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise UnknownKind(_("未知的导入类型“%(k)s”") % {"k": key}) from None


def kinds() -> list[ImportKind]:
    """Every kind, in the order registered (the register's first)."""
    return list(_KINDS.values())


def allowed(user: Any) -> list[ImportKind]:
    """The kinds `user` may import; none: the import pages are not theirs."""
    return [kind for kind in _KINDS.values() if kind.allows(user)]
