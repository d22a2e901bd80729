"""How long the audit log is kept (GONGZHI_AUDIT_RETENTION_DAYS, never under the 180 days the
Cybersecurity Law asks of network logs) and the pruning of older entries: the oldest part of
the chain goes, the head remembers the last pruned entry so the rest still verifies, and the
pruning itself is an entry of the chain."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.common.tasks import task

from . import log
from .models import AuditEntry, AuditHead

MINIMUM_DAYS = 180


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=max(settings.GONGZHI_AUDIT_RETENTION_DAYS, MINIMUM_DAYS))


def prune(now: dt.datetime | None = None) -> int:
    """Removes the entries older than the retention period; returns how many."""
    before = cutoff(now)
    with transaction.atomic():
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)  # no entry is written meanwhile
        last = AuditEntry.objects.filter(at__lt=before).order_by("-seq").values("seq", "hash").first()
        if last is None:
            return 0
        # A prefix of the chain, by sequence: an entry is never pruned while an older one stays.
        removed, _by_model = AuditEntry.objects.filter(seq__lte=last["seq"]).delete()
        AuditHead.objects.filter(pk=1).update(base_seq=last["seq"], base_hash=last["hash"])
        log.record("audit.pruned", actor_name="system", target_type="audit.auditentry",
                   changes={"removed": removed, "through_seq": last["seq"], "anchor": last["hash"],
                            "older_than": before.isoformat(), "previous_base_seq": head.base_seq})
    return removed


@task()
def prune_audit_log() -> int:
    return prune()
