"""What a process imports before its first request, rather than during it: every URLconf and
the modules their views live in. A server that forks workers (gongzhi/gunicorn_conf.py) warms
once and freezes the result for the garbage collector."""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from django.urls import get_resolver


def warm() -> None:
    for urlconf in (settings.ROOT_URLCONF, settings.GONGZHI_MACHINE_URLCONF):
        get_resolver(urlconf).reverse_dict  # imports the URLconf and every module it includes  # noqa: B018
    # Nothing above should have opened a database connection; none may be inherited by the
    # workers in any case (two processes on one connection corrupt each other's replies).
    connections.close_all()
