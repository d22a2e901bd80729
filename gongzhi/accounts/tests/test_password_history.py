"""Credentials audited and not reused (issue 15, item 4): one's own change and an
administrator's reset leave an audit entry (never the password), and a new password may be none
of the last five, the current one included, on every path that sets one."""

import itertools

import pytest
from django.test import Client

from gongzhi.accounts import passwords, resets
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import PASSWORD, sign_in

NEW = ["Own#pass2026a", "Own#pass2026b", "Own#pass2026c", "Own#pass2026d", "Own#pass2026e", "Own#pass2026f"]


def _change(client: Client, old: str, new: str):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_ones_own_change_is_audited_without_the_password(client, cast):
    sign_in(client, cast.leader)
    assert _change(client, PASSWORD, NEW[0]).status_code == 302
    entry = AuditEntry.objects.get(action="accounts.password.changed")
    assert entry.actor_id == cast.leader.pk and entry.target_id == str(cast.leader.pk)
    assert NEW[0] not in str(entry.changes) and entry.ip == "127.0.0.1"


def test_the_current_password_is_refused_on_its_field(client, cast):
    sign_in(client, cast.leader)
    page = _change(client, PASSWORD, PASSWORD)
    assert page.status_code == 200
    assert "新密码不能与最近 5 次使用过的密码相同" in " ".join(page.context["form"].errors["new_password2"])
    assert not AuditEntry.objects.filter(action="accounts.password.changed").exists()


def test_the_last_five_are_refused_and_the_sixth_back_is_allowed(client, cast):
    sign_in(client, cast.leader)
    history = [PASSWORD, *NEW[:5]]
    for old, new in itertools.pairwise(history):
        assert _change(client, old, new).status_code == 302, new
    for reused in NEW[:5]:
        assert _change(client, NEW[4], reused).status_code == 200, reused
    assert _change(client, NEW[4], PASSWORD).status_code == 302  # six changes ago: allowed again


def test_the_api_refuses_reuse_and_audits_the_change(cast):
    client = sign_in(Client(), cast.leader)
    same = client.post("/api/v1/auth/password", {"old_password": PASSWORD, "new_password": PASSWORD},
                       content_type="application/json")
    assert same.status_code == 422 and same.json()["code"] == "new_password"
    assert "最近 5 次" in same.json()["detail"]
    done = client.post("/api/v1/auth/password", {"old_password": PASSWORD, "new_password": NEW[0]},
                       content_type="application/json")
    assert done.status_code == 204
    assert AuditEntry.objects.filter(action="accounts.password.changed", actor_id=cast.leader.pk).exists()


def test_the_admins_own_password_form_is_audited_and_refuses_reuse(client, cast):
    sign_in(client, cast.system_admin)
    form = {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    assert client.post("/admin/password_change/", form).status_code == 200
    form.update(new_password1=NEW[0], new_password2=NEW[0])
    assert client.post("/admin/password_change/", form).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.password.changed", actor_id=cast.system_admin.pk).exists()


def test_a_reset_is_audited_and_may_not_bring_back_an_old_password(cast):
    with pytest.raises(resets.ResetError.__mro__[1]):  # ValidationError from the password policy
        resets.request(actor=cast.system_admin, target=cast.leader, kind="password", password=PASSWORD)
    passwords.reset(cast.leader, NEW[0], actor=cast.security_admin)
    entry = AuditEntry.objects.get(action="accounts.password.reset")
    assert entry.actor_id == cast.security_admin.pk and entry.target_id == str(cast.leader.pk)
