"""Keyset pagination: lists that can be long page by the last key seen, never by OFFSET."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema

T = TypeVar("T")

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def keyset_page(queryset: QuerySet, *, key: str, after: str | None, size: int) -> Page:
    """Rows ordered by the unique `key`, starting after the cursor `after` (the last key seen)."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    if after:
        queryset = queryset.filter(**{f"{key}__gt": after})
    rows = list(queryset.order_by(key)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = str(getattr(rows[-1], key)) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor)


class PageOut(Schema, Generic[T]):
    """A page of an API list: follow `next_cursor` (pass it as `after`) until it is null."""

    items: list[T]
    next_cursor: str | None
