"""Division codes (行政区划代码): 12 digits, 2 province · 2 city · 2 county · 3 township ·
3 village; a grid adds 3 digits. An area's significant prefix is its ancestry, so "everything
under X" is a prefix match on the code."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LEVELS = ("province", "city", "district", "subdistrict", "community", "grid")
PREFIX_LENGTHS = {"province": 2, "city": 4, "district": 6, "subdistrict": 9, "community": 12, "grid": 15}
_SEGMENT_START = {"province": 0, "city": 2, "district": 4, "subdistrict": 6, "community": 9, "grid": 12}
_DIGITS = re.compile(r"\d+")
LEVEL_LABELS = {
    "province": gettext_lazy("省"),
    "city": gettext_lazy("市"),
    "district": gettext_lazy("区(县)"),
    "subdistrict": gettext_lazy("街道(乡镇)"),
    "community": gettext_lazy("社区(村)"),
    "grid": gettext_lazy("网格"),
}


def label(level: str) -> str:
    """The level's name for people ("社区(村)"), or the raw word if it is not a level."""
    return str(LEVEL_LABELS.get(level, level))


def prefix(code: str, level: str) -> str:
    """The digits that every descendant's code starts with."""
    return code[: PREFIX_LENGTHS[level]]


def rank(level: str) -> int:
    return LEVELS.index(level)


def level_problem(code: str, level: str) -> str | None:
    """Why `code` cannot be an area of `level`, for the person importing it; None if fine."""
    if level not in PREFIX_LENGTHS:
        return _("层级“%(level)s”无效，应为 %(levels)s 之一") % {
            "level": level, "levels": " / ".join(f"{name}（{label(name)}）" for name in LEVELS)}
    want = 15 if level == "grid" else 12
    if len(code) != want or not _DIGITS.fullmatch(code):
        return _("编码“%(code)s”应为%(n)s位数字") % {"code": code, "n": want}
    start, end = _SEGMENT_START[level], PREFIX_LENGTHS[level]
    if set(code[start:end]) == {"0"}:
        return _("编码“%(code)s”中本级（%(level)s）的位段全为0") % {"code": code, "level": label(level)}
    if level != "grid" and set(code[end:12]) - {"0"}:
        return _("编码“%(code)s”是%(level)s级，第%(pos)s位之后应全为0") % {
            "code": code,
            "level": label(level),
            "pos": end + 1,
        }
    return None


def parent_problem(code: str, level: str, parent_code: str, parent_level: str) -> str | None:
    """Why the parent cannot hold this child; None if it can. A grid's parent is its community;
    other levels may skip one (direct-administered counties sit right under a province)."""
    if level == "grid" and parent_level != "community":
        return _("网格的上级必须是社区，而“%(parent)s”是%(level)s级") % {"parent": parent_code, "level": label(parent_level)}
    if rank(parent_level) >= rank(level):
        return _("上级“%(parent)s”（%(plevel)s）不高于本级（%(level)s）") % {
            "parent": parent_code,
            "plevel": label(parent_level),
            "level": label(level),
        }
    if not code.startswith(prefix(parent_code, parent_level)):
        return _("编码“%(code)s”与上级编码“%(parent)s”的前缀不一致") % {"code": code, "parent": parent_code}
    return None
