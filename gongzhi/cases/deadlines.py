"""Deadlines of a case's steps: computed when the step starts, from the category's limit, in
calendar hours, working hours (the office hours of working days) or working days (until the
end of office hours on the N-th working day after the start). Warning (yellow) starts when the
category's share of the span is used; overdue (red) at the deadline."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from .models import LimitUnit
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


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)


def add_work_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` of office time after `start` (time outside office hours does not count)."""
    remaining = dt.timedelta(hours=hours)
    moment = _local(start)
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
    moment = _local(start)
    day, counted = moment.date(), 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return dt.datetime.combine(day, office_hours()[-1][1], tzinfo=moment.tzinfo)


def deadline(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit == LimitUnit.HOURS:
        return _local(start) + dt.timedelta(hours=amount)
    if unit == LimitUnit.WORK_HOURS:
        return add_work_hours(start, amount)
    if unit == LimitUnit.WORK_DAYS:
        return add_work_days(start, amount)
    raise ValueError(f"unknown limit unit {unit!r}")


def warning_from(start: dt.datetime, due: dt.datetime, warn_at_percent: int) -> dt.datetime:
    """When the yellow light comes on: that share of the span from start to deadline."""
    return start + (due - start) * (warn_at_percent / 100)


def light(now: dt.datetime, warn_from: dt.datetime, due: dt.datetime) -> str:
    """"green", "yellow" (warning) or "red" (overdue)."""
    if now >= due:
        return "red"
    return "yellow" if now >= warn_from else "green"
