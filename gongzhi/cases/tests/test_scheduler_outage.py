"""Issue 15 item 16: the scheduler outlives a database restart instead of exiting."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from gongzhi.cases.management.commands import scheduler
from gongzhi.common import resilience


class Stop(Exception):
    pass


def test_the_scheduler_waits_out_a_lost_connection_and_goes_on(db, monkeypatch):
    pauses, ticks = [], []

    def tick(self):
        ticks.append(1)
        if len(ticks) <= 2:
            raise OperationalError("the database system is starting up")

    def sleep(seconds):
        if seconds == 60:
            raise Stop  # the loop's minute pause after a good tick: the test ends here
        pauses.append(seconds)

    monkeypatch.setattr(scheduler.Command, "tick", tick)
    monkeypatch.setattr(resilience.time, "sleep", sleep)  # one `time` module for both
    with pytest.raises(Stop):
        call_command("scheduler", "--every", "60")
    assert len(ticks) == 3 and pauses == [1.0, 2.0]


def test_a_tick_queues_the_periodic_work_and_checks_imports(db):
    with mock.patch.object(scheduler, "recover_stalled") as recover:
        call_command("scheduler", "--once")
    recover.assert_called_once_with()
