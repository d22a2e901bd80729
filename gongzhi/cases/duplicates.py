"""Possible duplicates: open cases of the same category reported nearby in the last days. Shown
to the dispatcher, who decides (workflow action "merge"); nothing is merged automatically."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from gongzhi.accounts import scoping

from .models import Case
from .workflow import OPEN

RADIUS_METRES = 150
WINDOW = dt.timedelta(days=3)


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance on the WGS-84 mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def nearby(user: Any, case: Case, *, radius: float = RADIUS_METRES,
           window: dt.timedelta = WINDOW) -> list[tuple[Case, float | None]]:
    """(case, metres away) for each case the user may see that looks like the same matter,
    nearest first; metres is None for a case without a point found by the same address."""
    qs = (scoping.scoped(Case, user).filter(category_id=case.category_id, state__in=OPEN,
                                            reported_at__gte=case.reported_at - window,
                                            reported_at__lte=case.reported_at + window)
          .exclude(pk=case.pk).select_related("category"))
    if case.lon is None or case.lat is None:
        return [(c, None) for c in qs.filter(address_id=case.address_id).order_by("reported_at")] \
            if case.address_id else []
    dlat = radius / 110_574.0
    dlon = radius / (111_320.0 * max(math.cos(math.radians(case.lat)), 0.01))
    near = qs.filter(lon__range=(case.lon - dlon, case.lon + dlon), lat__range=(case.lat - dlat, case.lat + dlat))
    scored = [(c, _metres(case.lon, case.lat, c.lon, c.lat)) for c in near]
    return [(c, d) for c, d in sorted(scored, key=lambda cd: cd[1]) if d <= radius]


def candidates(user: Any, case: Case, *, radius: float = RADIUS_METRES, window: dt.timedelta = WINDOW) -> list[Case]:
    """Cases the user may see that look like the same matter, nearest first."""
    return [c for c, _metres_away in nearby(user, case, radius=radius, window=window)]
