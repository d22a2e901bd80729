"""Places over the JSON API: lists and details within the caller's scope, point → grid.

Moved from `areas/api.py` (areas sits below accounts and may not take the scoping module);
each operation keeps its OpenAPI operation id from there, which clients generate code from."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema

from gongzhi.accounts import scoping
from gongzhi.areas import exporters, lookup
from gongzhi.areas.models import Area, Level
from gongzhi.common.api_errors import errors
from gongzhi.common.api_types import Latitude, Longitude, text
from gongzhi.common.pagination import PageOut, keyset_page

router = Router(tags=["areas"])


def _may_view(request) -> None:
    """Lists and lookups answer 403 to a role without the places (not an empty answer)."""
    if not request.user.has_perm("areas.view_area"):
        raise PermissionDenied


class AreaOut(Schema):
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    grid_kind: str

    @staticmethod
    def resolve_parent_code(obj: Area) -> str | None:
        return obj.parent_id


class AreaDetail(AreaOut):
    geometry: dict | None


class AreaFilters(Schema):
    level: Level | None = None
    parent: text(15) | None = None
    q: text(100) | None = None
    after: text(15) | None = None
    size: int = 100


class Located(Schema):
    lon: float
    lat: float
    grid: AreaOut | None


@router.get("/areas", response={200: PageOut[AreaOut], **errors(401, 403, 422)}, summary="Areas in my scope",
            operation_id="gongzhi_areas_api_list_areas")
def list_areas(request, filters: Query[AreaFilters]):
    _may_view(request)
    qs = scoping.scoped(Area, request.user)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    page = keyset_page(qs.defer("geometry"), key="code", after=filters.after, size=filters.size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/areas/locate", response={200: Located, **errors(401, 403, 422)},
            summary="The grid holding a WGS-84 point",
            operation_id="gongzhi_areas_api_locate")
def locate(request, lon: Longitude, lat: Latitude):
    _may_view(request)
    code = lookup.locate(lon, lat)
    grid = None
    if code is not None:
        grid = scoping.scoped(Area, request.user).filter(code=code).defer("geometry").first()
    return {"lon": lon, "lat": lat, "grid": grid}


@router.get("/areas/{code}", response={200: AreaDetail, **errors(401, 403, 404, 422)},
            summary="One area in my scope",
            operation_id="gongzhi_areas_api_get_area")
def get_area(request, code: text(15)):
    return scoping.get_in_scope_or_404(Area, request.user, code=code)


@router.get("/areas/{code}/geojson", response={200: dict[str, Any], **errors(401, 403, 404, 422)},
            summary="The area and its children as GeoJSON",
            operation_id="gongzhi_areas_api_area_geojson")
def area_geojson(request, code: text(15)) -> dict[str, Any]:
    area = scoping.get_in_scope_or_404(Area, request.user, code=code)
    children = scoping.scoped(Area, request.user).filter(parent_id=area.code).order_by("code")
    return exporters.feature_collection([area, *children])
