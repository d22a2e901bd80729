"""Parts of the case page that apps above cases add: cases name none of them (they may not
import those apps). Deliberation adds the topic the case became, or the form that refers it to
one (deliberation/case_page.py). Kept apart from `views` so that an app's ready() adds its part
without loading the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Each callable (request, case) → None (nothing for this user) or (template, context), included
# below the case's facts in the order added, with its context as `part`.
CASE_PAGE_PARTS: list[Callable[[Any, Any], tuple[str, dict[str, Any]] | None]] = []


def add(part: Callable[[Any, Any], tuple[str, dict[str, Any]] | None]) -> None:
    """Called once per app from its AppConfig.ready(); adding the same callable again changes nothing."""
    if part not in CASE_PAGE_PARTS:
        CASE_PAGE_PARTS.append(part)


def shown(request: Any, case: Any) -> list[tuple[str, dict[str, Any]]]:
    """The parts this user is shown on this case's page."""
    return [shown for part in CASE_PAGE_PARTS if (shown := part(request, case)) is not None]
