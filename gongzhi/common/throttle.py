"""Bounds on public endpoints (Open311, the portal): so many requests per address, or per
client key, per period, counted in the shared cache (Redis in production) by django-ratelimit.
No captcha: a client over its bound gets 429 and a sentence saying when to retry."""

from __future__ import annotations

from typing import Any

from django_ratelimit.core import is_ratelimited


def exceeded(request: Any, *, group: str, rate: str, key: str = "ip") -> bool:
    """Counts this request in `group` and says whether it went over `rate` ("120/m").
    `key` is "ip" (the client's address, through our trusted-proxy rule) or a fixed value
    such as a client key's id."""
    by = key if key == "ip" else (lambda _group, _request: key)
    return is_ratelimited(request, group=group, key=by, rate=rate, increment=True)
