"""Which days are working days in China: weekends off, public holidays off, and the adjusted
weekend working days (调休) on. The bundled `chinesecalendar` knows the years the State Council
has announced; CalendarDay rows override it and cover later years once announced. A year known
to neither counts Monday to Friday and says so (`known(year)`), so an operator can fix it."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import chinese_calendar

from gongzhi.common.memo import Memo

log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _overrides(year: int, version: int) -> dict[dt.date, bool]:
    from .models import CalendarDay

    return dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))


VERSION_KEY = "gongzhi:workdays:version"


_pinned: contextvars.ContextVar[int | None] = contextvars.ContextVar("gongzhi_workdays_version", default=None)


# Asked of the shared cache at most every few seconds per process (a deadline in working hours
# looks at several days, and each look would be a round trip to Redis): a change made in
# another process is seen here within VERSION_SECONDS, one made in this process at once.
VERSION_SECONDS = 5
_VERSION: Memo[int] = Memo(VERSION_SECONDS, size=1)


def _version() -> int:
    """Bumped in the shared cache on every change, so every process re-reads the entered days."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    from django.core.cache import cache

    return _VERSION.get(VERSION_KEY, lambda: cache.get_or_set(VERSION_KEY, 0))


@contextmanager
def settled() -> Iterator[None]:
    """For a batch that computes many deadlines (a seed, a replay): asks the shared cache once
    whether the entered days changed, not on every day looked at."""
    token = _pinned.set(_version())
    try:
        yield
    finally:
        _pinned.reset(token)


def overrides_changed() -> None:
    """Called when CalendarDay rows change (admin, command), so cached years are re-read."""
    from django.core.cache import cache

    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1)
    _VERSION.clear()


def forget() -> None:
    """Drops what this process remembers of the entered days (tests that clear the cache and
    roll the database back, so that a version number comes round again with other days)."""
    _VERSION.clear()
    _overrides.cache_clear()


@lru_cache(maxsize=4096)
def _bundled(day: dt.date) -> bool | None:
    """The bundled calendar's word on a day (None: a year it does not know). Kept, since the
    library takes tens of microseconds a day and a deadline in working hours asks several."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def known(year: int) -> bool:
    """Whether the holidays of `year` are known (bundled or entered)."""
    return _bundled(dt.date(year, 1, 1)) is not None or bool(_overrides(year, _version()))


def is_workday(day: dt.date) -> bool:
    override = _overrides(day.year, _version()).get(day)
    if override is not None:
        return override
    bundled = _bundled(day)
    return day.weekday() < 5 if bundled is None else bundled
