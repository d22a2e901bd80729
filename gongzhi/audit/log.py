"""Writing and verifying the audit chain. Every app records through `record`; nothing else
writes AuditEntry rows."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.common import actors

from . import signing
from .context import current_origin
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    """What JSONField will give back after a round trip, so the hash is reproducible on read."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, default=str))


def _payload(entry: Any) -> bytes:
    payload = [
        entry.seq,
        entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_repr,
        entry.changes,
        entry.ip,
        entry.user_agent,
        entry.source,
        entry.prev_hash,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def plain_digest(entry: Any) -> str:
    """The unkeyed SHA-256 the chain used before audit keys (checked once, at the upgrade)."""
    return hashlib.sha256(_payload(entry)).hexdigest()


def _digest(entry: Any, keys: Mapping[str, signing.AuditKey] | None = None) -> str | None:
    """The entry's HMAC under the key it names; None when that key is not configured."""
    key = (keys if keys is not None else signing.by_id()).get(entry.key_id)
    if key is None:
        return None
    return key.mac(entry.key_id.encode() + b"\x00" + _payload(entry))


def _target(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    return target._meta.label_lower, str(target.pk), str(target)[:300]


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    actor_name: str = "",
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
) -> AuditEntry:
    """Appends one entry. Runs in the caller's transaction, so an action that rolls back leaves
    no entry; the head row update is the lock that keeps the chain linear."""
    origin = current_origin()
    t_type, t_id, t_repr = _target(target)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if actors.is_system(actor) or actors.is_resident(actor):
        actor_name = actor.get_username()  # named, never linked to an account
    return append(
        AuditEntry, AuditHead,
        actor_id=actor.pk if authenticated else None,
        actor_name=(actor.get_username() if authenticated else actor_name)[:150],
        action=action,
        target_type=target_type or t_type,
        target_id=(target_id or t_id)[:100],
        target_repr=(target_repr or t_repr)[:300],
        changes=_jsonable(dict(changes or {})),
        ip=origin.ip,
        user_agent=origin.user_agent,
        source=origin.source,
    )


def append(entry_model: Any, head_model: Any, **fields: Any) -> Any:
    """Adds an entry after the head, signed with the active audit key. The models are passed in
    so that a migration can append with its historical ones."""
    with transaction.atomic():
        head_model.objects.get_or_create(pk=1)
        head_model.objects.filter(pk=1).update(seq=F("seq") + 1)
        head = head_model.objects.get(pk=1)
        entry = entry_model(seq=head.seq, at=timezone.now(), prev_hash=head.hash,
                            key_id=signing.active().kid, **fields)
        entry.hash = _digest(entry)
        entry.save()
        head_model.objects.filter(pk=1).update(hash=entry.hash)
    return entry


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    problems: list[str]


def verify(entries: Iterable[AuditEntry] | None = None) -> Verdict:
    """Walks the chain in sequence order: a gap means a deleted entry, a broken link a deleted
    or reordered one, a wrong hash an edited one; the head catches a cut-off tail."""
    problems: list[str] = []
    rows = entries if entries is not None else AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    head = AuditHead.objects.filter(pk=1).first()
    prev_hash, expected_seq = GENESIS, None
    if entries is None and head is not None and head.base_seq:  # the oldest entries were pruned
        prev_hash, expected_seq = head.base_hash, head.base_seq + 1
    checked, keys = 0, signing.by_id()
    for entry in rows:
        checked += 1
        if expected_seq is not None and entry.seq != expected_seq:
            problems.append(f"#{entry.seq}: expected #{expected_seq} next (entries missing or reordered)")
        if entry.prev_hash != prev_hash:
            problems.append(f"#{entry.seq}: does not link to the entry before it")
        digest = _digest(entry, keys)
        if digest is None:
            problems.append(f"#{entry.seq}: signed with audit key {entry.key_id!r}, not in GONGZHI_AUDIT_KEYS")
        elif not hmac.compare_digest(digest, entry.hash):
            problems.append(f"#{entry.seq}: content does not match its hash (edited)")
        prev_hash = entry.hash
        expected_seq = entry.seq + 1
    if head is not None and entries is None and (head.hash != prev_hash or head.seq != (expected_seq or 1) - 1):
        problems.append(f"the chain ends before its recorded head #{head.seq} (entries cut off)")
    return Verdict(ok=not problems, checked=checked, problems=problems)
