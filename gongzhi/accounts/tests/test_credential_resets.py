"""No account takeover by one administrator (issue 15, item 2): resetting another account's
password or authenticator is a request a second administrator (neither the asker nor the
account's owner) approves before it takes effect; the server's shell resets at once, audited as
the shell. Every request, approval, refusal and application is audited."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts import resets, services
from gongzhi.accounts.models import CredentialReset
from gongzhi.accounts.roles import Role
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import CITY, PASSWORD, SYSTEM, sign_in

TEMP = "Temp#2026abc"
RESETS = "/admin/accounts/credentialreset/"


@pytest.fixture
def second_security_admin(cast, world):
    other = services.create_staff(actor=SYSTEM, username="security_admin_2", password=PASSWORD, must_change=False)
    services.assign_role(actor=SYSTEM, user=other, role=Role.SECURITY_ADMIN, area=world[CITY])
    return other


def _actions(target) -> list[str]:
    return list(AuditEntry.objects.filter(action__startswith="accounts.credential_reset.", changes__user=target.username)
                .order_by("seq").values_list("action", flat=True))


def test_the_system_administrator_alone_cannot_set_the_security_administrators_password(client, cast):
    sign_in(client, cast.system_admin)
    answer = client.post(f"/admin/accounts/user/{cast.security_admin.pk}/password/",
                         {"new_password1": TEMP, "new_password2": TEMP})
    assert answer.status_code == 302 and answer["Location"] == RESETS
    assert not cast.security_admin.check_password(TEMP)
    assert Client().post("/accounts/login/", {"username": "security_admin", "password": TEMP}).status_code == 200
    reset = CredentialReset.objects.get(target=cast.security_admin)
    # Approving one's own request is refused, with its reason, and audited.
    page = client.post(RESETS, {"action": "approve", "_selected_action": [reset.pk]}, follow=True)
    assert "另一位管理员批准" in page.content.decode()
    assert not cast.security_admin.check_password(TEMP)
    assert CredentialReset.objects.get(pk=reset.pk).state == "pending"
    assert AuditEntry.objects.filter(action="accounts.credential_reset.approve_denied",
                                     actor_id=cast.system_admin.pk).exists()


def test_the_target_cannot_approve_a_reset_of_their_own_account(cast, second_security_admin):
    reset = resets.request(actor=cast.system_admin, target=cast.security_admin, kind="second_factor")
    TOTPDevice.objects.create(user=cast.security_admin, name="phone", confirmed=True)
    with pytest.raises(resets.ResetError, match="本人账号"):
        resets.approve(actor=cast.security_admin, reset=reset)
    assert TOTPDevice.objects.filter(user=cast.security_admin).exists()


def test_a_second_administrator_approves_and_the_owner_must_change_it(client, cast, second_security_admin):
    sign_in(client, cast.system_admin)
    client.post(f"/admin/accounts/user/{cast.security_admin.pk}/password/",
                {"new_password1": TEMP, "new_password2": TEMP})
    reset = CredentialReset.objects.get(target=cast.security_admin)
    assert TEMP not in reset.password and reset.password.startswith("md5$")  # a hash, never the password
    approver = sign_in(Client(), second_security_admin)
    approver.post(RESETS, {"action": "approve", "_selected_action": [reset.pk]})
    target = cast.security_admin
    assert target.check_password(TEMP) and target.must_change_password
    owner = Client()
    owner.post("/accounts/login/", {"username": "security_admin", "password": TEMP})
    assert owner.get("/w/")["Location"].startswith("/accounts/")  # the code, then the change
    assert _actions(target) == ["accounts.credential_reset.requested", "accounts.credential_reset.approved"]
    applied = AuditEntry.objects.get(action="accounts.password.reset", target_id=str(target.pk))
    assert applied.actor_id == second_security_admin.pk and applied.changes == {"approved_by": "security_admin_2"}
    assert TEMP not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_a_grid_workers_password_takes_two_administrators_too(cast, second_security_admin):
    reset = resets.request(actor=cast.system_admin, target=cast.grid_worker, kind="password", password=TEMP)
    assert not cast.grid_worker.check_password(TEMP)
    resets.approve(actor=second_security_admin, reset=reset)
    assert cast.grid_worker.check_password(TEMP)


def test_an_authenticator_reset_waits_for_approval_and_can_be_refused(cast, second_security_admin):
    TOTPDevice.objects.create(user=cast.security_admin, name="phone", confirmed=True)
    reset = resets.request(actor=cast.system_admin, target=cast.security_admin, kind="second_factor")
    assert TOTPDevice.objects.filter(user=cast.security_admin).exists()
    resets.refuse(actor=second_security_admin, reset=reset)
    with pytest.raises(resets.ResetError, match="已处理"):
        resets.approve(actor=second_security_admin, reset=reset)
    assert TOTPDevice.objects.filter(user=cast.security_admin).exists()
    assert "accounts.credential_reset.refused" in _actions(cast.security_admin)


def test_a_request_lapses_after_its_hours(cast, second_security_admin, settings):
    reset = resets.request(actor=cast.system_admin, target=cast.leader, kind="password", password=TEMP)
    CredentialReset.objects.filter(pk=reset.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(resets.ResetError, match="已过期"):
        resets.approve(actor=second_security_admin, reset=reset)
    assert not cast.leader.check_password(TEMP)
    # A fresh request may be filed once the old one lapsed.
    resets.request(actor=cast.system_admin, target=cast.leader, kind="password", password=TEMP)


def test_a_bad_request_is_refused_with_its_reason_and_leaves_nothing(client, cast):
    sign_in(client, cast.system_admin)
    page = client.post(f"/admin/accounts/user/{cast.leader.pk}/password/",
                       {"new_password1": "short", "new_password2": "short"})
    assert page.status_code == 200 and "密码" in page.content.decode()
    with pytest.raises(resets.ResetError, match="本人"):
        resets.request(actor=cast.system_admin, target=cast.system_admin, kind="password", password=TEMP)
    with pytest.raises(resets.ResetError, match="无权"):
        resets.request(actor=cast.dispatcher, target=cast.leader, kind="second_factor")
    assert not CredentialReset.objects.exists()


def test_ones_own_password_page_in_the_admin_is_the_self_service_change(client, cast):
    sign_in(client, cast.system_admin)
    own = client.get(f"/admin/accounts/user/{cast.system_admin.pk}/password/")
    assert own.status_code == 302 and own["Location"] == "/admin/password_change/"


def test_the_servers_shell_resets_at_once_audited_as_the_shell(cast):
    TOTPDevice.objects.create(user=cast.security_admin, name="phone", confirmed=True)
    out = io.StringIO()
    call_command("accounts", "reset-credentials", "security_admin", "--password", "--password-stdin",
                 stdin=io.StringIO(TEMP + "\n"), stdout=out)
    call_command("accounts", "reset-credentials", "security_admin", "--second-factor", stdout=out)
    target = cast.security_admin
    assert target.check_password(TEMP) and target.must_change_password
    assert not TOTPDevice.objects.filter(user=target).exists()
    for action in ("accounts.password.reset", "accounts.otp.reset"):
        entry = AuditEntry.objects.get(action=action, target_id=str(target.pk))
        assert entry.actor_id is None and entry.actor_name == "系统：server shell"
        assert entry.source.startswith("cli:accounts reset-credentials")


def test_the_shell_never_takes_a_password_as_an_argument(cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("accounts", "reset-credentials", "security_admin", "--password", TEMP)
