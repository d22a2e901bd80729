"""The grid worker's own patch, as the phone shows it: the grids they hold on a map with the
open cases in them, and what waits for them today. Everything is read through the scoping
module, so a worker sees their grids and nobody else's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case as Choose
from django.db.models import IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

from gongzhi.accounts import scoping
from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area
from gongzhi.cases import inbox, intake, reporters
from gongzhi.cases.models import OPEN_STATES, Case

# Who walks a patch: the grid worker, and the community worker who covers the community's grids.
PATROL_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_WORKER})
MAX_GRIDS = 200  # a community has tens of grids; more means a desk role, not a patch
MAX_POINTS = 500  # the most urgent open cases drawn on the phone's map
URGENCY = Choose(When(light="red", then=Value(0)), When(light="yellow", then=Value(1)), default=Value(2),
                 output_field=IntegerField())
TOLERANCE = 0.00005  # degrees (about 5 m): a grid's outline for a phone screen


def patrols(user: Any) -> bool:
    return bool(scoping.roles(user) & PATROL_ROLES)


def grids(user: Any) -> list[Area]:
    return list(scoping.scoped(Area, user).filter(level="grid", geometry__isnull=False)
                .order_by("code").only("code", "name", "short_name", "geometry")[:MAX_GRIDS])


def layers(user: Any, grid_areas: list[Area]) -> dict[str, Any]:
    """GeoJSON for the map: the grids' outlines and the open cases in them that have a point
    (most urgent first), each case with its number, category and light."""
    outlines = [{"type": "Feature", "geometry": mapping(shape(g.geometry).simplify(TOLERANCE, preserve_topology=True)),
                 "properties": {"code": g.code, "name": g.short_name or g.name}} for g in grid_areas]
    open_cases = (scoping.scoped(Case, user).filter(state__in=OPEN_STATES, lon__isnull=False, lat__isnull=False)
                  .select_related("category").order_by(URGENCY, "due_at", "id")[:MAX_POINTS])
    points = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
               "properties": {"number": c.number, "category": c.category.name, "light": c.light,
                              "state": c.get_state_display()}} for c in open_cases]
    return {"grids": {"type": "FeatureCollection", "features": outlines},
            "cases": {"type": "FeatureCollection", "features": points}}


def today(user: Any, now: dt.datetime | None = None, *, size: int = 50) -> tuple[list[Case], int]:
    """The cases in the user's inbox whose step is due by the end of today (the late ones
    first), and how many there are in all."""
    now = now or timezone.now()
    end = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
    due = inbox.inbox(user).filter(due_at__lte=end)
    return list(due[:size]), due.count()


def open_count(user: Any) -> int:
    return scoping.scoped(Case, user).filter(state__in=OPEN_STATES).count()


def report(user: Any, *, category: str, description: str, lon: float | None, lat: float | None,
           address_text: str, photos: list, token: str) -> intake.Receipt:
    """Files what the worker found on the patch, with the photos already checked by the form
    (`photos`: cases.photos.Cleaned), through their role's channel. The form's token is the
    idempotency key: a resubmitted form (a second tap, a flaky network) returns the first case
    and adds no photos twice. IntakeError names the field at fault."""
    from gongzhi.cases import categories

    leaf = categories.active(category)
    if leaf is None:
        raise intake.IntakeError(_("请选择事件类型"), "category")
    return intake.report(source=reporters.staff(user, via="patrol"), category=leaf, description=description,
                         lon=lon, lat=lat, address_text=address_text, idempotency_key=token, photos=photos)
