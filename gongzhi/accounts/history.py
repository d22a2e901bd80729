"""A user's own sign-in history ("last sign-in from … at …"), from the access log that
django-axes keeps of every successful sign-in."""

from __future__ import annotations

from typing import Any

from axes.models import AccessLog


def recent(user: Any, limit: int = 20) -> list[AccessLog]:
    return list(AccessLog.objects.filter(username=user.get_username()).order_by("-attempt_time")[:limit])


def previous(user: Any) -> AccessLog | None:
    """The sign-in before the current one (what the user should recognise as theirs)."""
    entries = AccessLog.objects.filter(username=user.get_username()).order_by("-attempt_time")[:2]
    entries = list(entries)
    return entries[1] if len(entries) > 1 else None
