"""The task worker (`gongzhi worker`): django-tasks-db's loop, kept alive across database
outages, with an id that names its host and process so that the tasks of a worker that died
(kill -9, a lost machine) are found and queued again instead of staying RUNNING for good.

Queues: "default" holds the urgent work (SMS codes, notices, sweeps), "imports" the imports;
run one worker for each (`--queue-name default`, `--queue-name imports`), so that a large import
never holds up a resident's SMS code."""

from __future__ import annotations

import logging
import os
import socket

from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .resilience import DATABASE_DOWN, wait_for_database

DEFAULT_QUEUE = "default"
IMPORTS_QUEUE = "imports"
QUEUES = [DEFAULT_QUEUE, IMPORTS_QUEUE]
logger = logging.getLogger("gongzhi.worker")


def this_process() -> str:
    """host:pid, as `alive` reads it."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def new_worker_id() -> str:
    """host:pid:random (at most 64 characters, the column's width)."""
    return f"{this_process()}:{get_random_string(8)}"


def alive(worker_id: str) -> bool | None:
    """Whether the worker process is running: None when it is on another host (or not ours)."""
    host, _sep, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_orphans(*, own: str = "") -> int:
    """Tasks left RUNNING by a worker of this host that is gone, or by this worker (`own`) whose
    database went away while it ran them, go back to READY: they run again (every task is
    safe to repeat: the periodic ones by nature, an import resumes from its last chunk)."""
    orphans = [pk for pk, workers in DBTaskResult.objects.running().values_list("id", "worker_ids")
               if workers and (workers[-1] == own or alive(workers[-1]) is False)]
    if not orphans:
        return 0
    count = DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None)
    logger.warning("queued again %d task(s) a stopped worker had claimed", count)
    return count


class ResilientWorker(Worker):
    """django-tasks-db's Worker; a lost database connection pauses it instead of ending it."""

    def run(self) -> None:
        attempt = 0
        while self.running:
            try:
                requeue_orphans(own=self.worker_id)
                attempt = 0
                super().run()
                return
            except DATABASE_DOWN as exc:
                self.startup_delay = False
                wait_for_database(attempt, exc, who=f"worker {self.worker_id}")
                attempt += 1
