"""Revealing a sensitive value in full: an explicit act, by a role that needs it, for a stated
reason, recorded in the audit log with who saw what. Everywhere else the masked form shows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log

from .models import Person, PhoneLink
from .people import RegistryError

REVEALABLE = {
    Person: {"id_number", "passport_number"},
    PhoneLink: {"phone"},
}
REVEAL_PERMISSION = "registry.reveal_sensitive"


def may_reveal(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(REVEAL_PERMISSION))


def reveal(*, user: Any, obj: models.Model, field: str, reason: str) -> str:
    """The clear value of `field`; refuses without the permission, outside scope (404, as if
    missing) or without a reason."""
    if field not in REVEALABLE.get(type(obj), ()):
        raise RegistryError(_("“%(f)s”不是可查看的敏感字段") % {"f": field}, "field")
    if not may_reveal(user):
        raise PermissionDenied(_("您的角色不能查看完整的敏感信息"))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RegistryError(_("请填写查看原因"), "reason")
    scoping.get_in_scope_or_404(type(obj), user, pk=obj.pk)
    value = obj.phone.number.reveal() if isinstance(obj, PhoneLink) else getattr(obj, field).reveal()
    target = obj.person or obj.entity if isinstance(obj, PhoneLink) else obj
    log.record("registry.sensitive.revealed", actor=user, target=target,
               changes={"field": field, "reason": reason[:200]})
    return value
