"""Where the current action comes from (user, address, client), set once per request or command,
so that service functions need not pass the request down just for the audit trail."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Origin:
    ip: str = ""
    user_agent: str = ""
    source: str = ""


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("gongzhi_origin", default=None)


def current_origin() -> Origin:
    return _origin.get() or Origin()


@contextmanager
def origin(value: Origin) -> Iterator[None]:
    token = _origin.set(value)
    try:
        yield
    finally:
        _origin.reset(token)


def client_ip(request: Any) -> str:
    """REMOTE_ADDR, or the address our trusted proxies appended to X-Forwarded-For."""
    proxies = settings.GONGZHI_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def origin_of(request: Any) -> Origin:
    return Origin(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        source="web",
    )
