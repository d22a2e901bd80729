"""The sign-in policy on pages: second factor, forced password change, session lifetime,
password rules and the user's own sign-in history."""

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts import passwords, sessions
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import PASSWORD, SYSTEM


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _wait_out_throttle(device: TOTPDevice) -> None:
    """django-otp refuses any code for a moment after a wrong one (1 s, doubling); a person
    waits that out, a test clears it."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def _sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_grid_worker_enrols_an_authenticator_before_any_page(cast):
    client = _sign_in("grid_worker")
    first = client.get("/w/registry/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/otp/")
    setup = client.get("/accounts/otp/setup/?next=/w/registry/")
    assert setup.status_code == 200 and b"<svg" in setup.content
    secret = re.search(r"<code>([A-Z2-7]+)</code>", setup.content.decode()).group(1)
    pending = TOTPDevice.objects.get(user=cast.grid_worker, confirmed=False)
    wrong = client.post("/accounts/otp/setup/", {"token": "123456", "next": "/w/registry/"})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    _wait_out_throttle(pending)
    done = client.post("/accounts/otp/setup/", {"token": _code(pending), "next": "/w/registry/"})
    assert done.status_code == 302 and done["Location"] == "/w/registry/"
    assert client.get("/w/registry/").status_code == 200
    assert len(secret) >= 16 and AuditEntry.objects.filter(action="accounts.otp.enrolled").exists()


def test_an_enrolled_user_enters_the_code_at_each_sign_in(cast):
    device = TOTPDevice.objects.create(user=cast.community_worker, name="phone", confirmed=True)
    client = _sign_in("community_worker")
    assert client.get("/w/").status_code == 302
    assert client.get("/accounts/otp/").status_code == 200
    assert client.post("/accounts/otp/", {"token": "000000"}).status_code == 200
    assert client.post("/accounts/otp/", {"token": _code(device)}).status_code == 200  # throttled a moment
    _wait_out_throttle(device)
    assert client.post("/accounts/otp/", {"token": _code(device), "next": "/w/"})["Location"] == "/w/"
    assert client.get("/w/").status_code == 200


def test_an_external_next_is_not_followed(cast):
    device = TOTPDevice.objects.create(user=cast.community_worker, name="phone", confirmed=True)
    client = _sign_in("community_worker")
    answer = client.post("/accounts/otp/", {"token": _code(device), "next": "https://evil.example/"})
    assert answer["Location"] == "/w/"


def test_administrators_need_the_second_factor_for_the_admin(cast):
    client = _sign_in("system_admin")
    assert client.get("/admin/")["Location"].startswith("/accounts/otp/")


@override_settings(GONGZHI_TWO_FACTOR="optional")
def test_optional_two_factor_lets_a_revealing_role_in(cast):
    assert _sign_in("grid_worker").get("/w/").status_code == 200


def test_a_leader_without_sensitive_rights_needs_no_second_factor(cast):
    assert _sign_in("leader").get("/w/").status_code == 200


def test_a_reset_password_is_changed_at_the_next_sign_in(cast):
    passwords.reset(cast.leader, "Reset#2026x", actor=SYSTEM)
    client = Client()
    client.post("/accounts/login/", {"username": "leader", "password": "Reset#2026x"})
    assert client.get("/w/")["Location"].startswith("/accounts/password/")
    same = client.post("/accounts/password/", {"old_password": "Reset#2026x", "new_password1": "leader2026A!",
                                               "new_password2": "leader2026A!"})
    assert same.status_code == 200 and "用户名" in same.content.decode()
    changed = client.post("/accounts/password/", {"old_password": "Reset#2026x", "new_password1": "Own#pass2026",
                                                  "new_password2": "Own#pass2026", "next": "/w/"})
    assert changed["Location"] == "/w/" and client.get("/w/").status_code == 200
    cast.leader.refresh_from_db()
    assert cast.leader.must_change_password is False


@override_settings(GONGZHI_PASSWORD_MAX_DAYS=90)
def test_an_expired_password_must_be_changed(cast):
    from django.utils import timezone

    type(cast.leader).objects.filter(pk=cast.leader.pk).update(
        password_changed_at=timezone.now() - timezone.timedelta(days=91))
    assert _sign_in("leader").get("/w/")["Location"].startswith("/accounts/password/")


@pytest.mark.parametrize(("password", "code"), [
    ("Sh0rt#1", "password_too_short"), ("alllowercase", "password_too_simple"),
    ("ALLUPPER123", "password_too_simple"), ("Password123", "password_too_common"),
])
def test_the_password_rules(cast, password, code):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, cast.leader)
    assert code in {e.code for e in caught.value.error_list}


def test_the_password_may_not_hold_the_username(cast):
    with pytest.raises(ValidationError):
        validate_password("Xleader#2026", cast.leader)
    validate_password("Qz#8wpLm2026", cast.leader)


def test_an_idle_session_ends(cast):
    client = _sign_in("leader")
    assert client.get("/w/").status_code == 200
    session = client.session
    session[sessions.SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    ended = client.get("/w/")
    assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/")
    assert client.get("/w/")["Location"].startswith("/accounts/login/")  # signed out, not just redirected


def test_any_session_ends_after_the_absolute_limit(cast):
    client = _sign_in("leader")
    session = client.session
    session[sessions.SIGNED_IN_AT] = int(time.time()) - 9 * 3600
    session.save()
    answer = client.get("/api/v1/areas")
    assert answer.status_code == 401 and answer.json()["code"] == "session_expired"


def test_the_user_sees_where_they_signed_in_from(cast):
    _sign_in("leader")
    client = Client(REMOTE_ADDR="10.0.0.8", HTTP_USER_AGENT="PhoneClient/1.0")
    client.post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    page = client.get("/accounts/sign-ins/").content.decode()
    assert "10.0.0.8" in page and "PhoneClient/1.0" in page


def test_a_locked_page_sign_in_says_so_in_the_users_language(cast):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "leader", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    assert locked.status_code == 429 and "锁定 15 分钟" in locked.content.decode()


def test_a_django_superuser_cannot_sign_in(db, settings):
    from gongzhi.accounts.models import User

    User.objects.create_superuser("root", password="Root#2026abc")
    assert Client().post("/accounts/login/", {"username": "root", "password": "Root#2026abc"}).status_code == 200
    settings.GONGZHI_ALLOW_SUPERUSER = True
    assert Client().post("/accounts/login/", {"username": "root", "password": "Root#2026abc"}).status_code == 302


def test_the_start_page_says_when_and_where_the_last_sign_in_was(cast):
    Client(REMOTE_ADDR="10.0.0.9").post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    page = _sign_in("leader").get("/w/").content.decode()
    assert "上次登录" in page and "10.0.0.9" in page and "/accounts/sign-ins/" in page
