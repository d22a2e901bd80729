"""Areas back out as GeoJSON, in the same shape the importer reads, so a round trip is exact."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Area


def feature(area: Area) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": area.geometry,
        "properties": {
            "code": area.code,
            "name": area.name,
            "short_name": area.short_name,
            "level": area.level,
            "parent_code": area.parent_id or "",
            "grid_kind": area.grid_kind,
        },
    }


def feature_collection(areas: Iterable[Area]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(a) for a in areas]}
