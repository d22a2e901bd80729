"""Resetting another person's credentials takes two administrators. One asks (a new password,
or removing the authenticator); a second, neither the asker nor the account's owner, approves
within GONGZHI_CREDENTIAL_RESET_HOURS, and only then does it take effect. So no single
administrator can set someone's password or drop their second factor and sign in as them.
One's own password stays self-service (passwords.changed_by_owner); the server's shell, whose
operator holds the machine anyway, resets at once (`gongzhi accounts reset-credentials`),
audited with that origin. Every request, approval, refusal and application is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.audit import log
from gongzhi.common import actors

from . import passwords, two_factor
from .models import CredentialReset, User

Kind, State = CredentialReset.Kind, CredentialReset.State
MAY_RESET = "accounts.change_credentialreset"  # who may ask for, approve or refuse a reset
SHELL = "server shell"


class ResetError(ValidationError):
    """A request or decision the rules refuse; the message says why, for the administrator."""


def _facts(reset: CredentialReset) -> dict:
    return {"user": reset.target.get_username(), "kind": reset.kind,
            "requested_by": reset.requested_by.get_username()}


def request(*, actor: Any, target: User, kind: str, password: str = "") -> CredentialReset:
    """Asks for a reset of `target`'s password (to `password`, checked against the policy and
    their history now) or authenticator; nothing changes until another administrator approves."""
    if actor.pk == target.pk:
        raise ResetError(_("不能通过重置申请修改本人的凭据：请在“修改密码”页修改本人密码"))
    if not actor.has_perm(MAY_RESET):
        raise ResetError(_("您无权申请重置他人的登录凭据"))
    encoded = ""
    if kind == Kind.PASSWORD:
        validate_password(password, target)
        encoded = make_password(password)
    elif kind != Kind.SECOND_FACTOR:
        raise ResetError(_("未知的重置内容“%(k)s”") % {"k": kind})
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True))
        waiting = CredentialReset.objects.filter(target=target, kind=kind, state=State.PENDING,
                                                 expires_at__gt=timezone.now())
        if waiting.exists():
            raise ResetError(_("该账号已有一项待批准的%(kind)s重置申请，请等待批准或先拒绝它") % {
                "kind": Kind(kind).label})
        reset = CredentialReset.objects.create(
            target=target, kind=kind, password=encoded, requested_by=actor,
            expires_at=timezone.now() + dt.timedelta(hours=settings.GONGZHI_CREDENTIAL_RESET_HOURS))
        log.record("accounts.credential_reset.requested", actor=actor, target=reset,
                   changes={**_facts(reset), "expires_at": reset.expires_at})
    return reset


def _locked_pending(actor: Any, reset: CredentialReset, deciding: str) -> CredentialReset:
    """The request, locked, if `actor` may decide it now; otherwise the refusal is audited
    (outside the caller's transaction, which it would roll back) and raised."""
    reset = CredentialReset.objects.select_for_update().select_related("target", "requested_by").get(pk=reset.pk)
    why = ""
    if not actor.has_perm(MAY_RESET):
        why = _("您无权处理凭据重置申请")
    elif actor.pk == reset.target_id:
        why = _("不能处理针对本人账号的重置申请")
    elif deciding == "approve" and actor.pk == reset.requested_by_id:
        why = _("须由申请人和该账号本人以外的另一位管理员批准")
    elif reset.state != State.PENDING:
        why = _("该申请已处理（%(state)s）") % {"state": reset.get_state_display()}
    elif reset.expired:
        why = _("该申请已过期（%(h)d 小时内未批准），请重新申请") % {"h": settings.GONGZHI_CREDENTIAL_RESET_HOURS}
    if why:
        raise ResetError(why)
    return reset


def _decide(actor: Any, reset: CredentialReset, deciding: str) -> CredentialReset:
    try:
        with transaction.atomic():
            reset = _locked_pending(actor, reset, deciding)
            reset.state = State.APPLIED if deciding == "approve" else State.REFUSED
            reset.decided_by, reset.decided_at = actor, timezone.now()
            reset.save(update_fields=["state", "decided_by", "decided_at"])
            log.record(f"accounts.credential_reset.{'approved' if deciding == 'approve' else 'refused'}",
                       actor=actor, target=reset, changes=_facts(reset))
            if deciding == "approve":
                _apply(reset.target, reset.kind, encoded=reset.password, actor=actor, approved_by=actor)
    except ResetError as exc:
        log.record(f"accounts.credential_reset.{deciding}_denied", actor=actor, target=reset,
                   changes={"reason": " ".join(exc.messages)})
        raise
    return reset


def approve(*, actor: Any, reset: CredentialReset) -> CredentialReset:
    """The second administrator's approval: the reset takes effect now."""
    return _decide(actor, reset, "approve")


def refuse(*, actor: Any, reset: CredentialReset) -> CredentialReset:
    """Turns a request down (or the asker withdraws it); nothing changes."""
    return _decide(actor, reset, "refuse")


def _apply(user: User, kind: str, *, actor: Any, encoded: str = "", raw: str = "", approved_by: Any = None) -> None:
    if kind == Kind.PASSWORD:
        passwords.reset(user, raw, encoded=encoded, actor=actor, approved_by=approved_by)
    else:
        two_factor.reset(actor=actor, user=user)


def from_shell(*, target: User, kind: str, password: str = "") -> None:
    """The server's shell resets at once (its operator holds the machine); audited as such."""
    if kind == Kind.PASSWORD:
        validate_password(password, target)
    _apply(target, kind, raw=password, actor=actors.SystemActor(SHELL))
