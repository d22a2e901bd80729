"""Logins, logouts and failed logins enter the audit log (Django's documented auth hooks)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log.record("accounts.login", actor=user, target=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log.record("accounts.logout", actor=user, target=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username is kept: never the password that was tried.
    username = str(credentials.get("username", ""))[:150]
    log.record("accounts.login_failed", actor_name=username, changes={"username": username})
