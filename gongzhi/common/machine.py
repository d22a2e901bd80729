"""The machine path. Open311 clients post and read service requests with an api_key: they never
use a session, a sign-in, a flash message, a language cookie or a page's script policy. Their
requests (under GONGZHI_MACHINE_PATHS) therefore go through a shorter middleware stack,
GONGZHI_MACHINE_MIDDLEWARE: the security headers, the host check, a policy that allows nothing
(an answer is data, never a page), the audit context. Intake comes in bursts and is the
platform's busiest write; the full stack cost it about a sixth of its CPU for nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

NOTHING = "default-src 'none'; frame-ancestors 'none'"


class MachineHeadersMiddleware:
    """What the full stack's CommonMiddleware, CSP and X-Frame-Options middleware give a page,
    as a machine's answer needs it: the Host checked against ALLOWED_HOSTS (400 otherwise),
    nothing to run, nothing to frame. The URL is resolved in GONGZHI_MACHINE_URLCONF."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request.get_host()  # raises DisallowedHost: a 400, as on every other path
        request.urlconf = settings.GONGZHI_MACHINE_URLCONF  # resolved among the machine's URLs only
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", NOTHING)
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


class MachineHandler(WSGIHandler):
    """Django's WSGI handler with GONGZHI_MACHINE_MIDDLEWARE for its middleware."""

    def load_middleware(self, is_async: bool = False) -> None:
        full = settings.MIDDLEWARE  # read once, at start-up, before any request
        settings.MIDDLEWARE = settings.GONGZHI_MACHINE_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def split(pages: Callable, machine: Callable | None = None, paths: Iterable[str] | None = None) -> Callable:
    """One WSGI application: requests under `paths` to `machine`, the rest to `pages`."""
    machine = machine or MachineHandler()
    prefixes = tuple(paths if paths is not None else settings.GONGZHI_MACHINE_PATHS)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(prefixes):
            return machine(environ, start_response)
        return pages(environ, start_response)

    return application
