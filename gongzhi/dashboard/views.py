"""The command dashboard for dispatchers and leaders at any level: the map of their place with
its parts coloured by open and overdue cases (click to drill down to the grid), the counts of
today, this week and this month, the four rates by month, the top categories and the overdue
list. The figures come from cases.overview; the page draws them (ECharts, Leaflet)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from shapely.geometry import mapping, shape

from gongzhi.accounts import scoping
from gongzhi.areas.models import Area
from gongzhi.cases import overview

TOLERANCE = 0.0001  # degrees: outlines for a screen, not for surveying


def _outline(area: Area, counts: dict[str, int]) -> dict:
    geometry = mapping(shape(area.geometry).simplify(TOLERANCE, preserve_topology=True)) if area.geometry else None
    return {"type": "Feature", "geometry": geometry,
            "properties": {"code": area.code, "name": area.short_name or area.name, "level": area.level, **counts}}


@login_required
def board(request):
    if not scoping.roles(request.user) & overview.COMMAND_ROLES:
        raise PermissionDenied
    home = overview.home_area(request.user)
    code = request.GET.get("area", "")
    area = scoping.get_in_scope_or_404(Area, request.user, code=code) if code else home
    if area is None:
        raise PermissionDenied
    below = overview.parts(request.user, area)
    counts = overview.open_by_part(request.user, area, below)
    features = [_outline(part, counts[part.code]) for part in below if part.geometry]
    trail = [a for a in Area.objects.unscoped().filter(code__in=_ancestry(area)).order_by("code")
             if home is None or a.code.startswith(home.prefix)]  # the path from the user's own place down
    return render(request, "dashboard/board.html", {
        "area": area, "trail": trail, "reported": overview.reported(request.user, area),
        "trend": overview.trend(request.user, area), "top": overview.top_categories(request.user, area),
        "overdue": overview.overdue(request.user, area),
        "map": {"type": "FeatureCollection", "features": features},
        "open_total": sum(c["open"] for c in counts.values()),
        "overdue_total": sum(c["overdue"] for c in counts.values())})


def _ancestry(area: Area) -> list[str]:
    codes, current = [], area
    seen = set()
    while current is not None and current.code not in seen:
        seen.add(current.code)
        codes.append(current.code)
        current = current.parent if current.parent_id else None
    return codes
