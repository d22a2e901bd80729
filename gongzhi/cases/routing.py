"""Which unit handles a case: the most specific active routing rule for its category and place
(a leaf's rule before its top category's, a smaller area's before a larger one's)."""

from __future__ import annotations

from gongzhi.areas import codes

from .models import Category, RoutingRule


def suggest(category: Category, area_code: str):
    """The suggested department for a case, or None when no rule covers it."""
    from gongzhi.areas.models import Area

    ancestry = [area_code[: codes.PREFIX_LENGTHS[level]].ljust(12, "0") if level != "grid" else area_code
                for level in ("city", "district", "subdistrict", "community", "grid")
                if codes.PREFIX_LENGTHS[level] <= len(area_code)]
    levels = dict(Area.objects.unscoped().filter(code__in=ancestry).values_list("code", "level"))
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    rules = list(RoutingRule.objects.filter(category_id__in=categories, area_id__in=levels, is_active=True,
                                            department__is_active=True).select_related("department"))
    if not rules:
        return None
    rules.sort(key=lambda r: (r.category_id == category.pk, codes.PREFIX_LENGTHS[levels[r.area_id]]),
               reverse=True)
    return rules[0].department
