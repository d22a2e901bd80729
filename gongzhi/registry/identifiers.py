"""Checking the national identifiers the register is keyed on, fast enough for a million rows.

公民身份号码 (GB 11643-1999): 17 digits and a check character over ISO 7064 MOD 11-2; digits 7–14
are the birth date, digit 17 is odd for men. 统一社会信用代码 (GB 32100-2015): 18 characters
of a 31-letter alphabet with a MOD 31 check character, embedding a 9-character organisation code
(GB 11714) that has its own check character. Messages are for the person who typed the value.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_VALUE = {c: i for i, c in enumerate(_ORG_ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class IdentifierError(ValueError):
    """The value is not a valid identifier; str(error) says why."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "male" | "female"


def normalise(raw: str) -> str:
    """Full-width characters to ASCII, spaces out, letters upper case."""
    return unicodedata.normalize("NFKC", raw or "").replace(" ", "").replace("-", "").upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """A valid 18-character ID number with its birth date and sex, or IdentifierError."""
    value = normalise(raw)
    if len(value) != 18:
        raise IdentifierError(_("身份证号应为18位，实际为%(n)s位") % {"n": len(value)})
    if not value.isascii() or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdentifierError(_("身份证号前17位应为数字，最后一位为数字或X"))
    if value[:2] not in _PROVINCES:
        raise IdentifierError(_("身份证号的地区码“%(code)s”不存在") % {"code": value[:6]})
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdentifierError(_("身份证号中的出生日期“%(d)s”不是有效日期") % {"d": value[6:14]}) from exc
    if born.year < 1880 or born > (today or dt.date.today()):
        raise IdentifierError(_("身份证号中的出生日期“%(d)s”不合理") % {"d": value[6:14]})
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise IdentifierError(_("身份证号校验位错误（最后一位应为%(c)s）") % {"c": _ID_CHECK[total % 11]})
    return IdNumber(value, born, "male" if int(value[16]) % 2 else "female")


def id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_uscc(raw: str) -> str:
    """A valid unified social credit code, or IdentifierError."""
    value = normalise(raw)
    if len(value) != 18:
        raise IdentifierError(_("统一社会信用代码应为18位，实际为%(n)s位") % {"n": len(value)})
    bad = [c for c in value if c not in _USCC_VALUE]
    if bad:
        raise IdentifierError(_("统一社会信用代码含有不允许的字符“%(c)s”（不使用I、O、Z、S、V）") % {"c": bad[0]})
    if not value[2:8].isdigit():
        raise IdentifierError(_("统一社会信用代码第3至8位应为行政区划码"))
    total = sum(_USCC_VALUE[c] * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    expected = _USCC_ALPHABET[(31 - total % 31) % 31]
    if expected != value[17]:
        raise IdentifierError(_("统一社会信用代码校验位错误（最后一位应为%(c)s）") % {"c": expected})
    org = value[8:17]
    if any(c not in _ORG_VALUE for c in org[:8]) or org_check_character(org[:8]) != org[8]:
        raise IdentifierError(_("统一社会信用代码中的组织机构代码（第9至17位）校验错误"))
    return value


def uscc_check_character(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def org_check_character(first8: str) -> str:
    check = 11 - sum(_ORG_VALUE[c] * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return "0" if check == 11 else "X" if check == 10 else str(check)


def parse_phone(raw: str) -> str:
    """A mainland mobile (11 digits from 1) or a landline with area code, digits only (the
    landline's area code kept apart by a hyphen); IdentifierError otherwise."""
    value = unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    digits = value.replace("-", "")
    if not digits.isdigit():
        raise IdentifierError(_("电话号码只能包含数字（可带区号连字符）"))
    if len(digits) == 11 and digits[0] == "1":
        if digits[1] not in "3456789":
            raise IdentifierError(_("手机号码第二位应为3至9"))
        return digits
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        area = value.split("-")[0] if "-" in value else digits[:3] if digits[1] in "12" else digits[:4]
        return f"{area}-{digits[len(area):]}"
    raise IdentifierError(_("电话号码应为11位手机号或带区号的固定电话"))
