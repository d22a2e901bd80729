"""Issue 15 item 16: the task worker outlives a database restart: it waits, reconnects and goes
on, and the tasks a dead worker had claimed run again instead of staying RUNNING."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from gongzhi.common import resilience, worker


@pytest.fixture
def no_sleep(monkeypatch):
    pauses = []
    monkeypatch.setattr(resilience.time, "sleep", pauses.append)
    return pauses


def make_worker(**kwargs) -> worker.ResilientWorker:
    return worker.ResilientWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                                  startup_delay=False, max_tasks=None, worker_id=worker.new_worker_id(),
                                  excluded_queue_names=[], **kwargs)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_waits_out_a_lost_connection_and_goes_on(no_sleep):
    runs = iter([OperationalError("terminating connection due to administrator command"),
                 InterfaceError("connection already closed"), None])

    def run(self):
        outcome = next(runs)
        if outcome is not None:
            raise outcome

    with mock.patch.object(Worker, "run", run):
        make_worker().run()  # returns only once the inner loop ended normally
    assert no_sleep == [1.0, 1.0]  # the database answered between the two: the pause starts over


def test_tasks_a_dead_worker_claimed_run_again(db):
    def task(worker_id):
        return DBTaskResult.objects.create(status="RUNNING", args_kwargs={"args": [], "kwargs": {}},
                                           task_path="gongzhi.notifications.outbox.deliver", backend_name="default",
                                           run_after="2030-01-01T00:00:00Z", worker_ids=[worker_id])

    gone = task(f"{worker.this_process().split(':')[0]}:{2 ** 22 + 1}:abc")  # this host, no such process
    live = task(worker.new_worker_id())  # this very process: still running it
    elsewhere = task("another-host:12:abc")  # cannot be seen from here
    assert worker.requeue_orphans() == 1
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert (statuses[gone.id], statuses[live.id], statuses[elsewhere.id]) == ("READY", "RUNNING", "RUNNING")
    # A worker whose connection broke mid-task gives back what it had claimed.
    assert worker.requeue_orphans(own=live.worker_ids[-1]) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_command_outlives_the_database_end_to_end(no_sleep, settings):
    """`gongzhi worker --batch`: the first claim fails as while PostgreSQL restarts; it retries."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}
    from gongzhi.notifications.outbox import deliver

    result = deliver.enqueue()
    real = DBTaskResult.objects.ready
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    with mock.patch.object(DBTaskResult.objects, "ready", flaky):
        call_command("worker", "--batch", "--queue-name", "default", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert no_sleep == [1.0]
