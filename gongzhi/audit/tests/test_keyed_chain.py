"""Issue 15 item 5: the chain is keyed with a secret kept outside the database, the keys rotate,
and signed checkpoints hold the log even against someone who held the key."""

import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from gongzhi.audit import checkpoints, log, signing, upgrade
from gongzhi.audit.models import AuditEntry, AuditHead
from gongzhi.common.actors import SystemActor
from gongzhi.conftest import sign_in


@pytest.fixture
def chain(db):
    for n in range(6):
        log.record("test.thing.changed", actor_name="tester", changes={"n": n, "名称": "测试 ✓"})
    return list(AuditEntry.objects.order_by("seq"))


def _rechain(digest) -> None:
    """What an attacker with write access to the database does after deleting entries: renumber
    the rest and recompute every link and hash with `digest`, so that the chain looks whole."""
    prev = log.GENESIS
    for number, entry in enumerate(AuditEntry.objects.order_by("seq"), start=1):
        entry.seq, entry.prev_hash = number, prev
        entry.hash = digest(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(seq=entry.seq, prev_hash=prev, hash=entry.hash)
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(seq=AuditEntry.objects.count(), hash=prev)


def _delete_two(chain):
    AuditEntry.objects.filter(seq__in=[chain[1].seq, chain[3].seq]).delete()


def test_deleting_and_rechaining_with_plain_sha256_is_detected(chain):
    _delete_two(chain)
    _rechain(lambda e: hashlib.sha256(log._payload(e)).hexdigest())
    verdict = log.verify()
    assert not verdict.ok and all("edited" in p for p in verdict.problems)
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit", "verify")


def test_deleting_and_rechaining_with_a_wrong_key_is_detected(chain):
    _delete_two(chain)
    forged = signing.parse(signing.new_key(signing.active().kid))[0]  # the right id, not the key
    _rechain(lambda e: log._digest(e, {forged.kid: forged}))
    assert not log.verify().ok


def test_each_entry_names_its_key_and_rotation_keeps_older_entries_verifiable(chain, settings):
    old = signing.active().kid
    assert {e.key_id for e in chain} == {old}
    settings.GONGZHI_AUDIT_KEYS = f"{signing.new_key('k2')},{settings.GONGZHI_AUDIT_KEYS}"
    newer = log.record("test.after_rotation", actor_name="tester")
    assert newer.key_id == "k2"
    assert log.verify().ok
    settings.GONGZHI_AUDIT_KEYS = settings.GONGZHI_AUDIT_KEYS.split(",")[0]  # the old key dropped
    verdict = log.verify()
    assert not verdict.ok and any(f"audit key '{old}'" in p for p in verdict.problems)


def test_sm3_keys_sign_and_verify(chain, settings):
    settings.GONGZHI_AUDIT_KEYS = f"{signing.new_key('gm1', 'sm3')},{settings.GONGZHI_AUDIT_KEYS}"
    log.record("test.sm3", actor_name="tester")
    assert log.verify().ok and AuditEntry.objects.latest("seq").key_id == "gm1"


def test_bad_key_settings_say_which_entry(settings):
    for bad, says in [("k1:c2hvcnQ=", "at least 32 bytes"), ("k 1:" + "A" * 44, "letters and digits"),
                      ("k1:md5:" + "A" * 44, "expected kid:base64key"), ("", "no audit key")]:
        with pytest.raises(ValueError, match=says):
            signing.parse(bad)


def test_a_checkpoint_holds_the_log_against_a_rechain_with_the_real_key(chain, tmp_path):
    path = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "-o", str(path))
    exported = AuditEntry.objects.latest("seq")
    assert exported.action == "audit.checkpoint_exported" and exported.source == "cli:audit checkpoint"
    assert json.loads(path.read_text())["count"] == exported.seq  # it covers its own entry
    log.record("test.later", actor_name="tester")
    call_command("audit", "verify", "--checkpoint", str(path))

    _delete_two(chain)
    _rechain(log._digest)  # the attacker held the key: the chain alone looks intact
    assert log.verify().ok
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--checkpoint", str(path))
    assert "entries were removed" in checkpoints.check(path.read_text())[0]
    for _n in range(2):  # padded back to the checkpoint's count, under the key
        log.record("test.padding", actor_name="tester")
    assert log.verify().ok
    assert "rewritten or removed" in checkpoints.check(path.read_text())[0]


def test_a_cut_back_log_fails_its_checkpoint(chain, tmp_path):
    text = checkpoints.dumps(checkpoints.export(actor=SystemActor("tester")))
    AuditEntry.objects.filter(seq__gte=chain[4].seq).delete()
    AuditHead.objects.filter(pk=1).update(seq=chain[3].seq, hash=chain[3].hash)
    assert log.verify().ok
    assert "entries were removed" in checkpoints.check(text)[0]


def test_an_altered_or_foreign_checkpoint_is_refused(chain, settings):
    good = checkpoints.export(actor=SystemActor("tester"))
    assert checkpoints.check(checkpoints.dumps(good)) == []
    altered = {**good, "count": good["count"] - 1, "hash": chain[-2].hash}
    assert "signature does not match" in checkpoints.check(json.dumps(altered))[0]
    settings.GONGZHI_AUDIT_KEYS = signing.new_key("other")
    assert "not in GONGZHI_AUDIT_KEYS" in checkpoints.check(json.dumps(good))[0]
    assert "not a checkpoint file" in checkpoints.check("[1, 2]")[0]


def test_the_audit_administrator_exports_a_checkpoint_from_the_admin(client, cast):
    sign_in(client, cast.audit_admin)
    page = client.get("/admin/audit/auditentry/checkpoint/")
    assert page.status_code == 200 and "gongzhi audit verify --checkpoint" in page.content.decode()
    assert "/admin/audit/auditentry/checkpoint/" in client.get("/admin/audit/auditentry/").content.decode()
    answer = client.post("/admin/audit/auditentry/checkpoint/")
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    assert checkpoints.check(answer.content.decode()) == []
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "audit.checkpoint_exported" and entry.actor_id == cast.audit_admin.pk


def test_nobody_else_exports_a_checkpoint(client, cast):
    sign_in(client, cast.system_admin)
    assert client.post("/admin/audit/auditentry/checkpoint/").status_code == 403
    assert not AuditEntry.objects.filter(action="audit.checkpoint_exported").exists()


def _unkeyed(chain):
    """The log as an installation before audit keys left it: plain SHA-256, no key id."""
    AuditEntry.objects.update(key_id="")
    prev = log.GENESIS
    for entry in AuditEntry.objects.order_by("seq"):
        entry.prev_hash, entry.key_id = prev, ""
        entry.hash = log.plain_digest(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=entry.hash)
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(hash=prev)


def test_the_upgrade_brings_an_unkeyed_log_under_the_key(chain):
    _unkeyed(chain)
    assert not log.verify().ok  # unkeyed entries are not trusted as they are
    assert upgrade.key_the_chain(AuditEntry, AuditHead) == len(chain)
    assert log.verify().ok
    marker = AuditEntry.objects.latest("seq")
    assert marker.action == "audit.chain_keyed" and marker.changes["unkeyed_chain_intact"] is True
    # From then on the old trick no longer works.
    AuditEntry.objects.filter(seq=chain[2].seq).delete()
    _rechain(lambda e: hashlib.sha256(log._payload(e)).hexdigest())
    assert not log.verify().ok


def test_the_upgrade_says_when_the_unkeyed_log_was_already_broken(chain):
    _unkeyed(chain)
    AuditEntry.objects.filter(seq=chain[2].seq).update(changes={"n": 99})
    AuditHead.objects.filter(pk=1).update(seq=F("seq"))
    upgrade.key_the_chain(AuditEntry, AuditHead)
    marker = AuditEntry.objects.latest("seq")
    assert marker.changes["unkeyed_chain_intact"] is False and marker.changes["unkeyed_problems"] == 1
