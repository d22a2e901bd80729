"""Signed checkpoints of the audit chain: the head's hash, how many entries were ever written
(the head's sequence number), when, and which audit key signed them, with an HMAC of those under
that key. The audit administrator keeps them outside the system; `gongzhi audit verify
--checkpoint FILE` then fails if the entry at that count no longer carries that hash — entries
before it were rewritten or removed — even by someone who held the key and re-chained the rest."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.common import actors

from . import log, signing
from .models import AuditEntry, AuditHead

FIELDS = ("count", "hash", "at", "kid")


def _signed_part(data: dict[str, Any]) -> bytes:
    return json.dumps({f: data[f] for f in FIELDS}, sort_keys=True, separators=(",", ":")).encode()


def export(*, actor: Any) -> dict[str, Any]:
    """A new checkpoint; its export is recorded first, so the checkpoint covers its own entry."""
    with transaction.atomic():
        log.record("audit.checkpoint_exported", actor=actors.require(actor), target_type="audit.auditentry")
        head = AuditHead.objects.get(pk=1)  # ours until commit: the record above locked the row
        key = signing.active()
        data = {"count": head.seq, "hash": head.hash, "at": timezone.now().isoformat(), "kid": key.kid}
        return {**data, "signature": key.mac(_signed_part(data))}


def dumps(checkpoint: dict[str, Any]) -> str:
    return json.dumps(checkpoint, indent=2) + "\n"


def check(text: str) -> list[str]:
    """What is wrong with the log against the checkpoint `text` (a file's content); [] if nothing."""
    try:
        data = json.loads(text)
        count, digest, kid, signature = int(data["count"]), str(data["hash"]), str(data["kid"]), str(data["signature"])
        signed = _signed_part(data)
    except (ValueError, KeyError, TypeError):
        return ["not a checkpoint file (expected JSON with count, hash, at, kid and signature)"]
    key = signing.by_id().get(kid)
    if key is None:
        return [f"the checkpoint is signed with audit key {kid!r}, which is not in GONGZHI_AUDIT_KEYS"]
    if not hmac.compare_digest(key.mac(signed), signature):
        return ["the checkpoint's signature does not match: the file was altered or not made by this installation"]
    head = AuditHead.objects.filter(pk=1).first()
    seq, base_seq = (head.seq, head.base_seq) if head else (0, 0)
    if count > seq:
        return [f"the log ends at #{seq}, before the checkpoint's #{count}: entries were removed"]
    if count < base_seq:
        return [f"entry #{count} was pruned (the log now starts after #{base_seq}): check a newer checkpoint"]
    found = AuditEntry.objects.filter(seq=count).values_list("hash", flat=True).first()
    if count == base_seq:
        found = head.base_hash if head else log.GENESIS
    if found is None:
        return [f"entry #{count} of the checkpoint is missing: entries were removed"]
    if not hmac.compare_digest(found, digest):
        return [f"entry #{count} no longer carries the checkpoint's hash: entries up to it were rewritten or removed"]
    return []
