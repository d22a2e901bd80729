"""gunicorn's settings for the platform: `gunicorn -c python:gongzhi.gunicorn_conf gongzhi.wsgi`
(workers with --workers or WEB_CONCURRENCY, the address with --bind).

The application is loaded once, in the arbiter, and warmed there (common/warmup.py) before the
workers fork; then its objects are set aside from the garbage collector (gc.freeze). Without
this, each worker imported the URLconfs (and the register's pinyin tables) at its first request,
and the collector's full passes walked all of it: 100 to 200 ms each, several times a minute
under intake's load, with every request in that worker waiting (bench/intake.py). Frozen, a full
pass takes about a millisecond, and the workers share those memory pages instead of copying
them as the collector touches them."""

import gc
import os

preload_app = True

# One worker per core by default (the cores this process may run on, where the system says).
# A report's round trip to a database on the same host is short, and there more workers than
# cores cost more in switching than they gain in overlap: on 2 cores, Open311 intake ran about
# a sixth faster with 2 workers than with 4, the trivial page as fast (bench/intake.py). With
# the database on another host round trips are longer: set WEB_CONCURRENCY (or --workers)
# higher there, and measure.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY") or cores)


def when_ready(server) -> None:
    """In the arbiter, once the application is loaded and before the first worker forks."""
    from gongzhi.common import warmup

    warmup.warm()
    gc.freeze()
