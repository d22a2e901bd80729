"""Which days are working days in China: weekends off, public holidays off, and the adjusted
weekend working days (调休) on. The bundled `chinesecalendar` knows the years the State Council
has announced; CalendarDay rows override it and cover later years once announced. A year known
to neither counts Monday to Friday and says so (`known(year)`), so an operator can fix it."""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _overrides(year: int, version: int) -> dict[dt.date, bool]:
    from .models import CalendarDay

    return dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))


VERSION_KEY = "gongzhi:workdays:version"


def _version() -> int:
    """Bumped in the shared cache on every change, so every process re-reads the entered days."""
    from django.core.cache import cache

    return cache.get_or_set(VERSION_KEY, 0)


def overrides_changed() -> None:
    """Called when CalendarDay rows change (admin, command), so cached years are re-read."""
    from django.core.cache import cache

    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1)


def known(year: int) -> bool:
    """Whether the holidays of `year` are known (bundled or entered)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        return True
    except NotImplementedError:
        return bool(_overrides(year, _version()))


def is_workday(day: dt.date) -> bool:
    override = _overrides(day.year, _version()).get(day)
    if override is not None:
        return override
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5
