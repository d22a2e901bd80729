"""The sign-in policy on every request of a signed-in user, in one place: the session's
lifetime, then the second factor, then a password that must be changed. Pages redirect to the
step that is missing; the API answers 401/403 with a code the phone client acts on."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _

from . import passwords, sessions, two_factor
from .admin_site import may_enter_admin

# Reachable whatever step is missing: signing in and out, static files, the language switch,
# health checks and the public Open311 endpoint (which has keys, not sessions).
OPEN = ("/static/", "/healthz", "/livez", "/i18n/", "/open311/", "/accounts/login/", "/accounts/logout/",
        "/admin/login/", "/admin/logout/", "/api/v1/auth/login", "/api/v1/auth/logout")
OTP_PAGES = "/accounts/otp/"
OTP_SETUP = "/accounts/otp/setup/"
ADMIN_SITE = "/admin/"  # needs a verified second factor, whatever GONGZHI_TWO_FACTOR says
PASSWORD_PAGE = "/accounts/password/"  # noqa: S105  # nosec B105  # a URL, not a password
PASSWORD_CHANGE = (PASSWORD_PAGE, "/api/v1/auth/password", OTP_PAGES)


def _refuse(request, status: int, code: str, text: str, to: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text, "code": code}, status=status)
    return HttpResponseRedirect(f"{to}?{urlencode({'next': request.get_full_path()})}")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        why = sessions.ended(request)
        if why:
            logout(request)
            text = _("长时间未操作，已自动退出，请重新登录") if why == "idle" else _("登录已过期，请重新登录")
            if not request.path.startswith("/api/"):
                messages.info(request, text)
            return _refuse(request, 401, f"session_{why}", text, settings.LOGIN_URL)
        sessions.touch(request)
        if request.path.startswith(OPEN):
            return self.get_response(request)
        admin_site = request.path.startswith(ADMIN_SITE) and may_enter_admin(user)
        if not user.is_verified() and admin_site and two_factor.device(user) is None:
            text = _("进入管理后台须使用动态口令：请先绑定验证器")
            messages.info(request, text)
            return _refuse(request, 403, "otp_enrolment_required", text, OTP_SETUP)
        if not user.is_verified() and (admin_site or two_factor.needed(user)):
            if not request.path.startswith(OTP_PAGES):
                return _refuse(request, 403, "otp_required", _("请先完成动态口令验证"), OTP_PAGES)
        elif passwords.must_change(user) and not request.path.startswith(PASSWORD_CHANGE):
            return _refuse(request, 403, "password_change_required", _("请先修改密码"), PASSWORD_PAGE)
        return self.get_response(request)
