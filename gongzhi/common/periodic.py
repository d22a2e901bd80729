"""Periodic jobs, registered by the app they belong to. The scheduler (`gongzhi scheduler`, a
command of this app) knows no domain: each tick it runs what is registered here, so a new app
adds its sweeps and retention jobs in its own `AppConfig.ready()` and edits nothing else:

    from gongzhi.common import periodic
    periodic.every_minute(sweep_deadlines)   # a task: queued for the workers each tick
    periodic.daily(prune_audit_log)          # queued once a day, at the first tick of the day

A task (`common.tasks.task`) is queued and runs in a worker; a plain function runs in the
scheduler's own process, so it must be short (it may queue tasks itself:
`registry.imports.recover_stalled` looks at running imports and queues the stalled ones)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EVERY_MINUTE, DAILY = "every_minute", "daily"


@dataclass(frozen=True)
class Job:
    name: str  # dotted path of the task or function: one registration per name
    target: Any  # a task (queued) or a plain function (run in the scheduler)
    when: str

    @property
    def queued(self) -> bool:
        return hasattr(self.target, "enqueue")

    def run(self) -> None:
        if self.queued:
            self.target.enqueue()
        else:
            self.target()


_JOBS: dict[str, Job] = {}


def _name(target: Any) -> str:
    if hasattr(target, "module_path"):  # a task
        return str(target.module_path)
    return f"{target.__module__}.{target.__qualname__}"


def register(target: Any, when: str) -> Any:
    """Adds a job; registering the same one again with the same schedule changes nothing (an
    app's ready() may run twice), with another schedule is a mistake."""
    if when not in (EVERY_MINUTE, DAILY):
        raise ValueError(f"unknown schedule {when!r}")
    if not callable(target) and not hasattr(target, "enqueue"):
        raise TypeError(f"{target!r} is neither a task nor a function")
    name = _name(target)
    known = _JOBS.get(name)
    if known is not None and known.when != when:
        raise ValueError(f"{name} is already registered {known.when}")
    _JOBS[name] = Job(name, target, when)
    return target


def every_minute(target: Any) -> Any:
    """At every tick of the scheduler (every --every seconds, 60 by default)."""
    return register(target, EVERY_MINUTE)


def daily(target: Any) -> Any:
    """At the scheduler's first tick of each local day (and at its start)."""
    return register(target, DAILY)


def jobs(when: str | None = None) -> list[Job]:
    """The registered jobs (of one schedule), in the order they were registered."""
    return [job for job in _JOBS.values() if when is None or job.when == when]


def unregister(target: Any) -> None:
    """Takes a job off (for tests that register their own)."""
    _JOBS.pop(_name(target), None)

