"""The scheduler runs what the apps register (common.periodic), every minute and once a day, and
outlives a database restart instead of exiting (issue 15 item 16)."""

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from gongzhi.common import periodic, resilience
from gongzhi.common.management.commands import scheduler
from gongzhi.common.tasks import task

# What the installation's apps register: the jobs the scheduler ran when it listed them itself.
EVERY_MINUTE = {"gongzhi.cases.sweeps.sweep_deadlines", "gongzhi.notifications.outbox.deliver",
                "gongzhi.registry.imports.recover_stalled"}
DAILY = {"gongzhi.audit.retention.prune_audit_log", "gongzhi.audit.integrity.verify_daily",
         "gongzhi.registry.deidentify.deidentify_people", "gongzhi.cases.retention.clear_case_contacts",
         "gongzhi.registry.imports.remove_expired_downloads"}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class Stop(Exception):
    pass


@task()
def counted_every_minute() -> None:
    """A job a test app registers."""


@task()
def counted_daily() -> None:
    """A daily job a test app registers."""


@pytest.fixture
def queued(settings):
    """The tasks the scheduler queues, in order, instead of running them."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default", "imports"]}}
    default_task_backend.clear()
    return lambda: [result.task.module_path for result in default_task_backend.results]


@pytest.fixture
def test_app_jobs():
    periodic.every_minute(counted_every_minute)
    periodic.daily(counted_daily)
    yield
    periodic.unregister(counted_every_minute)
    periodic.unregister(counted_daily)


def ticks(monkeypatch, start: dt.datetime, count: int, hours: int) -> None:
    """Runs the scheduler for `count` ticks, the clock moving `hours` between two ticks."""
    clock = [start]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        if len(slept) == count:
            raise Stop
        clock[0] += dt.timedelta(hours=hours)

    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    monkeypatch.setattr(scheduler.time, "sleep", sleep)
    with pytest.raises(Stop):
        call_command("scheduler", "--every", "60")


def test_the_apps_register_the_installations_periodic_jobs():
    assert {job.name for job in periodic.jobs(periodic.EVERY_MINUTE)} == EVERY_MINUTE
    assert {job.name for job in periodic.jobs(periodic.DAILY)} == DAILY
    # Resuming imports looks at running jobs in the scheduler itself; everything else is a task.
    assert [job.name for job in periodic.jobs() if not job.queued] == ["gongzhi.registry.imports.recover_stalled"]


def test_a_tick_queues_exactly_the_registered_jobs(db, queued):
    call_command("scheduler", "--once")
    assert sorted(queued()) == sorted((EVERY_MINUTE | DAILY) - {"gongzhi.registry.imports.recover_stalled"})


def test_a_tick_resumes_or_ends_a_stalled_import(db, queued, django_user_model):
    """recover_stalled runs in the scheduler: a running import whose process is gone, its upload
    lost, ends as failed; nothing is queued for it."""
    from gongzhi.common.worker import this_process
    from gongzhi.registry.models import ImportJob

    host = this_process().partition(":")[0]
    owner = django_user_model.objects.create(username="importer")
    job = ImportJob.objects.create(kind="people", file_name="p.csv", created_by=owner, status="running",
                                   worker=f"{host}:999999999")
    call_command("scheduler", "--once")
    job.refresh_from_db()
    assert job.status == "failed" and "重新上传" in job.message
    assert "gongzhi.registry.imports.process" not in queued()


def test_a_job_a_new_app_registers_is_run_every_minute_and_daily_ones_once_a_day(db, queued, test_app_jobs,
                                                                                monkeypatch):
    # Four ticks twelve hours apart: 06:00 and 18:00 of two days.
    ticks(monkeypatch, dt.datetime(2026, 3, 2, 6, tzinfo=SHANGHAI), count=4, hours=12)
    names = queued()
    assert names.count("gongzhi.common.tests.test_scheduler.counted_every_minute") == 4
    assert names.count("gongzhi.common.tests.test_scheduler.counted_daily") == 2
    assert names.count("gongzhi.cases.sweeps.sweep_deadlines") == 4
    assert names.count("gongzhi.audit.retention.prune_audit_log") == 2


def test_ticks_within_a_day_run_the_daily_jobs_once(db, queued, test_app_jobs, monkeypatch):
    ticks(monkeypatch, dt.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI), count=3, hours=7)  # 00:30, 07:30, 14:30
    names = queued()
    assert names.count("gongzhi.common.tests.test_scheduler.counted_every_minute") == 3
    assert names.count("gongzhi.common.tests.test_scheduler.counted_daily") == 1


def test_a_job_registered_again_keeps_one_schedule():
    periodic.every_minute(counted_every_minute)
    try:
        periodic.every_minute(counted_every_minute)  # an app's ready() run twice
        assert [j.name for j in periodic.jobs()].count("gongzhi.common.tests.test_scheduler.counted_every_minute") == 1
        with pytest.raises(ValueError, match="already registered"):
            periodic.daily(counted_every_minute)
    finally:
        periodic.unregister(counted_every_minute)


def test_the_scheduler_waits_out_a_lost_connection_and_goes_on(db, monkeypatch):
    pauses, ticked = [], []

    def tick(self):
        ticked.append(1)
        if len(ticked) <= 2:
            raise OperationalError("the database system is starting up")

    def sleep(seconds):
        if seconds == 60:
            raise Stop  # the loop's minute pause after a good tick: the test ends here
        pauses.append(seconds)

    monkeypatch.setattr(scheduler.Command, "tick", tick)
    monkeypatch.setattr(resilience.time, "sleep", sleep)  # one `time` module for both
    with pytest.raises(Stop):
        call_command("scheduler", "--every", "60")
    assert len(ticked) == 3 and pauses == [1.0, 2.0]


def test_once_gives_up_on_a_lost_connection_for_cron_to_retry(db, monkeypatch):
    def tick(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(scheduler.Command, "tick", tick)
    with pytest.raises(OperationalError):
        call_command("scheduler", "--once")
