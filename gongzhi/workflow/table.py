"""What a domain declares: its transitions, and a `Flow` that says how its records are read,
timed, recorded and followed up."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class WorkflowError(ValueError):
    """An action the record's state or the input does not allow; says why, for the user."""


@dataclass
class Move:
    """One action being taken: the record (changed in place), who takes it and when, its input,
    and what its event will say. `source` is the state it started from; `ending_due` the
    deadline of the step it ends."""

    action: str
    transition: Transition
    record: Any
    actor: Any
    at: dt.datetime
    note: str
    params: Mapping[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    ending_due: dt.datetime | None = None
    clock: Callable[[dt.datetime, int, str], dt.datetime] | None = None

    @property
    def target(self) -> str:
        return self.record.state


@dataclass(frozen=True)
class Transition:
    """One action: the states it starts from, the state it leads to (None: the state stays, as
    for pressure or an extension request), the roles that may take it, the step whose deadline
    then starts, whether a note is required, and `change`, what it alters beyond state and clock
    (a pure function of the move: no database, so the demo's replay can take it too).
    `resolve` (act only) turns references in the input into rows read through the actor's scope.
    `residents`: a resident proven to be the record's reporter may take it. `refused`: the words
    when the state does not allow it, if better than the general ones. Not `offered`: no page or
    API offers it; only another process's service takes it (`engine.act(..., internal=True)`)."""

    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    step: str | None = None
    needs_note: bool = False
    change: Callable[[Move], None] | None = None
    resolve: Callable[[Any, Any, dict[str, Any]], dict[str, Any]] | None = None
    residents: bool = False
    refused: Any = None
    offered: bool = True


class Flow(ABC):
    """A domain's workflow. Subclasses set the table and say how their records are locked,
    timed, recorded and followed up; `engine` calls these in a fixed order."""

    transitions: dict[str, Transition] = {}
    labels: Mapping[str, Any] = {}  # verbs for buttons, messages and histories
    closing: frozenset[str] = frozenset()  # states that end the record (closed_at is set)
    noun: Any = ""  # what the record is called in messages (事件, 纠纷 …)

    def label(self, action: str) -> str:
        return str(self.labels.get(action, action))

    @abstractmethod
    def lock(self, actor: Any, record: Any) -> Any:
        """The record, locked for the change, read where the actor may act (404 elsewhere)."""

    @abstractmethod
    def start(self, move: Move, step: str) -> None:
        """Starts the clock of `step` at move.at (due_at, warn_at)."""

    def record_data(self, move: Move) -> None:  # noqa: B027 - optional, nothing by default
        """Adds what the event must keep for the domain's rollups (after the state changed)."""

    @abstractmethod
    def event(self, move: Move) -> Any:
        """The move's immutable event, unsaved."""

    def after(self, move: Move) -> None:  # noqa: B027 - optional, nothing by default
        """The domain's hooks, inside the transaction: rollups, notices (queued in the outbox,
        delivered after the commit)."""
