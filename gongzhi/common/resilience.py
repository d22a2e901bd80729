"""Background processes that outlive the database. A PostgreSQL restart drops every connection:
the worker and the scheduler close theirs, wait (1, 2, 4 … 30 s), log, and go on, instead of
exiting with nothing to restart them."""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections

# What a lost or refused connection raises (psycopg's and sqlite's, through Django's wrappers).
DATABASE_DOWN = (OperationalError, InterfaceError)
MAX_PAUSE = 30.0
logger = logging.getLogger("gongzhi.resilience")


def pause(attempt: int) -> float:
    """Seconds to wait before the attempt-th retry (0-based): 1, 2, 4 … MAX_PAUSE."""
    return min(float(2 ** min(attempt, 10)), MAX_PAUSE)


def wait_for_database(attempt: int, exc: BaseException, *, who: str) -> None:
    """Closes every connection (a broken one is never reused), logs, and waits before retrying."""
    seconds = pause(attempt)
    logger.warning("%s: database unavailable (%s: %s); retrying in %.0f s", who, type(exc).__name__,
                   str(exc).strip()[:200], seconds)
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):  # a broken connection cannot close cleanly: dropped
            connection.close()
    time.sleep(seconds)


class OutageFilter(logging.Filter):
    """While the database is away every request fails alike: Django's request logger would write
    a whole traceback at ERROR for each 503, burying the log. Such a record becomes one WARNING
    line naming the cause; every other error keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, DATABASE_DOWN):
            record.msg = f"{record.msg} (database unavailable: {type(exc).__name__}: {str(exc).strip()[:200]})"
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
