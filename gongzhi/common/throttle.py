"""Bounds on public endpoints (Open311, the portal): so many requests per address, or per
client key, per period, counted in the shared cache (Redis in production) by django-ratelimit.
No captcha: a client over its bound gets 429 and a sentence saying when to retry."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django_ratelimit.core import is_ratelimited

log = logging.getLogger(__name__)
UNKNOWN = "unknown"


def exceeded(request: Any, *, group: str, rate: str, key: str = "ip", increment: bool = True) -> bool:
    """Counts this request in `group` and says whether it went over `rate` ("120/m").
    `key` is "ip" (the client's address, through our trusted-proxy rule) or a fixed value
    such as a client key's id. With `increment=False` it only says whether the count is
    already over (to count failures alone, call again with increment when one happens)."""
    by = (lambda _group, r: address(r)) if key == "ip" else (lambda _group, _request: key)
    return is_ratelimited(request, group=group, key=by, rate=rate, increment=increment)


def address(request: Any) -> str:
    """The client's network (an IPv6 client's /64), or UNKNOWN when there is no usable address
    — a server on a unix socket without GONGZHI_TRUSTED_PROXIES set. Those requests then share
    one bound (a misconfiguration shows as 429s, not as errors on every request)."""
    raw = import_string(settings.RATELIMIT_IP_META_KEY)(request)
    try:
        network = ipaddress.ip_network(f"{raw}/{64 if ':' in raw else 32}", strict=False)
    except ValueError:
        log.warning("no client address for the rate limit (set GONGZHI_TRUSTED_PROXIES behind a proxy)")
        return UNKNOWN
    return str(network.network_address)
