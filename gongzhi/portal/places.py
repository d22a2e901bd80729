"""What the public map shows: the outlines of the portal's places (communities where there are
few enough, else subdistricts), simplified, so that a resident finds where to put the pin
without any tile server. Public by nature (the boundaries of administrative areas)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from shapely.geometry import mapping, shape

from gongzhi.accounts import scoping
from gongzhi.areas.models import Area
from gongzhi.common.memo import Memo

MAX_OUTLINES = 300
TOLERANCE = 0.0002  # degrees, about 20 m: enough to recognise a place, a fraction of the bytes
_LAYERS: Memo[dict[str, Any]] = Memo(600)
forget = _LAYERS.clear


def portal_area() -> Area | None:
    """The area the portal serves: GONGZHI_PORTAL_AREA, else the first city in the database."""
    areas = Area.objects.unscoped()  # public: the portal's own place
    if settings.GONGZHI_PORTAL_AREA:
        return areas.filter(code=settings.GONGZHI_PORTAL_AREA).first()
    return areas.filter(level="city").order_by("code").first()


def communities() -> list[Area]:
    """The communities the portal serves, for residents to choose theirs (public: their names)."""
    area = portal_area()
    if area is None:
        return []
    return list(scoping.under(Area.objects.unscoped(), area).filter(level="community")
                .order_by("code").only("code", "name", "short_name", "level"))


def community(code: str) -> Area | None:
    """One of `communities()` by its code, or None."""
    area = portal_area()
    if area is None or not code:
        return None
    return scoping.under(Area.objects.unscoped(), area).filter(code=code, level="community").first()


def outlines() -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the portal area's places (remembered for ten minutes)."""
    area = portal_area()
    return _LAYERS.get(area.code if area else "", lambda: _outlines(area))


def _outlines(area: Area | None) -> dict[str, Any]:
    if area is None:
        return {"type": "FeatureCollection", "features": []}
    below = scoping.under(Area.objects.unscoped(), area).filter(geometry__isnull=False)
    level = "community" if below.filter(level="community").count() <= MAX_OUTLINES else "subdistrict"
    features = []
    for place in below.filter(level=level).order_by("code").only("code", "name", "short_name", "geometry"):
        simple = shape(place.geometry).simplify(TOLERANCE, preserve_topology=True)
        features.append({"type": "Feature", "geometry": mapping(simple),
                         "properties": {"code": place.code, "name": place.short_name or place.name}})
    return {"type": "FeatureCollection", "features": features}
