"""The sheets that apps above the register add to a person's copy of their own information
(`rights.subject_copy`): the register names none of them, so it works without them and never
reads their tables. Cases add the cases a person is linked to (cases/apps.py). Kept apart from
`rights` so that an app's ready() adds its sheet without loading the register's services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# One sheet of the copy: its title, its header and its rows.
Section = tuple[str, list[str], list[list[Any]]]

# Each callable (person) → Section, its sheet placed after the register's own, in the order added.
COPY_SECTIONS: list[Callable[[Any], Section]] = []


def add(section: Callable[[Any], Section]) -> None:
    """Called once per app from its AppConfig.ready(); adding the same callable again changes nothing."""
    if section not in COPY_SECTIONS:
        COPY_SECTIONS.append(section)
