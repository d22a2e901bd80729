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

# One worker per core by default. A report's round trip to a database on the same host is
# short, and there more workers than cores cost more in switching than they gain in overlap
# (bench/intake.py on 2 cores: 2 workers took 0.39-0.48x the trivial page's rate in Open311
# reports, 4 workers 0.35-0.37x; the trivial page's own rate was the same with either). With
# the database on another host the round trips are longer: set WEB_CONCURRENCY (or --workers)
# higher there and measure.
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))


def when_ready(server) -> None:
    """In the arbiter, once the application is loaded and before the first worker forks."""
    from gongzhi.common import warmup

    warmup.warm()
    gc.freeze()
