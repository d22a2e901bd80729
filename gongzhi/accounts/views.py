"""The sign-in steps after the password: the second factor (verify, or enrol on first use)
and the change of a password that must be changed. Each view only calls the policy modules."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import history, passwords, two_factor


class CodeForm(forms.Form):
    token = forms.RegexField(label=gettext_lazy("动态口令"), regex=r"^\s*\d{6}\s*$", max_length=8,
                             error_messages={"invalid": gettext_lazy("请输入验证器应用显示的 6 位数字")},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/w/"
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return target if safe else "/w/"


@login_required
def otp_verify(request):
    if two_factor.device(request.user) is None:
        return redirect(f"/accounts/otp/setup/?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("动态口令不正确或已过期，请输入应用中当前显示的数字"))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def otp_setup(request):
    if two_factor.device(request.user) is not None and not request.user.is_verified():
        # An enrolled user proves the old authenticator before binding a new one (a password
        # alone must not replace the second factor); a lost phone is reset by administrators.
        return redirect(f"/accounts/otp/?next={_next(request)}")
    pending = two_factor.enrolment(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm(request, pending, form.cleaned_data["token"]):
            messages.success(request, _("验证器已绑定，今后登录时需输入其中的动态口令"))
            return redirect(_next(request))
        form.add_error("token", _("动态口令不正确，请确认已扫描本页的二维码后再输入"))
    return render(request, "registration/otp_setup.html", {
        "form": form, "next": _next(request), "qr": two_factor.qr_svg(pending), "secret": two_factor.secret(pending),
        "required": two_factor.required(request.user)})


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.changed_by_owner(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改"))
        return redirect(_next(request))
    return render(request, "registration/password_change.html", {
        "form": form, "next": _next(request), "forced": passwords.must_change(request.user),
        "expires_at": passwords.expires_at(request.user)})


@login_required
def sign_ins(request):
    """The user's own recent sign-ins (where from, when), to spot one that was not theirs."""
    return render(request, "registration/sign_ins.html", {"sign_ins": history.recent(request.user)})
