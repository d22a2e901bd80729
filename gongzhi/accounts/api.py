"""Signing in from the phone client: a session, and the CSRF token its later writes send back
(X-CSRFToken). Failed sign-ins are audited like any other (Django's auth signals)."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from . import scoping

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class Session(Schema):
    username: str
    full_name: str
    roles: list[str]
    csrf_token: str


@router.post("/auth/login", auth=None, response=Session, summary="Sign in (session cookie + CSRF token)")
def sign_in(request, body: Credentials):
    user = authenticate(request, username=body.username, password=body.password)
    if user is None:
        raise HttpError(401, _("用户名或密码不正确"))
    login(request, user)
    return {"username": user.username, "full_name": user.full_name, "roles": sorted(scoping.roles(user)),
            "csrf_token": get_token(request)}


@router.post("/auth/logout", response={204: None}, summary="Sign out")
def sign_out(request):
    logout(request)
    return Status(204, None)
