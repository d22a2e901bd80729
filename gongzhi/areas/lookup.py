"""Which grid holds a point: one shapely 2 STRtree per process, rebuilt when grids change.

A point on a border shared by two grids goes to the grid with the smaller code, every time:
grids are held sorted by code, and the first hit in that order wins. Points outside every grid
get None.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from shapely.geometry import shape

from .models import Area, GridSet, Level


@dataclass
class GridIndex:
    version: int
    codes: np.ndarray  # grid codes, sorted; position i ↔ polygons[i]
    polygons: np.ndarray
    tree: shapely.STRtree

    @classmethod
    def build(cls, version: int, rows: list[tuple[str, dict]]) -> GridIndex:
        rows = sorted(rows, key=lambda row: row[0])
        polygons = np.array([shape(geometry) for _, geometry in rows], dtype=object)
        shapely.prepare(polygons)
        codes = np.array([code for code, _ in rows], dtype=object)
        return cls(version=version, codes=codes, polygons=polygons, tree=shapely.STRtree(polygons))

    def locate_one(self, lon: float, lat: float) -> str | None:
        """One point's grid, without locate_many's array work (intake asks for one point per
        report): the bounding-box candidates, then the exact test, smallest code first."""
        if len(self.codes) == 0:
            return None
        for i in sorted(self.tree.query(shapely.Point(lon, lat)).tolist()):
            if shapely.intersects_xy(self.polygons[i], lon, lat):
                return self.codes[i]
        return None

    def locate_many(self, lons, lats) -> np.ndarray:
        """Grid code per point (None outside every grid), vectorised end to end."""
        x = np.asarray(lons, dtype="float64")
        y = np.asarray(lats, dtype="float64")
        result = np.full(x.shape, None, dtype=object)
        if x.size == 0 or len(self.codes) == 0:
            return result
        # Candidates by bounding box, then the exact test on prepared polygons; boundary counts.
        point_idx, grid_idx = self.tree.query(shapely.points(x, y))
        hit = shapely.intersects_xy(self.polygons[grid_idx], x[point_idx], y[point_idx])
        point_idx, grid_idx = point_idx[hit], grid_idx[hit]
        # Smallest grid position per point = smallest code: deterministic on shared borders.
        order = np.lexsort((grid_idx, point_idx))
        point_idx, grid_idx = point_idx[order], grid_idx[order]
        first = np.unique(point_idx, return_index=True)[1]
        result[point_idx[first]] = self.codes[grid_idx[first]]
        return result


_lock = threading.Lock()
_index: GridIndex | None = None
_checked_at = 0.0


def current_version() -> int:
    row = GridSet.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def bump_version() -> None:
    """Called by every service that changes grid polygons, inside its transaction."""
    from django.db.models import F

    GridSet.objects.get_or_create(pk=1)
    GridSet.objects.filter(pk=1).update(version=F("version") + 1)
    invalidate()


def invalidate() -> None:
    """Makes this process re-check the version on its next lookup."""
    global _checked_at
    _checked_at = 0.0


def forget() -> None:
    """Drops the index (tests: a rolled-back database reuses version numbers)."""
    global _index
    _index = None
    invalidate()


def grid_index() -> GridIndex:
    """The process's index, rebuilt when another process (or this one) changed the grids."""
    global _index, _checked_at
    now = time.monotonic()
    if _index is not None and now - _checked_at < settings.GONGZHI_GRID_RECHECK_SECONDS:
        return _index
    with _lock:
        version = current_version()
        if _index is None or _index.version != version:
            rows = list(
                Area.objects.unscoped()
                .filter(level=Level.GRID, geometry__isnull=False)
                .values_list("code", "geometry")
            )
            _index = GridIndex.build(version, rows)
        _checked_at = time.monotonic()
        return _index


def locate(lon: float, lat: float) -> str | None:
    """The code of the grid holding (lon, lat) in WGS-84, or None outside every grid."""
    return grid_index().locate_one(lon, lat)


def locate_many(lons, lats) -> np.ndarray:
    return grid_index().locate_many(lons, lats)
