"""An enrolled second factor is always asked for, and the admin always needs it (issue 15,
item 3): whatever GONGZHI_TWO_FACTOR says and whatever the role, a user with an authenticator
never gets in with the password alone, and the admin site sends a user without one to enrol."""

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.conftest import PASSWORD


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _password_only(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("mode", ["required", "optional"])
def test_an_enrolled_dispatcher_does_not_reach_the_admin_with_the_password_alone(cast, settings, mode):
    settings.GONGZHI_TWO_FACTOR = mode
    device = TOTPDevice.objects.create(user=cast.dispatcher, name="phone", confirmed=True)
    client = _password_only("dispatcher")
    for page in ("/admin/", "/admin/cases/routingrule/", "/w/"):
        answer = client.get(page)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/otp/?"), page
    done = client.post("/accounts/otp/", {"token": _code(device), "next": "/admin/"})
    assert done["Location"] == "/admin/" and client.get("/admin/").status_code == 200


@override_settings(GONGZHI_TWO_FACTOR="optional")
def test_an_enrolled_user_is_asked_whatever_the_setting(cast):
    TOTPDevice.objects.create(user=cast.leader, name="phone", confirmed=True)
    assert _password_only("leader").get("/w/")["Location"].startswith("/accounts/otp/")
    assert _password_only("handler").get("/w/").status_code == 200  # not enrolled, not required


@override_settings(GONGZHI_TWO_FACTOR="optional")
def test_an_administrator_without_an_authenticator_enrols_on_the_first_visit_to_the_admin(cast):
    client = _password_only("system_admin")
    assert client.get("/w/").status_code == 200  # optional: the workbench lets them in
    answer = client.get("/admin/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/otp/setup/?next=%2Fadmin%2F")
    setup = client.get(answer["Location"]).content.decode()
    assert "<svg" in setup and "进入管理后台须使用动态口令" in setup
    pending = TOTPDevice.objects.get(user=cast.system_admin, confirmed=False)
    done = client.post("/accounts/otp/setup/", {"token": _code(pending), "next": "/admin/"})
    assert done["Location"] == "/admin/" and client.get("/admin/").status_code == 200


def test_a_password_alone_cannot_bind_a_new_authenticator(cast):
    TOTPDevice.objects.create(user=cast.dispatcher, name="phone", confirmed=True)
    client = _password_only("dispatcher")
    answer = client.get("/accounts/otp/setup/?next=/admin/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/otp/?")
    client.post("/accounts/otp/setup/", {"token": "123456"})
    assert list(TOTPDevice.objects.filter(user=cast.dispatcher).values_list("name", flat=True)) == ["phone"]


def test_the_admin_login_form_does_not_open_the_admin_without_the_code(cast):
    client = Client()
    assert client.post("/admin/login/", {"username": "dispatcher", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/")["Location"].startswith("/accounts/otp/setup/")
