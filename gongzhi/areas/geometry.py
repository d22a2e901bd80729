"""GeoJSON polygons in, shapely geometries out, with the checks an import needs.

Coordinates are WGS-84 lon/lat. Areas in square metres use a local equal-area approximation
(metres per degree at the shape's latitude): within 0.5% for a community-sized shape, which is
all that tolerances and coverage reports need, and it keeps pyproj out of the dependencies.
"""

from __future__ import annotations

import json
import math
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_EQUATOR = 111_320.0


class GeometryError(ValueError):
    """A geometry an import cannot take; the message says why, for the person importing."""


def parse_polygon(geojson: Any) -> BaseGeometry:
    """A valid Polygon or MultiPolygon in lon/lat range, or GeometryError saying what is wrong."""
    if not isinstance(geojson, dict):
        raise GeometryError(_("边界不是GeoJSON几何对象"))
    if geojson.get("type") not in {"Polygon", "MultiPolygon"}:
        raise GeometryError(_("边界类型应为Polygon或MultiPolygon，而不是“%(t)s”") % {"t": geojson.get("type")})
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError) as exc:
        raise GeometryError(_("边界坐标无法解析：%(err)s") % {"err": exc}) from exc
    if geom.is_empty:
        raise GeometryError(_("边界为空"))
    min_x, min_y, max_x, max_y = geom.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise GeometryError(_("坐标超出经纬度范围（经度±180，纬度±90），请确认为WGS-84经纬度"))
    if not geom.is_valid:
        raise GeometryError(_("边界无效：%(why)s") % {"why": shapely.is_valid_reason(geom)})
    return geom


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON exactly as given: rounding each polygon on its own would open slivers between
    neighbours that share an edge."""
    rounded = geom
    # Through JSON once, so the dict equals what the database gives back (lists, not tuples).
    return json.loads(json.dumps(mapping(rounded)))


def square_metres(geom: BaseGeometry) -> float:
    """Approximate planar area in m² at the shape's own latitude."""
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return geom.area * METRES_PER_DEGREE_LAT * METRES_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(lat))


def bbox_fields(geom: BaseGeometry | None) -> dict[str, float | None]:
    if geom is None:
        return {"min_lon": None, "min_lat": None, "max_lon": None, "max_lat": None}
    min_x, min_y, max_x, max_y = geom.bounds
    return {"min_lon": min_x, "min_lat": min_y, "max_lon": max_x, "max_lat": max_y}
