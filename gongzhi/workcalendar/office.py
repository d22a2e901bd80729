"""Office time on working days: GONGZHI_OFFICE_HOURS on the days `workdays.is_workday` says
are working days. A limit in working hours counts only that time; one in working days ends at
the close of office on the N-th working day after the start."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from .workdays import is_workday


def office_hours() -> tuple[tuple[dt.time, dt.time], ...]:
    """GONGZHI_OFFICE_HOURS, e.g. "09:00-12:00,13:30-17:30", as time pairs (local time)."""
    return _spans(settings.GONGZHI_OFFICE_HOURS)


@lru_cache(maxsize=8)
def _spans(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    spans = []
    for part in text.split(","):
        start, end = part.strip().split("-")
        spans.append((dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
    return tuple(spans)


def local(moment: dt.datetime) -> dt.datetime:
    """`moment` in the current time zone (a naive one is taken as already local)."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)


def add_work_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` of office time after `start` (time outside office hours does not count)."""
    remaining = dt.timedelta(hours=hours)
    moment = local(start)
    spans = office_hours()
    tz = moment.tzinfo
    day = moment.date()
    while True:
        if is_workday(day):
            for opens, closes in spans:
                span_start = dt.datetime.combine(day, opens, tzinfo=tz)
                span_end = dt.datetime.combine(day, closes, tzinfo=tz)
                begin = max(span_start, moment)
                if begin >= span_end:
                    continue
                available = span_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def add_work_days(start: dt.datetime, days: int) -> dt.datetime:
    """Close of office on the `days`-th working day after the day of `start`."""
    moment = local(start)
    day, counted = moment.date(), 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return dt.datetime.combine(day, office_hours()[-1][1], tzinfo=moment.tzinfo)
