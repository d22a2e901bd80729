"""Bringing a log written before audit keys under the keyed chain (migration audit.0003).

The upgrade is the moment of trust: it first walks the old, unkeyed chain and then re-signs
every entry under the active audit key, and the first keyed entry (`audit.chain_keyed`) says
how many entries it re-signed and whether the old chain was intact at that moment. From then
on an edit needs the key. Verify the log (`gongzhi audit verify`) before upgrading and export a
checkpoint right after (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import log, signing

BATCH = 2000


def key_the_chain(entry_model: Any, head_model: Any) -> int:
    """Re-signs every entry under the active key, in sequence order, in one transaction;
    returns how many. A log without entries is left alone."""
    head = head_model.objects.filter(pk=1).first()
    if head is None or not entry_model.objects.exists():
        return 0
    key = signing.active()
    keys = {key.kid: key}
    start = head.base_hash if head.base_seq else log.GENESIS
    old_prev, new_prev, last_seq, count, broken = start, start, None, 0, 0
    with transaction.atomic():
        while True:
            rows = list(entry_model.objects.filter(**({"seq__gt": last_seq} if last_seq is not None else {}))
                        .order_by("seq")[:BATCH])
            if not rows:
                break
            for entry in rows:
                expected = (last_seq + 1) if last_seq is not None else (head.base_seq + 1 if head.base_seq else None)
                if entry.prev_hash != old_prev or log.plain_digest(entry) != entry.hash or \
                        (expected is not None and entry.seq != expected):
                    broken += 1
                old_prev = entry.hash
                entry.prev_hash, entry.key_id = new_prev, key.kid
                entry.hash = log._digest(entry, keys)
                new_prev, last_seq = entry.hash, entry.seq
            entry_model.objects.bulk_update(rows, ["prev_hash", "key_id", "hash"])
            count += len(rows)
        if head.hash != old_prev or head.seq != last_seq:
            broken += 1  # the tail was cut off
        head_model.objects.filter(pk=1).update(hash=new_prev)
        log.append(entry_model, head_model, actor_name="system", action="audit.chain_keyed",
                   target_type="audit.auditentry", source="migration",
                   changes={"resigned": count, "key": key.kid, "unkeyed_chain_intact": not broken,
                            "unkeyed_problems": broken})
    return count
