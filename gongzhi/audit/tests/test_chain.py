"""The audit chain detects an edited, deleted or reordered entry, and a cut-off tail."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.audit import log
from gongzhi.audit.models import AuditEntry


@pytest.fixture
def chain(db):
    for n in range(5):
        log.record("test.thing.changed", actor_name="tester", changes={"n": n, "名称": "测试 ✓"})
    return list(AuditEntry.objects.order_by("seq"))


def test_an_untouched_chain_verifies(chain):
    verdict = log.verify()
    assert verdict.ok and verdict.checked == 5
    call_command("audit", "verify")


def test_entries_are_append_only(chain):
    entry = chain[1]
    entry.action = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_an_edited_entry_is_detected(chain):
    # Tampering straight in the database, as an attacker with SQL access would.
    AuditEntry.objects.filter(seq=chain[2].seq).update(changes={"n": 99})
    verdict = log.verify()
    assert not verdict.ok
    assert any(f"#{chain[2].seq}" in p and "edited" in p for p in verdict.problems)
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_deleted_entry_is_detected(chain):
    AuditEntry.objects.filter(seq=chain[2].seq).delete()
    assert not log.verify().ok


def test_a_cut_off_tail_is_detected(chain):
    AuditEntry.objects.filter(seq=chain[-1].seq).delete()
    verdict = log.verify()
    assert not verdict.ok and any("cut off" in p for p in verdict.problems)


def test_reordered_entries_are_detected(chain):
    a, b = chain[1], chain[2]
    AuditEntry.objects.filter(seq=a.seq).update(seq=-1)
    AuditEntry.objects.filter(seq=b.seq).update(seq=a.seq)
    AuditEntry.objects.filter(seq=-1).update(seq=b.seq)
    assert not log.verify().ok


def test_entries_rolled_back_with_their_action_leave_no_gap(db):
    from django.db import transaction

    log.record("test.kept", actor_name="t")
    with pytest.raises(RuntimeError), transaction.atomic():
        log.record("test.rolled_back", actor_name="t")
        raise RuntimeError
    log.record("test.kept", actor_name="t")
    assert log.verify().ok
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_logins_and_failures_are_recorded_with_address(client, cast):
    from gongzhi.conftest import PASSWORD

    client.post("/accounts/login/", {"username": "dispatcher", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "dispatcher", "password": PASSWORD}, REMOTE_ADDR="10.1.2.4")
    failed = AuditEntry.objects.filter(action="accounts.login_failed").latest("seq")
    ok = AuditEntry.objects.filter(action="accounts.login").latest("seq")
    assert failed.actor_name == "dispatcher" and failed.ip == "10.1.2.3"
    assert "wrong" not in str(failed.changes)
    assert ok.actor_id == cast.dispatcher.pk and ok.ip == "10.1.2.4"
    assert log.verify().ok
