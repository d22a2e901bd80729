"""Deadlines of a case's steps: computed when the step starts, from the category's limit, in a
unit of the working calendar (`gongzhi.workcalendar.units`: calendar hours, days or months,
working hours or working days). Warning (yellow) starts when the category's share of the span
from start to deadline is used, whatever the unit (the span is wall-clock time); overdue (red)
at the deadline."""

from __future__ import annotations

import datetime as dt

from gongzhi.workcalendar import units

# The end of a step's limit: the working calendar's rule, named here for the case loop's callers.
deadline = units.deadline


def warning_from(start: dt.datetime, due: dt.datetime, warn_at_percent: int) -> dt.datetime:
    """When the yellow light comes on: that share of the span from start to deadline."""
    return start + (due - start) * (warn_at_percent / 100)


def light(now: dt.datetime, warn_from: dt.datetime, due: dt.datetime) -> str:
    """"green", "yellow" (warning) or "red" (overdue)."""
    if now >= due:
        return "red"
    return "yellow" if now >= warn_from else "green"
