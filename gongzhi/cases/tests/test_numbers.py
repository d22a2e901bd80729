import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from gongzhi.cases import numbers
from gongzhi.cases.models import DailyCounter

NOON = timezone.make_aware(dt.datetime(2026, 11, 30, 12, 0))


def _counter(day=None):
    return DailyCounter.objects.get(day=day or NOON.date()).last


def test_inside_a_transaction_each_number_is_taken_from_the_counter_itself(db):
    first, second = numbers.next_number(NOON), numbers.next_number(NOON)
    assert (first, second) == ("GZ20261130000001", "GZ20261130000002")
    assert _counter() == 2  # nothing held that a rollback could take back


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_one_a_process_takes_a_block_and_another_process_the_next():
    taken = [numbers.next_number(NOON) for _ in range(3)]
    assert taken == ["GZ20261130000001", "GZ20261130000002", "GZ20261130000003"]
    assert _counter() == numbers.BLOCK  # one increment for the whole block
    numbers.forget()  # as a second process: it starts on the next block
    assert numbers.next_number(NOON) == f"GZ20261130{numbers.BLOCK + 1:06d}"
    assert _counter() == 2 * numbers.BLOCK


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_used_up_block_is_followed_by_a_fresh_one_and_a_new_day_by_its_own_counter():
    taken = {numbers.next_number(NOON) for _ in range(numbers.BLOCK + 1)}
    assert len(taken) == numbers.BLOCK + 1 and _counter() == 2 * numbers.BLOCK
    tomorrow = NOON + dt.timedelta(days=1)
    assert numbers.next_number(tomorrow) == "GZ20261201000001"  # not the rest of today's block
    assert _counter(tomorrow.date()) == numbers.BLOCK


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_block_is_never_held_from_a_transaction_that_may_roll_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbers.next_number(NOON) == "GZ20261130000001"
        raise RuntimeError("the report failed")
    # The rolled-back number comes round again, but nothing was held from it.
    assert numbers.next_number(NOON) == "GZ20261130000001"
    assert numbers.next_number(NOON) == "GZ20261130000002"
