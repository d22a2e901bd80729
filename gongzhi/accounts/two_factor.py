"""Two-factor sign-in with a time-based one-time password (TOTP, RFC 6238) from an
authenticator app, through django-otp. Every staff member may enrol; administrators and every
role that may reveal a sealed value must (GONGZHI_TWO_FACTOR=required), before any page. Once
enrolled, a user is always asked for the code, whatever the setting, and the admin site always
needs a verified code (its users enrol on their first visit)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.audit import log
from gongzhi.common import actors

from . import scoping
from .roles import ADMIN_ROLES, ROLE_PERMISSIONS

REVEAL = "registry.reveal_sensitive"


def required(user: Any) -> bool:
    if settings.GONGZHI_TWO_FACTOR != "required" or not user.is_authenticated:
        return False
    roles = scoping.roles(user)
    return bool(roles & ADMIN_ROLES) or any(REVEAL in ROLE_PERMISSIONS.get(r, ()) for r in roles)


def needed(user: Any) -> bool:
    """Whether this signed-in user must give a code before their pages: their role requires
    one, or they enrolled an authenticator (then a password alone never suffices)."""
    return required(user) or device(user) is not None


def device(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def enrolment(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a new secret unless one is pending)."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return pending or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(pending: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code for the app to scan (drawn here: the secret
    never leaves the server for a QR service)."""
    return segno.make(pending.config_url, error="m").svg_inline(scale=5, dark="#111", light="#fff")


def secret(pending: TOTPDevice) -> str:
    """The key in base32, for typing into an app that cannot scan."""
    from base64 import b32encode

    return b32encode(pending.bin_key).decode()


def confirm(request: Any, pending: TOTPDevice, token: str) -> bool:
    """The first code from the app proves it holds the key: the device becomes the user's
    (replacing an older one) and this session counts as verified."""
    if not pending.verify_token(token.strip()):
        log.record("accounts.otp.enrol_failed", actor=request.user, target=request.user)
        return False
    TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=pending.pk).delete()
    pending.confirmed = True
    pending.save(update_fields=["confirmed"])
    otp_login(request, pending)
    log.record("accounts.otp.enrolled", actor=request.user, target=request.user)
    return True


def verify(request: Any, token: str, user: Any = None) -> bool:
    """Checks a code from the user's authenticator (django-otp throttles repeated failures);
    on success this session counts as verified."""
    user = user or request.user
    enrolled = device(user)
    if enrolled is None or not enrolled.verify_token(token.strip()):
        log.record("accounts.otp.failed", actor=user, target=user)
        return False
    otp_login(request, enrolled)
    log.record("accounts.otp.verified", actor=user, target=user)
    return True


def reset(*, actor: Any, user: Any) -> None:
    """A lost phone: the authenticator is removed (once a second administrator approved it, or
    from the server's shell: accounts/resets.py); the user enrols a new one at the next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    log.record("accounts.otp.reset", actor=actors.require(actor), target=user)
