"""Case numbers: GZ + the day + the day's counter (GZ20261129000042), unique, never reused.

The counter is one row per day, so every report of the day would wait on it. Outside a
transaction a process therefore takes a block of numbers at a time (one increment of the row,
committed on its own) and hands them out itself: busy intake touches the row once per block.
Within a process numbers rise with time; across processes they need not, and numbers a
process held when it stopped are never used (gaps are harmless: a number only has to be
unique and readable). Inside a caller's transaction a block could be rolled back while the
process still held it, so there one number is taken at a time, within that transaction.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import DailyCounter

BLOCK = 20  # numbers a process takes at once

_lock = threading.Lock()
_held: dict[str, tuple[dt.date, int, int]] = {}  # database alias → (day, next number, last number)


def next_number(now: dt.datetime) -> str:
    day = timezone.localtime(now).date()
    if connection.in_atomic_block:
        return _format(day, _take(day, 1))
    with _lock:
        held_day, following, last = _held.get(connection.alias, (None, 0, -1))
        if held_day != day or following > last:
            last = _take(day, BLOCK)
            following = last - BLOCK + 1
        _held[connection.alias] = (day, following + 1, last)
    return _format(day, following)


def forget() -> None:
    """Drops the blocks this process holds (tests that rebuild the database)."""
    with _lock:
        _held.clear()


def _take(day: dt.date, count: int) -> int:
    """Adds `count` to the day's counter and returns its new value: the last number taken."""
    if connection.vendor == "postgresql":  # one round trip once the day's row exists
        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_dailycounter SET last = last + %s WHERE day = %s RETURNING last",
                           [count, day])
            row = cursor.fetchone()
        if row is not None:
            return row[0]
    with transaction.atomic():
        DailyCounter.objects.get_or_create(day=day)
        DailyCounter.objects.filter(day=day).update(last=F("last") + count)
        return DailyCounter.objects.get(day=day).last


def _format(day: dt.date, n: int) -> str:
    return f"GZ{day:%Y%m%d}{n:06d}"
