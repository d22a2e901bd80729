"""Import jobs, for every import kind (import_kinds): an upload is stored sealed, checked and
committed in the background (or at once from the command line), and its progress and result
(with the error workbook) shown to the person who uploaded it."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.common import crypto
from gongzhi.common.cells import cell_text
from gongzhi.common.resilience import DATABASE_DOWN, wait_for_database
from gongzhi.common.tasks import task
from gongzhi.common.worker import IMPORTS_QUEUE, alive, this_process

from . import import_kinds, importers, sheets
from .models import ImportJob, ImportStatus

FILE_PURPOSE = "registry.importjob.file"
MAX_BYTES = 200 * 1024 * 1024
logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """The upload cannot become a job (kind, type, size)."""


def start(*, actor: Any, kind: str, file_name: str, data: bytes) -> ImportJob:
    """Stores the upload sealed and queues it; the job runs in a worker (or at once in tests)."""
    job = _accept(actor=actor, kind=kind, file_name=file_name, data=data)
    transaction.on_commit(lambda: process.enqueue(job.pk))
    return job


def run_now(*, actor: Any, kind: str, file_name: str, data: bytes,
            progress: Callable[[int, importers.Outcome], None] | None = None) -> ImportJob:
    """The same job, run here and now (`gongzhi registry import`): the same checks, the same
    chunks, counts and error workbook; `progress(rows_done, outcome)` after each chunk."""
    job = _accept(actor=actor, kind=kind, file_name=file_name, data=data)
    run_job(job.pk, progress=progress)
    job.refresh_from_db()
    return job


def _accept(*, actor: Any, kind: str, file_name: str, data: bytes) -> ImportJob:
    """The upload as a job, stored sealed; refused (ImportRefused) when it cannot be one, or
    PermissionDenied when the actor may not import this kind (import_kinds)."""
    try:
        spec = import_kinds.get(kind)
    except import_kinds.UnknownKind as exc:
        raise ImportRefused(str(exc)) from None
    if not spec.allows(actor):
        raise PermissionDenied(_("您的角色不能导入%(kind)s") % {"kind": spec.label})
    if not file_name.lower().endswith((".xlsx", ".csv")):
        raise ImportRefused(_("只支持.xlsx或.csv文件"))
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("文件过大（上限200MB）"))
    if not data:
        raise ImportRefused(_("文件是空的"))
    with transaction.atomic():
        job = ImportJob.objects.create(kind=kind, file_name=file_name[:200], created_by=actor)
        digest = hashlib.sha256(data).hexdigest()[:16]
        job.source.save(f"{job.pk}-{digest}.sealed", ContentFile(crypto.encrypt_bytes(data, purpose=FILE_PURPOSE)),
                        save=True)
    return job


@task(queue_name=IMPORTS_QUEUE)
def process(job_id: int) -> None:
    """Runs a queued job, or resumes one whose worker stopped (from its last committed chunk)."""
    run_job(job_id)


def run_job(job_id: int, progress: Callable[[int, importers.Outcome], None] | None = None) -> None:
    """Runs a queued job in this process, or resumes one whose worker stopped. A lost database
    connection is waited out and the job resumed; any other failure ends the job as failed, with
    the reason, and the upload deleted."""
    me = this_process()
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    resumable = job.status == ImportStatus.RUNNING and (job.worker == me or alive(job.worker) is False)
    if job.status != ImportStatus.QUEUED and not resumable:
        return
    claimed = ImportJob.objects.filter(pk=job.pk, status=job.status, worker=job.worker).update(
        status=ImportStatus.RUNNING, worker=me, heartbeat_at=timezone.now())
    if not claimed:
        return  # another worker took it first
    attempt = 0
    while True:
        try:
            _run(job, progress)
            return
        except DATABASE_DOWN as exc:
            wait_for_database(attempt, exc, who=f"import {job.pk}")
            attempt += 1
        except Exception as exc:  # a job never stays "running" after a failure
            logger.exception("import %s failed", job.pk)
            _finish(job, ImportStatus.FAILED, _("导入意外中止（%(e)s），请重新上传文件") % {"e": type(exc).__name__})
            return


def _run(job: ImportJob, progress: Callable[[int, importers.Outcome], None] | None = None) -> None:
    try:
        with job.source.open("rb") as fh:
            data = crypto.decrypt_bytes(fh.read(), purpose=FILE_PURPOSE)
        rows = list(sheets.read_rows(job.file_name, data))
        total = sum(1 for row in rows[1:] if any(cell_text(c) for c in row))
        ImportJob.objects.filter(pk=job.pk).update(total=total, heartbeat_at=timezone.now())
        outcome = importers.run(job.kind, rows, actor=job.created_by, progress=progress,
                                ledger=importers.Ledger.load(job.pk))
    except (sheets.SheetError, import_kinds.UnknownKind) as exc:
        _finish(job, ImportStatus.FAILED, str(exc))
        return
    job.refresh_from_db()
    job.total, job.processed = outcome.total, outcome.total
    job.created, job.updated, job.unchanged, job.failed = (outcome.created, outcome.updated, outcome.unchanged,
                                                         outcome.failed)
    if outcome.bad:
        workbook = sheets.error_workbook(job.kind, outcome.header, outcome.bad, outcome.positions, outcome.failed)
        job.error_file.save(f"{job.pk}-errors.sealed",
                            ContentFile(crypto.encrypt_bytes(workbook, purpose=FILE_PURPOSE)), save=False)
    _finish(job, ImportStatus.DONE, "")


def stalled() -> list[ImportJob]:
    """Running jobs whose worker is gone: its process ended (same host), or it has committed
    nothing for GONGZHI_IMPORT_STALE_MINUTES (a worker on another host)."""
    from django.conf import settings

    limit = timezone.now() - dt.timedelta(minutes=settings.GONGZHI_IMPORT_STALE_MINUTES)
    return [job for job in ImportJob.objects.filter(status=ImportStatus.RUNNING)
            if alive(job.worker) is False or (job.heartbeat_at or job.created_at) < limit]


def recover_stalled() -> int:
    """Resumes each stalled job from its last committed chunk while its upload is kept; a job
    whose upload is gone ends as failed, saying to upload the file again (the scheduler, every
    minute)."""
    jobs = stalled()
    for job in jobs:
        if job.source and job.source.storage.exists(job.source.name):
            if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING, worker=job.worker).update(
                    status=ImportStatus.QUEUED, worker=""):
                process.enqueue(job.pk)
        else:
            _finish(job, ImportStatus.FAILED, _("导入中断，上传的文件已不在，请重新上传"))
    return len(jobs)


def _finish(job: ImportJob, status: str, message: str) -> None:
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.save()
    # The upload held residents' data in clear before sealing; once imported it is not kept.
    if job.source:
        job.source.delete(save=True)


def expired(job: ImportJob) -> bool:
    """The error workbook (which holds the rows as typed, ID numbers included) can be fetched
    for GONGZHI_DOWNLOAD_DAYS after the import finished; then it is gone."""
    from django.conf import settings

    finished = job.finished_at or job.created_at
    return timezone.now() - finished > dt.timedelta(days=settings.GONGZHI_DOWNLOAD_DAYS)


def error_workbook(job: ImportJob) -> bytes:
    with job.error_file.open("rb") as fh:
        return crypto.decrypt_bytes(fh.read(), purpose=FILE_PURPOSE)


def remove_expired_files() -> int:
    """Deletes the stored error workbooks past their download period (daily)."""
    removed = 0
    for job in ImportJob.objects.exclude(error_file="").iterator():
        if expired(job):
            job.error_file.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(error_file="")
            removed += 1
    return removed


@task()
def remove_expired_downloads() -> int:
    return remove_expired_files()
