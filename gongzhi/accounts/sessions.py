"""Session lifetime: an idle session ends after GONGZHI_SESSION_IDLE_MINUTES, any session
GONGZHI_SESSION_MAX_HOURS after sign-in (a shared office computer left signed in must not stay
open to the next person)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

SIGNED_IN_AT = "gongzhi_signed_in_at"
SEEN_AT = "gongzhi_seen_at"
TOUCH_EVERY = 60  # seconds: the session is saved at most once a minute for activity


def started(request: Any) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def ended(request: Any) -> str:
    """"idle" or "expired" when the session is over, else ""."""
    now = time.time()
    signed_in = request.session.get(SIGNED_IN_AT)
    seen = request.session.get(SEEN_AT)
    if signed_in is None or seen is None:
        return "expired"  # a session from before this policy: sign in again
    if now - signed_in > settings.GONGZHI_SESSION_MAX_HOURS * 3600:
        return "expired"
    if now - seen > settings.GONGZHI_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return ""


def touch(request: Any) -> None:
    now = int(time.time())
    if now - request.session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        request.session[SEEN_AT] = now
