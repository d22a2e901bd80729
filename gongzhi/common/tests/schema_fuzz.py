"""What the two schema fuzzes share (common/tests/test_api_schema.py for the JSON API,
cases/tests/test_open311_schema.py for Open311): schemathesis' settings, the checks, Django
driven in-process through WSGI inside the test's transaction, and a tally of what was sent.

The checks are the ones that make the proof: no server error, a status the operation declares,
the declared content type, and a body that fits the declared schema. Generation is
deterministic (the same requests every run, so the suite does not flake); set
GONGZHI_FUZZ_EXAMPLES and GONGZHI_FUZZ_RANDOM=1 to search wider and differently when hunting."""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The fixtures build a fresh world for each operation; Hypothesis need not warn about that.
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
                    deadline=None)


def config(examples: int) -> schemathesis.Config:
    """`examples` fuzzing examples per operation; schemathesis adds its boundary-value cases."""
    examples = int(os.environ.get("GONGZHI_FUZZ_EXAMPLES", examples))
    deterministic = "false" if os.environ.get("GONGZHI_FUZZ_RANDOM") == "1" else "true"
    return schemathesis.Config.from_str(f"""
[generation]
max-examples = {examples}
deterministic = {deterministic}
with-security-parameters = false
database = "none"

[phases.stateful]
enabled = false
""")


def load(path: str, examples: int):
    """The OpenAPI document at `path`, read from the application in-process."""
    return schemathesis.openapi.from_wsgi(path, WSGIHandler(), config=config(examples))


@contextmanager
def in_process() -> Iterator[None]:
    """Requests through Django's WSGI handler inside the test's transaction: its request signals
    would close the test's database connection after each one (the test client does the same,
    and connects the handler again after each of its own requests: make those before)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# What a WSGI server puts in every request's environment and werkzeug's test client leaves out.
ENVIRON = {"environ_base": {"REMOTE_ADDR": "192.0.2.10"}}


class Tally:
    """Requests sent and statuses answered, by operation."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: Counter[str] = Counter()
        self.answered: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.started: float | None = None

    def sending(self, label: str) -> None:
        if self.started is None:
            self.started = time.monotonic()
        self.sent[label] += 1

    def answer(self, label: str, status: int) -> None:
        self.answered[label][status] += 1

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def report(self) -> str:
        elapsed = time.monotonic() - (self.started or time.monotonic())
        lines = [f"{self.name}: {self.total} requests over {len(self.sent)} operations in {elapsed:.0f} s"]
        lines += [f"  {count:5d}  {label:58s} {dict(sorted(self.answered[label].items()))}"
                  for label, count in sorted(self.sent.items())]
        return "\n".join(lines)
