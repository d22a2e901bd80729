"""A large file of people imported on every core: each worker process checks and commits whole
chunks (its own database connection, its own caches), the parent hands out chunks and adds up
the results. Repeated rows are found before the chunks are handed out, so the first of two
equal rows wins whichever process reaches it first. Used on PostgreSQL outside a transaction,
for files of settings.GONGZHI_IMPORT_PARALLEL_ROWS rows or more; everything else runs in turn
(importers.run)."""

from __future__ import annotations

import multiprocessing
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


def _work(job: tuple[str, int, list, dict]) -> tuple[int, Any, list]:
    from django.utils import translation

    from gongzhi.accounts.models import User

    from .importers import IMPORTERS, commit_chunk

    kind, actor_id, chunk, repeats = job
    translation.activate(_worker_state.get("language") or settings.LANGUAGE_CODE)
    importer = _worker_state.get(("importer", actor_id))
    if importer is None:
        importer = IMPORTERS[kind](actor=User.objects.get(pk=actor_id))
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
    counts, refused = commit_chunk(importer, pending)
    return len(chunk), counts, bad + refused


def _start(language: str) -> None:
    connections.close_all()  # never share the parent's socket
    _worker_state.clear()
    _worker_state["language"] = language


def run(importer, rows: list[list[Any]], outcome, progress) -> None:
    from django.utils import translation

    from .importers import cells, tally

    size = importer.chunk
    all_cells = list(cells(rows, outcome.positions))
    chunked = [all_cells[i:i + size] for i in range(0, len(all_cells), size)]
    repeats = _repeats(chunked)
    actor_id = importer.actor.pk
    jobs = [(importer.kind, actor_id, chunk, {n: repeats[n] for n, _r, _v in chunk if n in repeats})
            for chunk in chunked]
    connections.close_all()  # the children are forked: none may inherit an open connection
    context = multiprocessing.get_context("fork")
    with context.Pool(settings.GONGZHI_IMPORT_WORKERS, initializer=_start,
                      initargs=(translation.get_language(),)) as pool:
        for rows_done, counts, bad in pool.imap(_work, jobs):
            outcome.total += rows_done
            tally(outcome, counts, bad)
            if progress:
                progress(outcome.total, outcome)
