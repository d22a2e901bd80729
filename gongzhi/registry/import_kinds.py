"""Import kinds: what may be imported from a spreadsheet through the register's import, which
gives every kind the same job (sealed upload, chunks committed and resumed, `ImportJob`), progress
bar, error workbook, blank templates and `gongzhi registry import KIND FILE --as USERNAME`.

The register registers its own (people, houses, entities, addresses: `importers.REGISTER_KINDS`);
an app above the register registers its kinds in its `AppConfig.ready()` and edits nothing here
nor in the import (cases' routing rules: `cases/routing_import.py`):

    from gongzhi.registry import import_kinds
    import_kinds.register(import_kinds.ImportKind(key="routing_rules", label=_("派遣规则"),
        columns=COLUMNS, importer=RoutingRulesImporter, permission="cases.add_routingrule",
        scope=frozenset({Role.DISPATCHER})))

Who may reach the pages of each kind is restated in `accounts/access.py` (IMPORT_PERMISSIONS);
the authorization matrix fails until a new kind is listed there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


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
    importer: an `importers.RowImporter` class, made once per job with the importing user:
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
    importer: type
    permission: str
    scope: frozenset[str] | None = None

    def allows(self, user: Any) -> bool:
        return bool(user is not None and user.has_perm(self.permission))


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
