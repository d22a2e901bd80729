"""Every change to a person, house or entity is kept twice: as the record's own history, which
the people working with it read (RecordChange), and in the audit log. Sensitive values enter
both only in their masked form."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from gongzhi.audit import log
from gongzhi.common import actors

from .models import RecordChange

SEALED_SUFFIXES = ("_token", "_digest")


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Plain values of `fields` (sealed ones as their masked form; relations as their id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name) if name in {f.name for f in obj._meta.get_fields()} else None
        if field is not None and field.many_to_many:
            values[name] = sorted(str(t) for t in getattr(obj, name).all()) if obj.pk else []
            continue
        attname = field.attname if field is not None and hasattr(field, "attname") else name
        value = getattr(obj, attname)
        if isinstance(value, dt.date | decimal.Decimal):
            value = str(value)
        values[name] = value
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(*, actor: Any, obj: models.Model, action: str, changes: dict[str, Any]) -> RecordChange:
    """Writes the record's history row and the matching audit entry, in the caller's transaction."""
    for name in changes:
        if name.endswith(SEALED_SUFFIXES):
            raise ValueError(f"{name}: sealed columns never enter history; record the masked field")
    kind = obj._meta.model_name
    change = RecordChange.objects.create(
        target_type=kind,
        target_id=obj.pk,
        action=action,
        changes=log._jsonable(changes),
        actor=actors.user_or_none(actor),
        actor_name=actors.name(actor),
        area_id=obj.area_id,
    )
    log.record(f"registry.{kind}.{action}", actor=actor, target=obj, changes=changes)
    return change


def record_many(*, actor: Any, objects: Iterable[models.Model], action: str,
                changes: Callable[[models.Model], dict[str, Any]]) -> None:
    """The history rows of many records at once (an import: its one audit entry is the caller's)."""
    user, name = actors.user_or_none(actor), actors.name(actor)
    RecordChange.objects.bulk_create([
        RecordChange(target_type=o._meta.model_name, target_id=o.pk, action=action,
                     changes=log._jsonable(changes(o)), actor=user, actor_name=name, area_id=o.area_id)
        for o in objects
    ], batch_size=2000)


def edit(*, actor: Any, obj: models.Model, changes: dict[str, Any], editable: set[str], tracked: list[str],
         validate, after_save=None) -> models.Model:
    """The one way a record's particulars are corrected: only `editable` fields, validated,
    saved, the old and new values recorded, the row still in the editor's scope afterwards."""
    from django.utils.translation import gettext as _

    from gongzhi.accounts import scoping

    from .people import RegistryError

    unknown = set(changes) - editable
    if unknown:
        raise RegistryError(_("不能在此修改：%(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(obj, tracked)
    for field, value in changes.items():
        setattr(obj, field, value)
    validate(obj)
    obj.save()
    if after_save is not None:
        after_save(obj)
    changed = diff(before, snapshot(obj, tracked))
    if changed:
        record(actor=actor, obj=obj, action="changed", changes=changed)
    if actors.is_staff(actor):
        scoping.ensure_in_scope(obj, actor)
    return obj
