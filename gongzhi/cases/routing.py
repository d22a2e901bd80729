"""Which department handles a case: the most specific active routing rule for its category and place
(a leaf's rule before its top category's, a smaller area's before a larger one's)."""

from __future__ import annotations

from gongzhi.areas import codes

from .models import Category, RoutingRule


def _ancestry(area_code: str) -> list[str]:
    return [area_code[: codes.PREFIX_LENGTHS[level]].ljust(12, "0") if level != "grid" else area_code
            for level in ("city", "district", "subdistrict", "community", "grid")
            if codes.PREFIX_LENGTHS[level] <= len(area_code)]


def _best(rules: list[RoutingRule], category: Category, levels: dict[str, str]):
    """The most specific of the rules that apply: a leaf's before its top category's, then the
    smallest area."""
    if not rules:
        return None
    return max(rules, key=lambda r: (r.category_id == category.pk, codes.PREFIX_LENGTHS[levels[r.area_id]])).department


def suggest(category: Category, area_code: str):
    """The suggested department for a case, or None when no rule covers it."""
    from gongzhi.areas.models import Area

    levels = dict(Area.objects.unscoped().filter(code__in=_ancestry(area_code)).values_list("code", "level"))
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    rules = list(RoutingRule.objects.filter(category_id__in=categories, area_id__in=levels, is_active=True,
                                            department__is_active=True).select_related("department"))
    return _best(rules, category, levels)


def suggest_many(categories: list[Category], area_codes: list[str]) -> dict[tuple[int, str], object]:
    """`suggest` for every category in every area, read in two queries (for a batch that routes
    thousands of cases): (category id, area code) → department or None."""
    from gongzhi.areas.models import Area

    ancestries = {code: _ancestry(code) for code in area_codes}
    levels = dict(Area.objects.unscoped().filter(code__in={a for codes_ in ancestries.values() for a in codes_})
                  .values_list("code", "level"))
    ids = {c.pk for c in categories} | {c.parent_id for c in categories if c.parent_id}
    by_key: dict[tuple[int, str], list[RoutingRule]] = {}
    for rule in RoutingRule.objects.filter(category_id__in=ids, area_id__in=levels, is_active=True,
                                           department__is_active=True).select_related("department"):
        by_key.setdefault((rule.category_id, rule.area_id), []).append(rule)
    found = {}
    for code, ancestry in ancestries.items():
        here = [a for a in ancestry if a in levels]
        for category in categories:
            keys = [category.pk] + ([category.parent_id] if category.parent_id else [])
            rules = [r for k in keys for a in here for r in by_key.get((k, a), [])]
            found[(category.pk, code)] = _best(rules, category, levels)
    return found


# Which kind of department handles each top category by default (a new installation's starting rules).
DEFAULT_KINDS = {
    "city_management": "city_management", "sanitation": "city_management", "disputes": "justice",
    "safety": "emergency", "livelihood": "civil_affairs", "public_utilities": "housing",
    "market_regulation": "market_regulation", "public_security": "police", "greening": "city_management",
    "property_management": "housing",
}


def default_rules(area_codes: list[str]) -> int:
    """For each area (a subdistrict or district), a rule per top category to the area's department of the
    default kind, where the area has one and no rule exists yet. Returns how many were made."""
    from gongzhi.orgs.models import Department

    tops = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    departments = {(d.area_id, d.kind): d for d in Department.objects.unscoped().filter(area_id__in=area_codes,
                                                                                       is_active=True)}
    existing = set(RoutingRule.objects.filter(area_id__in=area_codes).values_list("category_id", "area_id"))
    rules = []
    for area in area_codes:
        for code, kind in DEFAULT_KINDS.items():
            department, top = departments.get((area, kind)), tops.get(code)
            if department is not None and top is not None and (top.pk, area) not in existing:
                rules.append(RoutingRule(category=top, area_id=area, department=department))
    RoutingRule.objects.bulk_create(rules)
    return len(rules)
