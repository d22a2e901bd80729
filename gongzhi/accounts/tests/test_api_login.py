"""The phone client signs in, then works with the session and the CSRF token."""

import json

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import PASSWORD, SYSTEM


def _post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@pytest.fixture
def authenticator(cast):
    return TOTPDevice.objects.create(user=cast.grid_worker, name="phone", confirmed=True)


def test_sign_in_then_act_with_the_csrf_token(cast, authenticator):
    client = Client(enforce_csrf_checks=True)
    bad = _post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": "nope"})
    assert bad.status_code == 401 and AuditEntry.objects.filter(action="accounts.login_failed").exists()
    ok = _post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD,
                                               "otp": _code(authenticator)})
    assert ok.status_code == 200 and ok.json()["roles"] == ["grid_worker"]
    assert ok.json()["must_change_password"] is False
    token = ok.json()["csrf_token"]
    assert client.get("/api/v1/areas").status_code == 200
    refused = _post(client, "/api/v1/registry/address-match", {"text": "x"})
    assert refused.status_code == 403  # a write without the CSRF token
    allowed = _post(client, "/api/v1/registry/address-match", {"text": "x"}, HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200
    assert client.post("/api/v1/auth/logout", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/v1/areas").status_code == 401


def test_a_role_that_reveals_needs_its_code(cast, authenticator):
    client = Client()
    asked = _post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD})
    assert asked.status_code == 401 and asked.json()["code"] == "otp_required"
    assert client.get("/api/v1/areas").status_code == 401  # not signed in
    wrong = _post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    assert client.get("/api/v1/areas").status_code == 401


def test_without_an_authenticator_the_web_enrolment_comes_first(cast):
    answer = _post(Client(), "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD})
    assert answer.status_code == 403 and answer.json()["code"] == "otp_enrolment_required"


def test_a_password_set_by_an_administrator_is_changed_before_anything_else(cast):
    from gongzhi.accounts import passwords

    passwords.reset(cast.leader, "Reset#2026x", actor=SYSTEM)  # a leader reveals nothing: no second factor
    client = Client()
    ok = _post(client, "/api/v1/auth/login", {"username": "leader", "password": "Reset#2026x"})
    assert ok.status_code == 200 and ok.json()["must_change_password"] is True
    token = ok.json()["csrf_token"]
    blocked = client.get("/api/v1/areas")
    assert blocked.status_code == 403 and blocked.json()["code"] == "password_change_required"
    weak = _post(client, "/api/v1/auth/password", {"old_password": "Reset#2026x", "new_password": "abcdefgh"},
                 HTTP_X_CSRFTOKEN=token)
    assert weak.status_code == 422 and weak.json()["code"] == "new_password"
    changed = _post(client, "/api/v1/auth/password", {"old_password": "Reset#2026x", "new_password": "Mine#2026zz"},
                    HTTP_X_CSRFTOKEN=token)
    assert changed.status_code == 204
    assert client.get("/api/v1/areas").status_code == 200


def test_the_fifth_failure_locks_the_account_and_says_for_how_long(cast):
    client = Client()
    for _ in range(4):
        assert _post(client, "/api/v1/auth/login", {"username": "leader", "password": "wrong"}).status_code == 401
    assert _post(client, "/api/v1/auth/login", {"username": "leader", "password": "wrong"}).status_code == 429
    locked = _post(client, "/api/v1/auth/login", {"username": "leader", "password": PASSWORD})
    assert locked.status_code == 429 and "15" in locked.json()["detail"] and locked.json()["code"] == "locked_out"
    # From another address the account is still locked: the count is per account too.
    elsewhere = _post(Client(REMOTE_ADDR="10.9.9.9"), "/api/v1/auth/login", {"username": "leader", "password": PASSWORD})
    assert elsewhere.status_code == 429


def test_guessing_many_accounts_from_one_address_locks_the_address(cast):
    client = Client(REMOTE_ADDR="10.1.2.3")
    for n in range(5):
        _post(client, "/api/v1/auth/login", {"username": f"someone{n}", "password": "wrong"})
    assert _post(client, "/api/v1/auth/login", {"username": "leader", "password": PASSWORD}).status_code == 429
    assert _post(Client(REMOTE_ADDR="10.1.2.4"), "/api/v1/auth/login",
                 {"username": "leader", "password": PASSWORD}).status_code == 200


def test_the_security_administrator_unlocks(cast):
    from gongzhi.accounts import lockout

    client = Client()
    for _ in range(5):
        _post(client, "/api/v1/auth/login", {"username": "leader", "password": "wrong"})
    assert lockout.unlock(username="leader") >= 1
    assert _post(Client(REMOTE_ADDR="10.7.7.7"), "/api/v1/auth/login",
                 {"username": "leader", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_cross_site_post_that_is_not_json_does_not_sign_in(db, cast, content_type):
    """Issue 15 item 10, login CSRF: another site's page posts the attacker's credentials as
    text/plain (no preflight) so that the victim's browser works in the attacker's account."""
    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"username": "leader", "password": PASSWORD})
    answer = client.post("/api/v1/auth/login", body, content_type=content_type, HTTP_ORIGIN="https://evil.example")
    assert answer.status_code == 415 and answer.json()["code"] == "unsupported_media_type"
    assert "application/json" in answer.json()["detail"]
    assert "sessionid" not in answer.cookies and "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action="accounts.login").exists()
    # The same credentials as JSON sign in (charset and all).
    ok = client.post("/api/v1/auth/login", body, content_type="application/json; charset=utf-8")
    assert ok.status_code == 200
