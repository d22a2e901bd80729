"""Periodic jobs, registered by the app they belong to. The scheduler (`gongzhi scheduler`, a
command of this app) knows no domain: each tick it runs what is registered here, so a new app
adds its sweeps and retention jobs in its own `AppConfig.ready()` and edits nothing else:

    from gongzhi.common import periodic
    periodic.every_minute("gongzhi.cases.sweeps.sweep_deadlines")  # queued for the workers each tick
    periodic.daily("gongzhi.audit.retention.prune_audit_log")      # once a day, at the day's first tick

A job is named by its dotted path (or given itself), so that registering it loads nothing: the
modules behind the jobs are imported by the scheduler when it first runs them, not by every
process that starts Django. A task (`common.tasks.task`) is queued and runs in a worker; a plain
function runs in the scheduler's own process, so it must be short (it may queue tasks itself:
`registry.imports.recover_stalled` looks at running imports and queues the stalled ones)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

EVERY_MINUTE, DAILY = "every_minute", "daily"


@dataclass(frozen=True)
class Job:
    name: str  # the dotted path of the task or function: one registration per name
    when: str

    @property
    def target(self) -> Any:
        return import_string(self.name)

    @property
    def queued(self) -> bool:
        return hasattr(self.target, "enqueue")

    def run(self) -> None:
        target = self.target
        if hasattr(target, "enqueue"):
            target.enqueue()
        else:
            target()


_JOBS: dict[str, Job] = {}


def _name(target: Any) -> str:
    if isinstance(target, str):
        return target
    if hasattr(target, "module_path"):  # a task
        return str(target.module_path)
    return f"{target.__module__}.{target.__qualname__}"


def register(target: Any, when: str) -> None:
    """Adds a job (a task, a function, or the dotted path of one); registering the same one again
    with the same schedule changes nothing (an app's ready() may run twice), with another
    schedule is a mistake."""
    if when not in (EVERY_MINUTE, DAILY):
        raise ValueError(f"unknown schedule {when!r}")
    name = _name(target)
    known = _JOBS.get(name)
    if known is not None and known.when != when:
        raise ValueError(f"{name} is already registered {known.when}")
    _JOBS[name] = Job(name, when)


def every_minute(target: Any) -> None:
    """At every tick of the scheduler (every --every seconds, 60 by default)."""
    register(target, EVERY_MINUTE)


def daily(target: Any) -> None:
    """At the scheduler's first tick of each local day (and at its start)."""
    register(target, DAILY)


def jobs(when: str | None = None) -> list[Job]:
    """The registered jobs (of one schedule), in the order they were registered."""
    return [job for job in _JOBS.values() if when is None or job.when == when]


def unregister(target: Any) -> None:
    """Takes a job off (for tests that register their own)."""
    _JOBS.pop(_name(target), None)

