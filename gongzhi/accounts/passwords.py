"""The password policy (GB/T 22239 level 3: complexity, no reuse of the username, expiry, a
change forced on first use and after a reset). Django's validators check length, common
passwords and likeness to the account's attributes; these add the rest."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def _classes(password: str) -> int:
    found = sum(1 for chars in CLASSES if any(c in chars for c in password))
    return found + (1 if any(not c.isalnum() for c in password) else 0)


class CharacterClassesValidator:
    """At least three of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(_("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类") % {"n": self.min_classes},
                                  code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类") % {"n": self.min_classes}


class NotUsernameValidator:
    """Neither the username nor the username reversed, whatever the case, in the password."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if username and (username in lowered or username[::-1] in lowered):
            raise ValidationError(_("密码不能包含用户名"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名")


def expires_at(user: Any) -> dt.datetime | None:
    """When the user's password stops being accepted (None: never, by setting or no date)."""
    days = settings.GONGZHI_PASSWORD_MAX_DAYS
    if not days or user.password_changed_at is None:
        return None
    return user.password_changed_at + dt.timedelta(days=days)


def must_change(user: Any) -> bool:
    """A new account, a reset password, or an expired one: the next page is the change form."""
    if user.must_change_password:
        return True
    expiry = expires_at(user)
    return expiry is not None and timezone.now() >= expiry


def changed_by_owner(user: Any, raw_password: str) -> None:
    """The person chose this password themselves: nothing more to change."""
    user.set_password(raw_password)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])


def reset(user: Any, raw_password: str) -> None:
    """Someone else set it (an administrator, a reset): its owner must change it on next login."""
    user.set_password(raw_password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
