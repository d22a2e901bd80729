"""Funds and projects (资金公开, 项目公开) go the way of every disclosure: a Disclosure row,
drafted and published with its date, never edited, corrected by a new one naming it. They also
carry an account: lines of what was budgeted and spent (元, two places, never negative), totals
the system sums, and beneficiaries in aggregate only: a number and a description, never a
person's name, identity number or phone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log

from . import disclosures
from .models import DeliberationError, Disclosure, DisclosureItem, DisclosureKind, ProjectProgress

CENT = Decimal("0.01")
LIMIT = Decimal("1000000000000")  # 万亿: the column holds 14 digits, two after the point
MAX_LINES = 100
# An identity number (18 characters) or a mobile number: never in a public account.
PERSONAL = re.compile(r"(?<![0-9])(?:[1-9][0-9]{16}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])")
HAN = re.compile(r"[\u4e00-\u9fff·]{2,}")  # runs of Chinese characters, where a resident's name could sit


@dataclass(frozen=True)
class Line:
    """One line of an account, as entered: what for, budgeted, spent (元)."""

    name: str
    budgeted: Decimal
    spent: Decimal


@dataclass(frozen=True)
class Totals:
    budgeted: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        return self.budgeted - self.spent


def amount(value: Any, *, field: str) -> Decimal:
    """A sum of money in yuan: a number not below zero with at most two decimal places."""
    try:
        number = Decimal(str(value).strip().replace(",", "")) if value is not None else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise DeliberationError(_("%(f)s请填写金额（元）") % {"f": field})
    if number < 0:
        raise DeliberationError(_("%(f)s不能为负数") % {"f": field})
    if number != number.quantize(CENT):
        raise DeliberationError(_("%(f)s最多保留两位小数") % {"f": field})
    if number >= LIMIT:
        raise DeliberationError(_("%(f)s金额过大") % {"f": field})
    return number.quantize(CENT)


def lines(rows: Iterable[Line | Mapping[str, Any] | Sequence[Any]]) -> list[Line]:
    """The lines of an account, checked: each `(name, budgeted, spent)` (a Line, a mapping with
    those keys or a triple); blank rows of a form are skipped, at least one is needed."""
    checked = []
    for row in rows:
        if isinstance(row, Line):
            name, budgeted, spent = row.name, row.budgeted, row.spent
        elif isinstance(row, Mapping):
            name, budgeted, spent = row.get("name", ""), row.get("budgeted"), row.get("spent")
        else:
            name, budgeted, spent = row
        name = str(name or "").strip()
        if not name and budgeted in (None, "") and spent in (None, ""):
            continue
        n = len(checked) + 1
        if not name:
            raise DeliberationError(_("第%(n)d行：请填写科目") % {"n": n})
        checked.append(Line(name[:100], amount(budgeted, field=_("第%(n)d行的预算金额") % {"n": n}),
                            amount(spent if spent not in (None, "") else 0, field=_("第%(n)d行的支出金额") % {"n": n})))
    if not checked:
        raise DeliberationError(_("请至少填写一行收支明细"))
    if len(checked) > MAX_LINES:
        raise DeliberationError(_("明细最多%(n)d行") % {"n": MAX_LINES})
    return checked


def summed(rows: Iterable[Line | DisclosureItem]) -> Totals:
    rows = list(rows)
    return Totals(sum((r.budgeted for r in rows), Decimal("0.00")), sum((r.spent for r in rows), Decimal("0.00")))


def totals(disclosure: Disclosure) -> Totals:
    """The sums of a disclosure's lines (from the prefetched `items` when `public` read them)."""
    return summed(disclosure.items.all())


def _no_one_named(area: Any, texts: dict[str, str]) -> None:
    """Refuses an identity or mobile number, or the name of a resident registered in the
    community, in the public text: beneficiaries are published as a number and a description."""
    from gongzhi.registry.models import Person

    residents = scoping.under(Person.objects.unscoped(), area)  # checked against, never shown
    for field, text in texts.items():
        if PERSONAL.search(text):
            raise DeliberationError(_("%(f)s中不能出现身份证号或手机号") % {"f": field})
        pieces = sorted({run[i:i + n] for run in HAN.findall(text) for n in (2, 3, 4)
                         for i in range(len(run) - n + 1)})
        for start in range(0, len(pieces), 500):
            named = residents.filter(name__in=pieces[start:start + 500]).values_list("name", flat=True).first()
            if named:
                raise DeliberationError(_("%(f)s中出现了居民姓名“%(n)s”：受益对象只公开数量和总体说明") % {
                    "f": field, "n": named})


def _account(*, actor: Any, area: Any, kind: str, title: str, body: str, rows: list[Line], corrects: Disclosure | None,
             **account: Any) -> Disclosure:
    if corrects is not None:
        old = disclosures.correctable(actor, corrects)
        if old.kind != kind:
            raise DeliberationError(_("更正须与原公开的类型相同"))
        area = old.area
    if area is None:
        raise DeliberationError(_("请选择社区"))
    row = disclosures.draft(actor=actor, area=area, kind=kind, title=title, body=body, topic=None)  # role, scope
    _no_one_named(area, {_("标题"): title, _("受益对象说明"): account.get("beneficiaries_note", ""), _("公开内容"): body,
                         _("明细科目"): "；".join(line.name for line in rows)})
    for field, value in account.items():
        setattr(row, field, value)
    row.corrects = corrects
    row.save(update_fields=[*account, "corrects"])
    DisclosureItem.objects.bulk_create([DisclosureItem(disclosure=row, order=n, name=line.name,
                                                       budgeted=line.budgeted, spent=line.spent)
                                        for n, line in enumerate(rows, start=1)])
    sums = totals(row)
    log.record("deliberation.disclosure.accounted", actor=actor, target=row,
               changes={**account, "lines": [[line.name, str(line.budgeted), str(line.spent)] for line in rows],
                        "budgeted": str(sums.budgeted), "spent": str(sums.spent),
                        "corrects": getattr(corrects, "pk", None)})
    return disclosures.publish(actor=actor, disclosure=row)


def _beneficiaries(count: Any, note: str) -> tuple[int | None, str]:
    note = (note or "").strip()
    if count in (None, ""):
        if note:
            raise DeliberationError(_("请填写受益对象数量"))
        return None, ""
    try:
        number = int(count)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or str(count).strip() != str(number):
        raise DeliberationError(_("受益对象数量请填写不小于0的整数"))
    if not note:
        raise DeliberationError(_("请填写受益对象说明（总体情况，不写个人姓名）"))
    return number, note[:200]


def _summary(rows: list[Line], extra: list[str], count: int | None, note: str) -> str:
    """The body when none is written: the facts, the beneficiaries and the system's totals."""
    if count is not None:
        extra = [*extra, _("受益对象：%(note)s，共 %(n)d") % {"note": note, "n": count}]
    sums = summed(rows)
    money = _("预算合计 %(b)s 元，支出合计 %(s)s 元，结余 %(r)s 元。") % {
        "b": sums.budgeted, "s": sums.spent, "r": sums.balance}
    return "\n".join([*extra, money])


@transaction.atomic
def disclose_fund(*, actor: Any, area: Any = None, title: str, period_start: dt.date, period_end: dt.date,
                  rows: Iterable[Any], beneficiaries: Any = None, beneficiaries_note: str = "", body: str = "",
                  corrects: Disclosure | None = None) -> Disclosure:
    """Publishes a fund disclosure (资金公开) of the community `area` for a period: its lines
    (`rows`, see `lines`), beneficiaries as a count and a description. `body` is an optional
    explanation (a summary with the system's totals when empty). With `corrects`, it is the
    correction of that fund disclosure (the latest of its chain), which stays public."""
    checked = lines(rows)
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        raise DeliberationError(_("请填写公开期间"))
    if period_end < period_start:
        raise DeliberationError(_("期间结束不能早于开始"))
    count, note = _beneficiaries(beneficiaries, beneficiaries_note)
    extra = [_("公开期间：%(a)s 至 %(b)s") % {"a": period_start.isoformat(), "b": period_end.isoformat()}]
    return _account(actor=actor, area=area, kind=DisclosureKind.FUND, title=title,
                    body=body.strip() or _summary(checked, extra, count, note), rows=checked, corrects=corrects,
                    period_start=period_start, period_end=period_end, beneficiaries=count, beneficiaries_note=note)


@transaction.atomic
def disclose_project(*, actor: Any, area: Any = None, name: str, rows: Iterable[Any], contractor: str, progress: str,
                     start: dt.date, end: dt.date | None = None, beneficiaries: Any = None,
                     beneficiaries_note: str = "", body: str = "", corrects: Disclosure | None = None) -> Disclosure:
    """Publishes a project disclosure (项目公开): the project's name (the title), its budget and
    spending as lines, who carries it out, its progress and dates (`end` planned or actual);
    beneficiaries as for a fund. `corrects` as for `disclose_fund`."""
    checked = lines(rows)
    contractor = contractor.strip()
    if not contractor:
        raise DeliberationError(_("请填写实施单位"))
    if progress not in ProjectProgress.values:
        raise DeliberationError(_("请选择项目进度"))
    if not isinstance(start, dt.date):
        raise DeliberationError(_("请填写项目开始日期"))
    if end is not None and end < start:
        raise DeliberationError(_("项目结束日期不能早于开始"))
    count, note = _beneficiaries(beneficiaries, beneficiaries_note)
    extra = [_("实施单位：%(c)s；进度：%(p)s；开始日期：%(d)s") % {
        "c": contractor, "p": ProjectProgress(progress).label, "d": start.isoformat()}]
    return _account(actor=actor, area=area, kind=DisclosureKind.PROJECT, title=name, body=body.strip() or
                    _summary(checked, extra, count, note), rows=checked, corrects=corrects, period_start=start,
                    period_end=end, beneficiaries=count, beneficiaries_note=note, contractor=contractor[:200],
                    progress=progress)
