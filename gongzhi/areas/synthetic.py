"""Synthetic boundaries for the demo city: real codes and names above the grid, made-up shapes.

Each parent is cut into n Voronoi cells around seeded random points inside it, so children tile
their parent with no gap and no overlap (up to floating-point slivers) and look like real
irregular neighbourhoods rather than a chessboard. Same seed, same shapes.
"""

from __future__ import annotations

import math
import random

import shapely
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry


def rectangle(lon: float, lat: float, width_m: float, height_m: float) -> Polygon:
    """A box of about width × height metres centred on (lon, lat)."""
    dlat = height_m / 110_574.0 / 2
    dlon = width_m / (111_320.0 * math.cos(math.radians(lat))) / 2
    return box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def _points_inside(shape: BaseGeometry, n: int, rng: random.Random) -> list[tuple[float, float]]:
    min_x, min_y, max_x, max_y = shape.bounds
    prepared = shape
    shapely.prepare(prepared)
    points: list[tuple[float, float]] = []
    tries = 0
    while len(points) < n and tries < n * 200:
        tries += 1
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shapely.contains_xy(prepared, x, y):
            points.append((x, y))
    return points


def _relax(shape: BaseGeometry, points: list[tuple[float, float]], rounds: int) -> list[tuple[float, float]]:
    """Lloyd relaxation: cells of more even size, as real grids (~300 households each) are."""
    for _ in range(rounds):
        cells = _cells(shape, points)
        points = [(c.centroid.x, c.centroid.y) for c in cells if not c.is_empty]
    return points


def _cells(shape: BaseGeometry, points: list[tuple[float, float]]) -> list[BaseGeometry]:
    seeds = shapely.MultiPoint(points)
    regions = shapely.voronoi_polygons(seeds, extend_to=shape.envelope.buffer(shape.length))
    cells = [region.intersection(shape) for region in regions.geoms]
    # Voronoi output order is not the input order: sort by position for stable codes.
    cells = [c for c in cells if not c.is_empty]
    cells.sort(key=lambda c: (round(-c.centroid.y, 6), round(c.centroid.x, 6)))
    return cells


def _as_polygon(cell: BaseGeometry) -> BaseGeometry:
    """Intersection can leave a polygon with stray lines; keep the areal part only."""
    if cell.geom_type in {"Polygon", "MultiPolygon"}:
        return cell
    parts = [g for g in getattr(cell, "geoms", []) if g.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(parts)


def split(shape: BaseGeometry, n: int, rng: random.Random, *, relax: int = 2) -> list[BaseGeometry]:
    """n cells that tile `shape`, north-west first."""
    if n <= 1:
        return [shape]
    points = _points_inside(shape, n, rng)
    points = _relax(shape, points, relax)
    cells = [_as_polygon(c) for c in _cells(shape, points)]
    cells = [c for c in cells if not c.is_empty]
    return cells
