"""The routing table from a spreadsheet: a dispatcher imports their area's routing rules (category
code, area code, department name) through the register's import (registry.import_kinds), with its
job, progress bar, error workbook and template, and `gongzhi registry import routing_rules`.

A row names a category by its code (a leaf or a top category), a place by its code and the
department by its name. The place and the department must lie in the grants of the roles that
may add routing rules (dispatchers), as in the admin; a name several such departments share is
read as the department of the rule's place or the nearest place above it. A rule already there
for the category and place takes the row's department (and is switched on again); the same row
again changes nothing. Each committed chunk is one audit entry naming every rule it changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import ROLE_PERMISSIONS
from gongzhi.areas.models import Area
from gongzhi.audit import log
from gongzhi.orgs.models import Department
from gongzhi.registry.import_kinds import Column, Counts, ImportKind, RowImporter, RowProblems

from .models import Category, RoutingRule

KEY = "routing_rules"
PERMISSION = "cases.add_routingrule"
COLUMNS = (
    Column("category_code", gettext_lazy("分类代码"), gettext_lazy("事件分类的代码，大类或小类，如 garbage_pileup"),
           required=True, width=22),
    Column("area_code", gettext_lazy("区域代码"), gettext_lazy("12位区划代码，网格15位"), required=True, text=True,
           width=18),
    Column("department", gettext_lazy("承办部门"), gettext_lazy("职能部门的名称，如 浆洗街城管执法中队"), required=True,
           width=28),
)


@dataclass
class RoutingRuleRow:
    row: int
    category: Category
    area: Area
    department: Department


class RoutingRulesImporter(RowImporter):
    kind = KEY

    def __init__(self, *, actor: Any, scope: frozenset[str] | None = None) -> None:
        super().__init__(actor=actor, scope=scope)
        self.categories = {c.code: c for c in Category.objects.all()}
        self.areas: dict[str, Area | None] = {}
        self.departments: dict[str, list[Department]] = {}

    def prefetch(self, rows: list[dict[str, str]]) -> None:
        """The block's places and departments, in the importer's scope, in two queries."""
        codes = {v.get("area_code", "").strip() for v in rows} - set(self.areas) - {""}
        if codes:
            found = {a.code: a for a in self.in_scope(Area.objects.filter(code__in=codes))}
            self.areas.update({code: found.get(code) for code in codes})
        names = {v.get("department", "").strip() for v in rows} - set(self.departments) - {""}
        if names:
            self.departments.update({name: [] for name in names})
            for department in self.in_scope(Department.objects.filter(name__in=names, is_active=True)
                                             .select_related("area")):
                self.departments[department.name].append(department)

    def check(self, row: int, v: dict[str, str]) -> tuple[RoutingRuleRow | None, RowProblems]:
        p = RowProblems()
        category = self._category(v.get("category_code", "").strip(), p)
        area = self._area(v.get("area_code", "").strip(), p)
        department = self._department(v.get("department", "").strip(), area, p)
        if category is not None and area is not None:
            self.duplicate((category.pk, area.code), row, p, "area_code")
        if p:
            return None, p
        return RoutingRuleRow(row, category, area, department), p

    def _category(self, code: str, p: RowProblems) -> Category | None:
        category = self.categories.get(code)
        if not code:
            p["category_code"] = _("必填")
        elif category is None:
            p["category_code"] = _("分类代码“%(c)s”不存在") % {"c": code}
        elif not category.is_active:
            p["category_code"] = _("分类“%(c)s”已停用") % {"c": category}
        else:
            return category
        return None

    def _looked_up(self, found: dict[str, Any], column: str, value: str, p: RowProblems) -> Any:
        """What the block's prefetch found for a cell (read now if it was not asked); None for an
        empty cell, which is required."""
        if not value:
            p[column] = _("必填")
            return None
        if value not in found:
            self.prefetch([{column: value}])
        return found[value]

    def _area(self, code: str, p: RowProblems) -> Area | None:
        area = self._looked_up(self.areas, "area_code", code, p)
        if area is None and code:
            p["area_code"] = _("区域代码“%(c)s”不存在或不在您的管辖范围") % {"c": code}
        return area

    def _department(self, name: str, area: Area | None, p: RowProblems) -> Department | None:
        """The department of that name in the importer's scope; of several, the one of the rule's
        place or the nearest place above it."""
        candidates = self._looked_up(self.departments, "department", name, p)
        if candidates is None:
            return None
        above = [d for d in candidates if area is not None and area.code.startswith(d.area.prefix)]
        if len(candidates) > 1 and above:
            nearest = max(len(d.area.prefix) for d in above)
            candidates = [d for d in above if len(d.area.prefix) == nearest]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            p["department"] = _("您的管辖范围内有%(n)s个名为“%(d)s”的部门，无法确定是哪一个") % {
                "n": len(candidates), "d": name}
        else:
            p["department"] = _("承办部门“%(d)s”不存在、已停用或不在您的管辖范围") % {"d": name}
        return None

    def commit(self, records: list[RoutingRuleRow]) -> Counts:
        counts = Counts()
        pairs = Q(pk__in=[])
        for r in records:
            pairs |= Q(category=r.category, area_id=r.area.code)
        with transaction.atomic():
            existing = {(rule.category_id, rule.area_id): rule for rule in RoutingRule.objects.filter(pairs)
                        .select_related("department").select_for_update(of=("self",))}
            new, changed, told = [], [], []
            for r in records:
                rule = existing.get((r.category.pk, r.area.code))
                if rule is None:
                    new.append(RoutingRule(category=r.category, area=r.area, department=r.department))
                    told.append([r.category.code, r.area.code, None, r.department.name])
                elif rule.department_id != r.department.pk or not rule.is_active:
                    told.append([r.category.code, r.area.code, rule.department.name, r.department.name])
                    rule.department, rule.is_active = r.department, True
                    changed.append(rule)
                else:
                    counts.unchanged += 1
            RoutingRule.objects.bulk_create(new)
            RoutingRule.objects.bulk_update(changed, ["department", "is_active"])
            counts.created, counts.updated = len(new), len(changed)
            if told:
                log.record("cases.routingrule.imported", actor=self.actor, target_type="cases.routingrule",
                           changes={"created": counts.created, "updated": counts.updated,
                                    "rules": told, "rows": [records[0].row, records[-1].row]})
        return counts


KIND = ImportKind(
    key=KEY, label=gettext_lazy("派遣规则"), columns=COLUMNS, importer=RoutingRulesImporter,
    permission=PERMISSION,
    # The place and department lie in the grants of the roles that may add rules: dispatchers'.
    scope=frozenset(role for role, held in ROLE_PERMISSIONS.items() if PERMISSION in held),
)
