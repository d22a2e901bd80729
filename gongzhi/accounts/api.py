"""Signing in from the phone client: a session, and the CSRF token its later writes send back
(X-CSRFToken). The same policy as the pages: failures count towards the lockout (django-axes,
429 when locked), a second factor where the role needs one (`otp`, from the authenticator the
user enrolled on the web), and a password that must be changed first (`/auth/password`).
Failed sign-ins are audited like any other (Django's auth signals)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from gongzhi.common.api_errors import Invalid, Problem, errors
from gongzhi.common.api_types import text

from . import history, passwords, scoping, two_factor

router = Router(tags=["auth"])


class Credentials(Schema):
    username: text(150)
    password: text(4096)
    otp: text(10) = ""


class SignIn(Schema):
    at: dt.datetime
    ip: str


class Session(Schema):
    username: str
    full_name: str
    roles: list[str]
    csrf_token: str
    must_change_password: bool
    previous_sign_in: SignIn | None = None


class PasswordChange(Schema):
    old_password: text(4096)
    new_password: text(4096)


def _session(request, user) -> dict:
    previous = history.previous(user)
    return {"username": user.username, "full_name": user.full_name, "roles": sorted(scoping.roles(user)),
            "csrf_token": get_token(request), "must_change_password": passwords.must_change(user),
            "previous_sign_in": {"at": previous.attempt_time, "ip": previous.ip_address or ""} if previous else None}


@router.post("/auth/login", auth=None, response={200: Session, **errors(400, 401, 403, 415, 422, 429)},
             summary="Sign in (session cookie + CSRF token); send otp when the answer's code is otp_required")
def sign_in(request, body: Credentials):
    # Without a CSRF token yet, a JSON content type is the proof: another site's page can post
    # a form or text/plain across origins, but not application/json (that needs CORS).
    if request.content_type != "application/json":
        return JsonResponse({"detail": _("登录请求须以 application/json 发送"), "code": "unsupported_media_type"},
                            status=415)
    user = authenticate(request, username=body.username, password=body.password)
    if user is None:
        raise HttpError(401, _("用户名或密码不正确"))  # a lockout becomes 429 in AxesMiddleware
    enrolled = two_factor.device(user)
    if enrolled is not None or two_factor.required(user):
        if enrolled is None:
            return JsonResponse({"detail": _("您的角色须使用动态口令：请先在网页端登录并绑定验证器"),
                                 "code": "otp_enrolment_required"}, status=403)
        if not body.otp.strip():
            return JsonResponse({"detail": _("请输入验证器中的动态口令"), "code": "otp_required"}, status=401)
        login(request, user)
        if not two_factor.verify(request, body.otp):
            logout(request)
            return JsonResponse({"detail": _("动态口令不正确或已过期"), "code": "otp_invalid"}, status=401)
    else:
        login(request, user)
    return _session(request, user)


# 422: a refusal of the old or new password names it in `code`; a malformed body lists the fields.
@router.post("/auth/password", response={204: None, **errors(400, 401, 403), 422: Problem | Invalid},
             summary="Change my password (required first when must_change_password is true)")
def change_password(request, body: PasswordChange):
    user = request.user
    if not user.check_password(body.old_password):
        return Status(422, {"detail": _("原密码不正确"), "code": "old_password"})
    try:
        validate_password(body.new_password, user)
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages), "code": "new_password"})
    passwords.changed_by_owner(user, body.new_password)
    update_session_auth_hash(request, user)
    return Status(204, None)


@router.post("/auth/logout", response={204: None, **errors(401, 403)}, summary="Sign out")
def sign_out(request):
    logout(request)
    return Status(204, None)
