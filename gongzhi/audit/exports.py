"""The audit administrator's export of audit entries (CSV, UTF-8 with BOM for Excel): every
field and both hashes, so that a copy kept outside the system can be verified on its own;
stamped with who exported it and when, and itself recorded in the chain."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.common.cells import neutralise

from . import log

COLUMNS = ("seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_repr", "changes",
           "ip", "user_agent", "source", "prev_hash", "hash")


def export(user: Any, entries) -> tuple[bytes, int]:
    """(CSV bytes, row count) of `entries` in sequence order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("%(user)s 于 %(at)s 导出，仅供审计使用") % {
        "user": user.get_username(), "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}])
    writer.writerow(COLUMNS)
    count = 0
    for entry in entries.order_by("seq").iterator(chunk_size=2000):
        values = [getattr(entry, c) for c in COLUMNS]
        values[1] = timezone.localtime(entry.at).isoformat()
        values[8] = json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)
        writer.writerow([neutralise("" if v is None else str(v)) for v in values])
        count += 1
    log.record("audit.exported", actor=user, target_type="audit.auditentry", changes={"rows": count})
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count
