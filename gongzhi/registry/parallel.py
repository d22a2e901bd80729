"""A large file of people imported on every core: each worker process checks and commits whole
chunks (its own database connection, its own caches), the parent hands out chunks and adds up
the results. Repeated rows are found before the chunks are handed out, so the first of two
equal rows wins whichever process reaches it first. Used on PostgreSQL outside a transaction,
for files of settings.GONGZHI_IMPORT_PARALLEL_ROWS rows or more; everything else runs in turn
(importers.run)."""

from __future__ import annotations

import multiprocessing
import signal
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

from .identifiers import normalise

_worker_state: dict[str, Any] = {}


def eligible(kind: str, rows: int) -> bool:
    return (kind == "people" and rows >= settings.GONGZHI_IMPORT_PARALLEL_ROWS and settings.GONGZHI_IMPORT_WORKERS > 1
            and connection.vendor == "postgresql" and not connection.in_atomic_block)


def _repeats(chunked: list[list[tuple[int, list[Any], dict[str, str]]]]) -> dict[int, tuple[str, int]]:
    """Row number → (column, first row) for rows whose ID or passport an earlier row has."""
    seen: dict[tuple, int] = {}
    repeats: dict[int, tuple[str, int]] = {}
    for chunk in chunked:
        for number, _raw, values in chunk:
            keys = []
            if values.get("id_number", "").strip():
                keys.append((("id", normalise(values["id_number"])), "id_number"))
            if values.get("passport_number", "").strip():
                keys.append((("passport", normalise(values["passport_number"]),
                              values.get("nationality", "").strip().upper()), "passport_number"))
            for key, column in keys:
                if key in seen:
                    repeats[number] = (column, seen[key])
                else:
                    seen[key] = number
    return repeats


def _work(job: tuple[str, int, int | None, int, list, dict]) -> tuple[int, Any, list]:
    from django.utils import translation

    from gongzhi.accounts.models import User

    from . import import_kinds
    from .importers import Ledger, commit_block

    kind, actor_id, job_id, index, chunk, repeats = job
    translation.activate(_worker_state.get("language") or settings.LANGUAGE_CODE)
    importer = _worker_state.get(("importer", actor_id))
    if importer is None:
        importer = import_kinds.get(kind).make_importer(User.objects.get(pk=actor_id))
        _worker_state[("importer", actor_id)] = importer
    importer.seen = {}  # repeats across the file were found by the parent
    importer.prefetch([values for _n, _raw, values in chunk])
    pending, bad = [], []
    for number, raw, values in chunk:
        record, problems = importer.examine(number, values)
        if number in repeats:
            column, first = repeats[number]
            problems[column] = _("与第%(n)s行重复") % {"n": first}
        if problems:
            bad.append((number, raw, dict(problems)))
        else:
            pending.append((record, raw))
    counts, refused = commit_block(importer, index, len(chunk), pending, bad, Ledger(job_id))
    return len(chunk), counts, refused


def _start(language: str) -> None:
    # A forked child inherits the worker's signal handlers: the task worker's SIGTERM handler
    # waits for "the running task" to end, so the pool could never terminate its children. A
    # child dies on SIGTERM, leaves Ctrl-C to its parent, and dies with its parent (Linux).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGQUIT"):
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    _die_with_parent()
    connections.close_all()  # never share the parent's socket
    _worker_state.clear()
    _worker_state["language"] = language


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG: a child orphaned by `kill -9` of the worker ends instead of waiting for
    work forever (Linux only; elsewhere the pool's sentinel ends it when the parent exits cleanly)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # nosec B110 - not Linux/glibc: nothing to set
        pass


def run(importer, rows: list[list[Any]], outcome, progress, ledger) -> None:
    from django.utils import translation

    from .importers import cells, tally

    size = importer.chunk
    all_cells = list(cells(rows, outcome.positions))
    chunked = [all_cells[i:i + size] for i in range(0, len(all_cells), size)]
    repeats = _repeats(chunked)
    actor_id = importer.actor.pk
    jobs, replayed = [], []
    for index, chunk in enumerate(chunked):
        if index in ledger.done:  # committed by an earlier run of this job
            replayed.append((len(chunk), *ledger.replay(index, chunk)))
        else:
            jobs.append((importer.kind, actor_id, ledger.job_id, index, chunk,
                         {n: repeats[n] for n, _r, _v in chunk if n in repeats}))
    for rows_done, counts, bad in replayed:
        outcome.total += rows_done
        tally(outcome, counts, bad)
    connections.close_all()  # the children are forked: none may inherit an open connection
    context = multiprocessing.get_context("fork")
    pool = context.Pool(settings.GONGZHI_IMPORT_WORKERS, initializer=_start, initargs=(translation.get_language(),))
    try:
        for rows_done, counts, bad in pool.imap(_work, jobs):
            outcome.total += rows_done
            tally(outcome, counts, bad)
            if progress:
                progress(outcome.total, outcome)
        pool.close()  # the children finish and exit
        pool.join()
    finally:
        pool.terminate()  # on an error or a signal: SIGTERM ends every child still there
        pool.join()
