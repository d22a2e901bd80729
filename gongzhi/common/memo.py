"""Small lookups that every request of a burst repeats (a category by code, an Open311 key by
digest), kept in the process for a few seconds so that a busy intake asks the database once
per lifetime instead of once per request.

A change made in this process clears the memo at once (the owning app connects `clear` to the
model's save and delete signals); other processes see it when their entries expire, which is
what `seconds` bounds and what the owner documents."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    def __init__(self, seconds: float, *, size: int = 1024) -> None:
        self.seconds, self.size = seconds, size
        self._entries: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The remembered value, or `load()`'s (remembered, None included) when absent or old."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (now + self.seconds, value)
        return value

    def clear(self, *_args, **_kwargs) -> None:
        """Forgets everything (signature fits a signal receiver)."""
        with self._lock:
            self._entries.clear()
