"""Which parts of each community no grid covers (网格全覆盖 is the rule; gaps are work to do)."""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from shapely.geometry import shape

from .geometry import square_metres, to_geojson
from .models import Area, Level

# Gaps smaller than this, or thinner than SLIVER_WIDTH_METRES everywhere, are digitising
# slivers between neighbouring polygons, not land that nobody looks after.
MIN_GAP_SQUARE_METRES = 1.0
SLIVER_WIDTH_METRES = 0.5


@dataclass
class Gap:
    square_metres: float
    lon: float
    lat: float
    geometry: dict


@dataclass
class CommunityCoverage:
    code: str
    name: str
    square_metres: float
    covered_share: float
    grids: int
    gaps: list[Gap] = field(default_factory=list)


def _is_sliver(part) -> bool:
    half_width_degrees = SLIVER_WIDTH_METRES / 2 / 110_574.0
    return part.buffer(-half_width_degrees).is_empty


def coverage(communities, *, min_gap: float = MIN_GAP_SQUARE_METRES) -> list[CommunityCoverage]:
    """For each community with a boundary: share covered by its grids and the uncovered parts.

    `communities` is a queryset the caller has already scoped (or unscoped, for the command).
    """
    result = []
    for community in communities.filter(level=Level.COMMUNITY, geometry__isnull=False).order_by("code"):
        outline = shape(community.geometry)
        grids = [shape(g) for g in Area.objects.unscoped()
                 .filter(level=Level.GRID, parent_id=community.code, geometry__isnull=False)
                 .values_list("geometry", flat=True)]
        covered = shapely.union_all(grids) if grids else shapely.Polygon()
        uncovered = outline.difference(covered)
        total = square_metres(outline)
        parts = list(getattr(uncovered, "geoms", [uncovered])) if not uncovered.is_empty else []
        gaps = []
        for part in parts:
            size = square_metres(part)
            if size < min_gap or part.geom_type != "Polygon" or _is_sliver(part):
                continue
            point = part.representative_point()
            gaps.append(Gap(square_metres=size, lon=point.x, lat=point.y, geometry=to_geojson(part)))
        gaps.sort(key=lambda g: -g.square_metres)
        gap_total = sum(g.square_metres for g in gaps)
        result.append(CommunityCoverage(
            code=community.code,
            name=community.display_name,
            square_metres=total,
            covered_share=max(0.0, 1 - gap_total / total) if total else 0.0,
            grids=len(grids),
            gaps=gaps,
        ))
    return result
