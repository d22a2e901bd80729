"""Queueing notices with the change they tell of, and delivering them afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.common.tasks import task

from . import backends
from .models import Channel, Notification, Status

BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]  # then it is marked failed


def notify(*, users: Iterable[Any] = (), phones: Iterable[str] = (), subject: str, body: str, link: str = "",
           sms_users: bool = False) -> list[Notification]:
    """Writes the notices in the caller's transaction; delivery starts once it commits.
    Staff get an in-app notice; residents' phones an SMS."""
    now = timezone.now()
    rows = [Notification(channel=Channel.IN_APP, recipient=u, subject=subject[:120], body=body, link=link,
                         status=Status.SENT, sent_at=now) for u in dict.fromkeys(users)]
    for phone in dict.fromkeys(p for p in phones if p):
        row = Notification(channel=Channel.SMS, subject=subject[:120], body=body, link=link, next_attempt_at=now)
        row.to = phone
        rows.append(row)
    created = Notification.objects.bulk_create(rows)
    if any(r.status == Status.PENDING for r in created):
        transaction.on_commit(lambda: deliver.enqueue())
    return created


def deliver_pending(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Sends what is due; a failure is retried later (1 min, 5, 30, 2 h, 12 h), then given up."""
    now = now or timezone.now()
    done = {"sent": 0, "retry": 0, "failed": 0}
    due = list(Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at")[:limit])
    for note in due:
        try:
            backends.send(note.channel, note.to.reveal(), note.subject, note.body)
        except backends.DeliveryError as exc:
            note.attempts += 1
            note.last_error = str(exc)[:300]
            if note.attempts > len(BACKOFF):
                note.status, done["failed"] = Status.FAILED, done["failed"] + 1
            else:
                note.next_attempt_at, done["retry"] = now + BACKOFF[note.attempts - 1], done["retry"] + 1
        else:
            note.status, note.sent_at, note.attempts = Status.SENT, now, note.attempts + 1
            done["sent"] += 1
        note.save(update_fields=["status", "sent_at", "attempts", "next_attempt_at", "last_error"])
    return done


@task()
def deliver() -> dict[str, int]:
    return deliver_pending()
