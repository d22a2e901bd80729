"""Input types of the JSON API that carry their limits, so that the OpenAPI document states them
and django-ninja refuses a value outside them with a 422 naming the field. Without them a
string longer than its column, or one holding a NUL character, reaches PostgreSQL and comes
back as a database error (a 500); SQLite would silently keep it."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

# PostgreSQL text cannot hold U+0000: no string the API takes may contain it.
NO_NUL = r"^[^\x00]*$"


def text(max_length: int, *, min_length: int = 0) -> Any:
    """A string of at most `max_length` characters (the column's length), without NUL."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL)]


Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS-84 longitude")]
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS-84 latitude")]
# Django's PositiveIntegerField on PostgreSQL: 0 … 2^31 - 1.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
