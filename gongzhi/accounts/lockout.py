"""What a locked-out sign-in sees (django-axes counts the failures; see settings AXES_*): a
page, or JSON for the API, in the user's language, saying for how long."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

STATUS = 429


def message() -> str:
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return _("登录失败次数过多，该账号或来源地址已锁定 %(m)d 分钟，请稍后再试或联系安全管理员解锁") % {"m": minutes}


def locked_out(request: Any, response: HttpResponse | None = None, credentials: dict | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message(), "code": "locked_out"}, status=STATUS)
    return render(request, "registration/locked_out.html", {"message": message()}, status=STATUS)


def unlock(username: str = "", ip: str = "") -> int:
    """Clears the failures of an account and/or an address (the security administrator's
    unlock); returns how many were cleared."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if ip:
        attempts = attempts.filter(ip_address=ip)
    if not (username or ip):
        return 0
    count, _details = attempts.delete()
    return count
