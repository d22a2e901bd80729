"""The rollup rows behind the rates: one row per key, increments never lost."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import categories, intake, rates, reporters
from gongzhi.cases.models import CaseStat, Category


@pytest.fixture
def case(cast, world):
    categories.load_defaults()
    return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=Category.objects.get(
        code="garbage_pileup"), description="事", lon=0.25, lat=0.5).case


def _rows(case, **key):
    return CaseStat.objects.unscoped().filter(area_id=case.area_id, category=case.category, **key)


def test_a_key_without_a_unit_keeps_one_row(case):
    """Cases not yet dispatched have no unit: their counts still add up in a single row."""
    at = timezone.now()
    rates.count(case, at, responded=1)
    rates.count(case, at, responded=1, responded_on_time=1)
    row = _rows(case, department=None).get()
    assert (row.reported, row.responded, row.responded_on_time) == (1, 2, 1)


def test_a_unit_and_a_day_make_their_own_rows(case, departments):
    case.department = departments["s1_city_management"]
    at = timezone.now()
    rates.count(case, at, handled=1)
    rates.count(case, at + dt.timedelta(days=1), handled=1)
    assert _rows(case, department=case.department).count() == 2
    assert _rows(case, department=None).get().handled == 0


def test_an_unknown_counter_is_refused(case):
    with pytest.raises(ValueError):
        rates.count(case, timezone.now(), opened=1)
