"""Queueing notices with the change they tell of, and delivering them afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.common import bulk, crypto
from gongzhi.common.tasks import task

from . import backends
from .models import Channel, Notification, Status

BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]  # then it is marked failed


@dataclass(frozen=True)
class Message:
    """One notice to tell: staff get it in the app, residents' phones by SMS."""

    subject: str
    body: str
    link: str = ""
    users: tuple[Any, ...] = ()
    phones: tuple[str, ...] = ()
    sealed: bool = False  # an SMS that is a credential (a verification code): kept sealed until sent


# A sealed SMS body is stored as this marker and the ciphertext: a one-time code is a credential,
# and nobody reading the outbox's table may use it.
SEALED = "sealed:"
PURPOSE = "notifications.sms.body"


def text(note: Notification) -> str:
    """The body as it is sent (opened, if it was sealed)."""
    if note.body.startswith(SEALED):
        return crypto.decrypt(note.body[len(SEALED):], purpose=PURPOSE)
    return note.body


def notify(*, users: Iterable[Any] = (), phones: Iterable[str] = (), subject: str, body: str, link: str = "",
           sms_users: bool = False, sealed: bool = False) -> int:
    """Writes the notices in the caller's transaction; delivery starts once it commits.
    Staff get an in-app notice; residents' phones an SMS (its body `sealed` at rest when it
    carries a credential). Returns how many were written."""
    return notify_all([Message(subject, body, link, tuple(users), tuple(phones), sealed)])


FIELDS = ("channel", "recipient_id", "to_token", "to_digest", "to_masked", "subject", "body", "link", "status",
          "attempts", "next_attempt_at", "last_error", "created_at", "sent_at")


def notify_all(messages: Iterable[Message]) -> int:
    """`notify` for many messages in one write through the bulk path (a sweep that tells of
    thousands of cases at once)."""
    now = timezone.now()
    rows = []
    pending = False
    for message in messages:
        subject = message.subject[:120]
        for user_id in dict.fromkeys(getattr(u, "pk", u) for u in message.users):
            rows.append((Channel.IN_APP, user_id, "", "", "", subject, message.body, message.link, Status.SENT, 0,
                         None, "", now, now))
        sms_body = SEALED + crypto.encrypt(message.body, purpose=PURPOSE) if message.sealed else message.body
        for phone in dict.fromkeys(p for p in message.phones if p):
            token, digest, masked = Notification.to.columns(phone)
            rows.append((Channel.SMS, None, token, digest, masked, subject, sms_body, message.link,
                         Status.PENDING, 0, now, "", now, None))
            pending = True
    bulk.insert(Notification, FIELDS, rows, returning_ids=False)
    if pending:
        transaction.on_commit(lambda: deliver.enqueue())
    return len(rows)


def deliver_pending(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Sends what is due; a failure is retried later (1 min, 5, 30, 2 h, 12 h), then given up."""
    now = now or timezone.now()
    done = {"sent": 0, "retry": 0, "failed": 0}
    due = list(Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at")[:limit])
    for note in due:
        try:
            backends.send(note.channel, note.to.reveal(), note.subject, text(note))
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
