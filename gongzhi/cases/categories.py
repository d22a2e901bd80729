"""Loading and keeping the category tree."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gongzhi.audit import log
from gongzhi.common import actors
from gongzhi.common.memo import Memo

from .default_categories import TREE
from .models import Category

# Every report looks its category up; the tree changes rarely (edits in other processes show
# within a minute, in this one at once: see CasesConfig.ready).
_ACTIVE: Memo[Category | None] = Memo(60)
forget = _ACTIVE.clear


def active(code: str) -> Category | None:
    """The active category with this code (a leaf or a top), or None."""
    return _ACTIVE.get(code, lambda: Category.objects.filter(code=code, is_active=True).select_related("parent")
                       .first())


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The active leaves grouped under their tops, for a form's select (<optgroup>s)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for leaf in Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent").order_by(
            "parent__code", "code"):
        groups.setdefault(leaf.parent.name, []).append((leaf.code, leaf.name))
    return list(groups.items())


DEFAULTS_LOADER = actors.SystemActor("默认事件分类")  # the installation loading its starting tree


@transaction.atomic
def load_defaults(*, actor: Any = DEFAULTS_LOADER) -> int:
    """Creates the default tree's missing categories (existing ones, maybe edited, stay)."""
    existing = set(Category.objects.values_list("code", flat=True))
    created = 0
    for top_code, top_name, leaves in TREE:
        top = Category.objects.filter(code=top_code).first()
        if top is None:
            top = Category.objects.create(code=top_code, name=top_name)
            created += 1
        for code, name, level, within, unit in leaves:
            if code in existing:
                continue
            Category.objects.create(code=code, name=name, parent=top, default_level=level,
                                    handle_within=within, handle_unit=unit)
            created += 1
    if created:
        log.record("cases.category.loaded", actor=actors.require(actor), target_type="cases.category",
                   changes={"created": created})
    return created
