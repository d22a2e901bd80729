"""Issue 15 items 13 (queue), 17 and 18: imports run on their own queue, the pool's children
end, and an import whose worker died resumes from its last committed chunk, or ends as failed
with a reason, with counts equal to what the register holds and the upload deleted."""

import multiprocessing
import signal
import socket

import pytest
from django.core.files.base import ContentFile

from gongzhi.common import crypto
from gongzhi.notifications.outbox import deliver
from gongzhi.registry import importers, imports, parallel
from gongzhi.registry.models import ImportChunk, ImportJob, ImportStatus, Person

from .test_imports import H1_CODE_TEXT, PEOPLE_HEADER, csv_bytes, good_people

DEAD = f"{socket.gethostname()[:40]}:{2 ** 22 + 1}"  # this host, a pid above any pid_max: gone


class WorkerKilled(BaseException):
    """Stands for kill -9: nothing after it runs in the worker (not an Exception: not caught)."""


def make_job(cast, rows) -> ImportJob:
    job = ImportJob.objects.create(kind="people", file_name="people.csv", created_by=cast.community_worker)
    job.source.save(f"{job.pk}-test.sealed", ContentFile(crypto.encrypt_bytes(csv_bytes(rows),
                                                                              purpose=imports.FILE_PURPOSE)))
    return job


def die_after(monkeypatch, chunks: int) -> None:
    """The worker dies as chunk number `chunks` (0-based) begins committing."""
    real = importers.commit_block

    def commit_block(importer, index, *args):
        if index >= chunks:
            raise WorkerKilled
        return real(importer, index, *args)

    monkeypatch.setattr(importers, "commit_block", commit_block)


def test_imports_have_their_own_queue():
    from gongzhi.cases.sweeps import sweep_deadlines

    assert imports.process.queue_name == "imports"
    assert deliver.queue_name == sweep_deadlines.queue_name == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_default_queue_worker_leaves_imports_to_the_imports_worker(settings):
    # transactional: the worker closes a connection left in a transaction (close_old_connections)
    from django_tasks_db.models import DBTaskResult

    from gongzhi.common.worker import ResilientWorker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}
    imports.process.enqueue(123456)
    deliver.enqueue()
    worker = ResilientWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                             startup_delay=False, max_tasks=None, worker_id="test:1:a", excluded_queue_names=[])
    worker.run()
    assert dict(DBTaskResult.objects.values_list("queue_name", "status")) == {"default": "SUCCESSFUL",
                                                                              "imports": "READY"}


def test_an_interrupted_import_resumes_from_its_last_committed_chunk(register, cast, settings, monkeypatch):
    settings.GONGZHI_IMPORT_CHUNK = 2
    rows = [PEOPLE_HEADER, *good_people(5), ["坏", "510107199001011234", "户籍人口", H1_CODE_TEXT, "", "", "", ""]]
    job = make_job(cast, rows)
    die_after(monkeypatch, 2)
    with pytest.raises(WorkerKilled):
        imports.process.call(job.pk)
    job.refresh_from_db()
    # What the dead worker left: running, two chunks committed and counted, exactly.
    assert (job.status, job.processed, job.created) == ("running", 4, 4)
    assert Person.objects.unscoped().filter(name__startswith="居民").count() == 4
    assert imports.recover_stalled() == 0  # its worker (this process) is alive: not stalled
    ImportJob.objects.filter(pk=job.pk).update(worker=DEAD)
    monkeypatch.undo()
    assert imports.recover_stalled() == 1  # the worker is gone: resumed (at once, in tests)
    job.refresh_from_db()
    people = Person.objects.unscoped().filter(name__startswith="居民").count()
    assert (job.status, job.total, job.created, job.updated, job.unchanged, job.failed) == ("done", 6, 5, 0, 0, 1)
    assert people == job.created + job.updated + job.unchanged == 5
    assert ImportChunk.objects.filter(job=job).count() == 3
    assert not job.source  # the upload is deleted once the job ends
    workbook = imports.error_workbook(job)
    assert workbook  # the refused row (first run's chunk 2) is in the error workbook


def test_an_interrupted_import_without_its_upload_fails_saying_to_upload_again(register, cast, settings,
                                                                               monkeypatch):
    settings.GONGZHI_IMPORT_CHUNK = 2
    job = make_job(cast, [PEOPLE_HEADER, *good_people(5)])
    die_after(monkeypatch, 1)
    with pytest.raises(WorkerKilled):
        imports.process.call(job.pk)
    job.refresh_from_db()
    job.source.storage.delete(job.source.name)
    ImportJob.objects.filter(pk=job.pk).update(worker=DEAD)
    assert imports.recover_stalled() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "请重新上传" in job.message
    assert job.created == Person.objects.unscoped().filter(name__startswith="居民").count() == 2
    assert not job.source and job.finished_at


def test_a_job_silent_on_another_host_is_resumed_after_the_stale_period(register, cast, settings, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    settings.GONGZHI_IMPORT_CHUNK, settings.GONGZHI_IMPORT_STALE_MINUTES = 2, 15
    job = make_job(cast, [PEOPLE_HEADER, *good_people(3)])
    die_after(monkeypatch, 1)
    with pytest.raises(WorkerKilled):
        imports.process.call(job.pk)
    monkeypatch.undo()
    ImportJob.objects.filter(pk=job.pk).update(worker="another-host:42", heartbeat_at=timezone.now())
    assert imports.recover_stalled() == 0
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=16))
    assert imports.recover_stalled() == 1
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 3)


def test_an_unexpected_error_ends_the_job_as_failed_and_deletes_the_upload(register, cast, monkeypatch):
    job = make_job(cast, [PEOPLE_HEADER, *good_people(2)])

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(importers, "run", broken)
    imports.process.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "RuntimeError" in job.message and not job.source


def _child_signals(result):
    signal.signal(signal.SIGTERM, lambda *_: None)  # what the task worker installs
    signal.signal(signal.SIGINT, lambda *_: None)
    parallel._start("zh-hans")
    result.put((signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, signal.getsignal(signal.SIGINT) is signal.SIG_IGN))


def test_a_pool_child_does_not_keep_the_workers_signal_handlers():
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    child = context.Process(target=_child_signals, args=(result,))
    child.start()
    child.join(30)
    assert result.get(timeout=5) == (True, True)


def test_a_parallel_import_leaves_no_child_behind_even_under_the_workers_handler(register, cast, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("parallel imports run on PostgreSQL only (parallel.eligible)")
    settings.GONGZHI_IMPORT_WORKERS, settings.GONGZHI_IMPORT_PARALLEL_ROWS, settings.GONGZHI_IMPORT_CHUNK = 2, 4, 2
    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # as db_worker while it runs a task
    try:
        job = make_job(cast, [PEOPLE_HEADER, *good_people(8)])
        imports.process.call(job.pk)
    finally:
        signal.signal(signal.SIGTERM, previous)
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 8)
    assert multiprocessing.active_children() == []
    assert ImportChunk.objects.filter(job=job).count() == 4
