"""Control characters in text that comes in (imports, query strings) and goes out (spreadsheets).

PostgreSQL refuses a NUL in any text value, so a NUL that reached a query or a COPY fails the
whole statement (a chunk of clean rows with it); it is refused at the edge, naming where it
was. The other C0 control characters (vertical tab, form feed, escape …) are invisible, mean
nothing in a name or an address, and make openpyxl refuse to write a cell: they are removed
from what comes in, and shown as their Unicode control pictures (␋) in a workbook we write, so
a refused value stays recognisable. Tab, line feed and carriage return are ordinary text."""

from __future__ import annotations

import re
from collections.abc import Iterable

NUL = "\x00"
# C0 controls other than tab (\x09), line feed (\x0a) and carriage return (\x0d); NUL apart.
_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")
# What a spreadsheet cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE), NUL included.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_nul(value: str) -> bool:
    return NUL in value


def with_nul(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The names of the (name, value) pairs whose name or value holds a NUL."""
    return [name for name, value in pairs if NUL in name or NUL in value]


def strip_controls(value: str) -> str:
    """The text without C0 control characters other than tab, newline and carriage return (a
    NUL stays: callers refuse it with `has_nul`, naming the field)."""
    return _CONTROLS.sub("", value) if value else value


def visible(value: object) -> object:
    """A value as a spreadsheet cell can hold it: each control character a workbook cannot
    store shown as its control picture (NUL as ␀, vertical tab as ␋); other values as they are."""
    if isinstance(value, str) and _UNWRITABLE.search(value):
        return _UNWRITABLE.sub(lambda m: chr(0x2400 + ord(m.group())), value)
    return value
