"""Deadlines on the Chinese calendar: office hours, weekends, holidays, adjusted workdays (调休),
and years the bundled calendar does not know yet."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongzhi.cases import categories, deadlines
from gongzhi.cases.models import Category
from gongzhi.workcalendar import workdays
from gongzhi.workcalendar.models import CalendarDay

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(("start", "hours", "due"), [
    (at(2026, 11, 27, 16, 30), 2, at(2026, 11, 30, 10, 0)),  # Friday late → Monday morning
    (at(2026, 11, 26, 11, 30), 1, at(2026, 11, 26, 14, 0)),  # lunch does not count
    (at(2026, 11, 26, 7, 0), 1, at(2026, 11, 26, 10, 0)),  # before opening
    (at(2026, 11, 28, 10, 0), 1, at(2026, 11, 30, 10, 0)),  # reported on a Saturday
    (at(2026, 9, 30, 17, 0), 1, at(2026, 10, 8, 9, 30)),  # National Day week off
])
def test_working_hours_count_only_office_time(db, start, hours, due):
    assert deadlines.deadline(start, hours, "work_hours") == due


@pytest.mark.parametrize(("start", "days", "due"), [
    (at(2026, 11, 26, 10, 0), 1, at(2026, 11, 27, 17, 30)),
    (at(2026, 11, 27, 10, 0), 1, at(2026, 11, 30, 17, 30)),  # over the weekend
    (at(2026, 9, 30, 10, 0), 3, at(2026, 10, 10, 17, 30)),  # 10-08, 10-09, then Saturday 10-10 is a workday
    (at(2026, 9, 18, 10, 0), 1, at(2026, 9, 20, 17, 30)),  # Sunday 09-20 is an adjusted workday
    (at(2026, 2, 13, 10, 0), 1, at(2026, 2, 14, 17, 30)),  # Saturday before Spring Festival works
    (at(2026, 2, 14, 10, 0), 1, at(2026, 2, 24, 17, 30)),  # Spring Festival holiday
])
def test_working_days_end_at_close_of_office(db, start, days, due):
    assert deadlines.deadline(start, days, "work_days") == due


def test_calendar_hours_run_through_nights_and_holidays(db):
    assert deadlines.deadline(at(2026, 10, 1, 22, 0), 4, "hours") == at(2026, 10, 2, 2, 0)


def test_a_year_the_bundled_calendar_does_not_know_uses_entered_days(db):
    assert not workdays.known(2027)
    # Without notice, New Year's Day 2027 (a Friday) would count as a working day.
    assert deadlines.deadline(at(2026, 12, 31, 10, 0), 1, "work_days") == at(2027, 1, 1, 17, 30)
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    workdays.overrides_changed()
    assert workdays.known(2027)
    assert deadlines.deadline(at(2026, 12, 31, 10, 0), 1, "work_days") == at(2027, 1, 4, 17, 30)


def test_an_entered_day_overrides_the_bundled_calendar(db):
    CalendarDay.objects.create(date=dt.date(2026, 11, 30), is_workday=False, note="临时调整")
    workdays.overrides_changed()
    assert deadlines.deadline(at(2026, 11, 27, 10, 0), 1, "work_days") == at(2026, 12, 1, 17, 30)


def test_the_lights_turn_yellow_then_red(db):
    start = at(2026, 11, 26, 9, 0)
    due = deadlines.deadline(start, 10, "hours")
    warn = deadlines.warning_from(start, due, 80)
    assert warn == at(2026, 11, 26, 17, 0)
    assert deadlines.light(at(2026, 11, 26, 16, 59), warn, due) == "green"
    assert deadlines.light(warn, warn, due) == "yellow"
    assert deadlines.light(due, warn, due) == "red"


def test_the_default_tree_has_two_levels_and_sixty_leaves(db):
    created = categories.load_defaults()
    leaves = Category.objects.filter(parent__isnull=False)
    assert created == Category.objects.count() and leaves.count() >= 60
    assert not Category.objects.filter(parent__parent__isnull=False).exists()
    assert str(Category.objects.get(code="fire_lane_blocked")) == "安全隐患/消防通道堵塞"
    assert categories.load_defaults() == 0


def test_a_category_may_count_its_limits_in_calendar_months_and_days(garbage, cast):
    from gongzhi.cases import intake, reporters
    from gongzhi.workcalendar import units

    garbage.accept_unit, garbage.accept_within = "months", 1
    garbage.handle_unit, garbage.handle_within = "days", 10
    garbage.full_clean()  # the new units are choices of the category's fields
    garbage.save()
    case = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="楼道堆物",
                         lon=0.25, lat=0.5).case
    assert case.due_at == units.add_months(case.step_started_at, 1)
    assert case.warn_at == deadlines.warning_from(case.step_started_at, case.due_at, garbage.warn_at)
