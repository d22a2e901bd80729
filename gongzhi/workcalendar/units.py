"""The units a time limit is counted in, and the moment a limit ends. Calendar hours, days and
months run through nights, weekends and holidays; working hours and working days count office
time on the Chinese calendar (`office.py`).

Calendar days and months are wall-clock arithmetic in the local time zone: N days later at the
same time of day; N months later on the same day of the month, or on the month's last day when
it is shorter (31 January + 1 month = 28 or 29 February; 29 February 2028 + 12 months =
28 February 2029). Asia/Shanghai keeps no daylight saving time, so a calendar day there is
always 24 hours; in a zone that does, a day across the change is 23 or 25 hours long."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from .office import add_work_days, add_work_hours, local


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("自然小时")
    WORK_HOURS = "work_hours", _("工作小时")
    WORK_DAYS = "work_days", _("工作日")
    DAYS = "days", _("自然日")
    MONTHS = "months", _("自然月")


def add_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time of day, `days` calendar days later."""
    return local(start) + dt.timedelta(days=days)


def add_months(start: dt.datetime, months: int) -> dt.datetime:
    """The same local time, `months` months later, on the same day of the month or the last day
    of a shorter month."""
    moment = local(start)
    year, month = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + year, month + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def deadline(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """When a limit of `amount` `unit`s started at `start` runs out (local time)."""
    if unit == LimitUnit.HOURS:
        return local(start) + dt.timedelta(hours=amount)
    if unit == LimitUnit.WORK_HOURS:
        return add_work_hours(start, amount)
    if unit == LimitUnit.WORK_DAYS:
        return add_work_days(start, amount)
    if unit == LimitUnit.DAYS:
        return add_days(start, amount)
    if unit == LimitUnit.MONTHS:
        return add_months(start, amount)
    raise ValueError(f"unknown limit unit {unit!r}")
