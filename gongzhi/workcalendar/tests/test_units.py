"""Calendar days and calendar months as limit units: the same time of day, month ends clamped,
leap years, across a year end; and the older units unchanged beside them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gongzhi.cases import deadlines
from gongzhi.workcalendar import units
from gongzhi.workcalendar.units import LimitUnit

SH = ZoneInfo("Asia/Shanghai")


def at(*args, tz=SH) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(("start", "months", "due"), [
    (at(2026, 1, 31, 10, 15), 1, at(2026, 2, 28, 10, 15)),  # a shorter month: its last day
    (at(2028, 1, 31, 10, 15), 1, at(2028, 2, 29, 10, 15)),  # a leap year's February
    (at(2028, 2, 29, 16, 0), 12, at(2029, 2, 28, 16, 0)),  # 29 February + a year: no 29th, the 28th
    (at(2028, 2, 29, 16, 0), 48, at(2032, 2, 29, 16, 0)),  # four years on: 29 February again
    (at(2026, 11, 30, 9, 0), 3, at(2027, 2, 28, 9, 0)),  # across the year end, clamped
    (at(2026, 12, 15, 23, 59), 1, at(2027, 1, 15, 23, 59)),  # December → January
    (at(2026, 3, 31, 8, 0), 1, at(2026, 4, 30, 8, 0)),  # 31 → a 30-day month
    (at(2026, 1, 28, 8, 0), 1, at(2026, 2, 28, 8, 0)),  # a day every month has: kept
    (at(2026, 5, 10, 8, 0), 0, at(2026, 5, 10, 8, 0)),
    (at(2026, 5, 31, 8, 0), 25, at(2028, 6, 30, 8, 0)),
])
def test_calendar_months_keep_the_day_of_the_month_or_the_month_end(db, start, months, due):
    assert deadlines.deadline(start, months, "months") == due


@pytest.mark.parametrize(("start", "days", "due"), [
    (at(2026, 9, 30, 17, 0), 3, at(2026, 10, 3, 17, 0)),  # National Day holidays count
    (at(2028, 2, 28, 12, 0), 1, at(2028, 2, 29, 12, 0)),  # a leap day counts
    (at(2026, 2, 28, 12, 0), 1, at(2026, 3, 1, 12, 0)),
    (at(2026, 12, 30, 22, 30), 5, at(2027, 1, 4, 22, 30)),  # across the year end
    (at(2026, 11, 28, 10, 0), 2, at(2026, 11, 30, 10, 0)),  # a weekend counts
])
def test_calendar_days_are_the_same_time_days_later(db, start, days, due):
    assert deadlines.deadline(start, days, "days") == due


def test_shanghai_keeps_no_daylight_saving_so_a_calendar_day_is_24_hours(db):
    start = at(2026, 1, 1, 9, 0)
    for day in range(0, 366, 7):  # every week of a year: never 23 or 25 hours
        assert units.add_days(start, day) - start == dt.timedelta(days=day)


def test_in_a_zone_with_daylight_saving_a_calendar_day_keeps_the_time_of_day(db):
    berlin = ZoneInfo("Europe/Berlin")
    with timezone.override(berlin):
        start = at(2026, 3, 28, 10, 0, tz=berlin)  # summer time starts on 29 March
        assert units.add_days(start, 1) == at(2026, 3, 29, 10, 0, tz=berlin)
        assert units.add_months(at(2026, 2, 28, 10, 0, tz=berlin), 1) == at(2026, 3, 28, 10, 0, tz=berlin)


def test_a_naive_start_is_taken_as_local_time(db):
    assert units.deadline(dt.datetime(2026, 1, 31, 10, 0), 1, "months") == at(2026, 2, 28, 10, 0)


def test_the_yellow_light_comes_at_the_same_share_of_a_month(db):
    start = at(2026, 2, 1, 0, 0)
    due = deadlines.deadline(start, 1, LimitUnit.MONTHS)  # 28 days
    assert due == at(2026, 3, 1, 0, 0)
    warn = deadlines.warning_from(start, due, 75)
    assert warn == at(2026, 2, 22, 0, 0)
    assert deadlines.light(at(2026, 2, 21, 23, 59), warn, due) == "green"
    assert deadlines.light(warn, warn, due) == "yellow"
    assert deadlines.light(due, warn, due) == "red"


@pytest.mark.parametrize(("unit", "amount", "due"), [
    ("hours", 30, at(2026, 10, 1, 23, 0)),
    ("work_hours", 2, at(2026, 10, 8, 10, 30)),  # half an hour before the holiday, 1.5 after
    ("work_days", 1, at(2026, 10, 8, 17, 30)),
])
def test_the_older_units_give_what_they_gave(db, unit, amount, due):
    # (cases/tests/test_deadlines.py keeps its cases of these units unchanged, too)
    assert deadlines.deadline(at(2026, 9, 30, 17, 0), amount, unit) == due


def test_an_unknown_unit_is_refused(db):
    with pytest.raises(ValueError, match="weeks"):
        deadlines.deadline(at(2026, 1, 1, 9, 0), 1, "weeks")


def test_every_unit_fits_the_category_column():
    assert max(len(value) for value in LimitUnit.values) <= 10
    assert {"days", "months"} <= set(LimitUnit.values)
