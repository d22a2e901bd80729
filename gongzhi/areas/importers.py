"""Importing the place tree and grids from GeoJSON, or CSV plus GeoJSON geometry.

Every problem is reported with the feature (or CSV row) it came from. A file with any error
imports nothing unless the caller asks for the valid part (`partial=True`); then a feature is
valid only if its parent is valid too. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from gongzhi.audit import log
from gongzhi.common import actors

from . import codes, lookup
from .geometry import GeometryError, bbox_fields, parse_polygon, to_geojson
from .models import Area, GridKind, Level

LEVEL_WORDS = {
    "省": "province",
    "市": "city",
    "区": "district",
    "县": "district",
    "区(县)": "district",
    "区县": "district",
    "街道": "subdistrict",
    "乡镇": "subdistrict",
    "乡": "subdistrict",
    "镇": "subdistrict",
    "街道(乡镇)": "subdistrict",
    "社区": "community",
    "村": "community",
    "社区(村)": "community",
    "网格": "grid",
}
GRID_KIND_WORDS = {"基础网格": "base", "专属网格": "special", "": "base"}
_FIELDS = ("code", "name", "short_name", "level", "parent_code", "grid_kind", "geometry")


@dataclass
class Feature:
    """One place to import, with where it came from (`where`, e.g. "第3个要素")."""

    where: str
    code: str
    name: str
    level: str
    parent_code: str = ""
    short_name: str = ""
    grid_kind: str = ""
    geometry: dict | None = None
    shape: BaseGeometry | None = None


@dataclass(frozen=True)
class Problem:
    where: str
    code: str
    message: str

    def __str__(self) -> str:
        if self.code:
            return _("%(where)s（编码 %(code)s）：%(message)s") % {
                "where": self.where, "code": self.code, "message": self.message}
        return _("%(where)s：%(message)s") % {"where": self.where, "message": self.message}


@dataclass
class ImportReport:
    features: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # codes left out because of a problem
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.committed:
            return _("共%(n)s个：新增%(c)s，更新%(u)s，未变%(s)s，未导入%(r)s，问题%(p)s条") % {
                "n": self.features,
                "c": len(self.created),
                "u": len(self.updated),
                "s": self.unchanged,
                "r": len(self.rejected),
                "p": len(self.problems),
            }
        return _("共%(n)s个，发现%(p)s条问题，未导入任何数据") % {"n": self.features, "p": len(self.problems)}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _level(value: Any) -> str:
    raw = _text(value)
    return LEVEL_WORDS.get(raw, raw.lower())


def read_geojson(data: bytes | str) -> tuple[list[Feature], list[Problem]]:
    """Features from a FeatureCollection whose properties carry code, name, level, parent_code."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return [], [Problem(_("文件"), "", _("不是有效的JSON：%(err)s") % {"err": exc})]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [], [Problem(_("文件"), "", _("应为GeoJSON FeatureCollection"))]
    raw_features = doc.get("features")
    if not isinstance(raw_features, list):
        return [], [Problem(_("文件"), "", _("FeatureCollection缺少features数组"))]
    features: list[Feature] = []
    problems: list[Problem] = []
    for number, raw in enumerate(raw_features, start=1):
        where = _("第%(n)s个要素") % {"n": number}
        if not isinstance(raw, dict) or not isinstance(raw.get("properties"), dict):
            problems.append(Problem(where, "", _("要素缺少properties")))
            continue
        props = raw["properties"]
        features.append(
            Feature(
                where=where,
                code=_text(props.get("code")),
                name=_text(props.get("name")),
                short_name=_text(props.get("short_name")),
                level=_level(props.get("level")),
                parent_code=_text(props.get("parent_code", props.get("parent"))),
                grid_kind=GRID_KIND_WORDS.get(_text(props.get("grid_kind")), _text(props.get("grid_kind"))),
                geometry=raw.get("geometry"),
            )
        )
    return features, problems


def read_csv(text: str, geometry: bytes | str | None = None) -> tuple[list[Feature], list[Problem]]:
    """Rows with code, name, level, parent_code (short_name, grid_kind optional); geometry from a
    `geometry` column holding GeoJSON, or from a GeoJSON file whose features carry `code`."""
    problems: list[Problem] = []
    shapes: dict[str, Any] = {}
    if geometry is not None:
        geo_features, geo_problems = read_geojson(geometry)
        problems.extend(Problem(_("几何文件%(where)s") % {"where": p.where}, p.code, p.message)
                        for p in geo_problems)
        shapes = {f.code: f.geometry for f in geo_features if f.code}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "level"} - set(reader.fieldnames or [])
    if missing:
        return [], [Problem(_("表头"), "", _("缺少列：%(cols)s") % {"cols": _("、").join(sorted(missing))})]
    features = []
    for number, row in enumerate(reader, start=2):
        code = _text(row.get("code"))
        where = _("第%(n)s行") % {"n": number}
        geom: Any = shapes.get(code)
        if _text(row.get("geometry")):
            try:
                geom = json.loads(row["geometry"])
            except ValueError:
                problems.append(Problem(where, code, _("geometry列不是有效的GeoJSON")))
                continue
        features.append(
            Feature(
                where=where,
                code=code,
                name=_text(row.get("name")),
                short_name=_text(row.get("short_name")),
                level=_level(row.get("level")),
                parent_code=_text(row.get("parent_code")),
                grid_kind=GRID_KIND_WORDS.get(_text(row.get("grid_kind")), _text(row.get("grid_kind"))),
                geometry=geom,
            )
        )
    return features, problems


class _Validation:
    """Collects problems per code; `bad` holds the codes that cannot be imported."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.bad: set[int] = set()  # positions in the feature list

    def fail(self, position: int, feature: Feature, message: str) -> None:
        self.problems.append(Problem(feature.where, feature.code, message))
        self.bad.add(position)


def _check_each(features: list[Feature], v: _Validation) -> None:
    seen: dict[str, int] = {}
    for i, f in enumerate(features):
        problem = codes.level_problem(f.code, f.level)
        if problem:
            v.fail(i, f, problem)
        if not f.name:
            v.fail(i, f, _("缺少名称"))
        if len(f.name) > 100 or len(f.short_name) > 60:
            v.fail(i, f, _("名称过长（名称最多100字，简称最多60字）"))
        if f.code in seen:
            v.fail(i, f, _("编码与%(other)s重复") % {"other": features[seen[f.code]].where})
        else:
            seen[f.code] = i
        if f.level == Level.GRID and f.grid_kind not in GridKind.values:
            v.fail(i, f, _("网格类型“%(k)s”无效，应为base/special") % {"k": f.grid_kind})
        if f.geometry is None:
            if f.level == Level.GRID:
                v.fail(i, f, _("网格必须有边界"))
            continue
        try:
            f.shape = parse_polygon(f.geometry)
        except GeometryError as exc:
            v.fail(i, f, str(exc))


def _check_parents(features: list[Feature], v: _Validation, existing: dict[str, Area]) -> None:
    """Parents must exist (in the file or already) and hold the child; a child of a rejected
    feature is rejected too, so a partial import never leaves an orphan."""
    by_code = {f.code: i for i, f in enumerate(features)}
    order = sorted(range(len(features)), key=lambda i: (codes.rank(features[i].level)
                                                         if features[i].level in codes.LEVELS else 99))
    for i in order:
        f = features[i]
        if f.level not in codes.LEVELS:
            continue
        old = existing.get(f.code)
        if old is not None and old.level != f.level:
            v.fail(i, f, _("已存在同编码的%(level)s级区域，不能改为%(new)s级") % {
                "level": codes.label(old.level), "new": codes.label(f.level)})
        if not f.parent_code:
            if f.level not in {"province", "city"}:
                v.fail(i, f, _("缺少上级编码"))
            continue
        if f.parent_code in by_code:
            j = by_code[f.parent_code]
            parent_level = features[j].level
            if j in v.bad:
                v.fail(i, f, _("上级“%(p)s”有错误，无法导入") % {"p": f.parent_code})
                continue
        elif f.parent_code in existing:
            parent_level = existing[f.parent_code].level
        else:
            v.fail(i, f, _("上级编码“%(p)s”不存在") % {"p": f.parent_code})
            continue
        if parent_level in codes.LEVELS:
            problem = codes.parent_problem(f.code, f.level, f.parent_code, parent_level)
            if problem:
                v.fail(i, f, problem)


def _community_shapes(features: list[Feature], existing: dict[str, Area]) -> dict[str, BaseGeometry]:
    shapes = {code: shapely.geometry.shape(a.geometry) for code, a in existing.items()
              if a.level == Level.COMMUNITY and a.geometry}
    shapes.update({f.code: f.shape for f in features if f.level == Level.COMMUNITY and f.shape is not None})
    return shapes


def _check_grids(features: list[Feature], v: _Validation, existing: dict[str, Area], tolerance: float) -> None:
    """Each grid inside its community, and no two grids overlapping, both within `tolerance`
    (a share of the grid's area; slivers from coordinate rounding stay far below it)."""
    communities = _community_shapes(features, existing)
    grid_positions = [i for i, f in enumerate(features) if f.level == Level.GRID and f.shape is not None]
    for i in grid_positions:
        f = features[i]
        community = communities.get(f.parent_code)
        if community is None or f.shape.area == 0:
            continue
        outside = f.shape.difference(community).area / f.shape.area
        if outside > tolerance:
            v.fail(i, f, _("网格有%(pct).1f%%的面积超出所属社区“%(c)s”（容差%(tol).1f%%）") % {
                "pct": outside * 100, "c": f.parent_code, "tol": tolerance * 100})
    # Overlaps: the file's grids against each other and against the grids already stored.
    file_codes = {features[i].code for i in grid_positions}
    others = [(a.code, shapely.geometry.shape(a.geometry)) for a in existing.values()
              if a.level == Level.GRID and a.geometry and a.code not in file_codes]
    candidates = [(features[i].code, features[i].shape, i) for i in grid_positions]
    candidates += [(code, geom, None) for code, geom in others]
    if len(candidates) < 2:
        return
    geoms = [c[1] for c in candidates]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a >= b:
            continue
        code_a, geom_a, pos_a = candidates[a]
        code_b, geom_b, pos_b = candidates[b]
        if pos_a is None and pos_b is None:
            continue
        if pos_a in v.bad or pos_b in v.bad:
            continue  # the other one is not imported anyway: nothing overlaps in the result
        smaller = min(geom_a.area, geom_b.area)
        if smaller == 0:
            continue
        share = geom_a.intersection(geom_b).area / smaller
        if share > tolerance:
            for pos, other in ((pos_a, code_b), (pos_b, code_a)):
                if pos is not None:
                    v.fail(pos, features[pos], _("与网格“%(o)s”重叠%(pct).1f%%（容差%(tol).1f%%）") % {
                        "o": other, "pct": share * 100, "tol": tolerance * 100})


def _existing_for(features: list[Feature]) -> dict[str, Area]:
    """Stored areas the file touches: its codes, their parents, and grids near its grids."""
    wanted = {f.code for f in features} | {f.parent_code for f in features if f.parent_code}
    found = {a.code: a for a in Area.objects.unscoped().filter(code__in=wanted)}
    community_codes = {f.parent_code for f in features if f.level == Level.GRID}
    community_codes |= {f.code for f in features if f.level == Level.COMMUNITY}
    if community_codes:
        neighbours = Area.objects.unscoped().filter(level=Level.GRID, parent_id__in=community_codes)
        found.update({a.code: a for a in neighbours})
    return found


def _values(f: Feature) -> dict[str, Any]:
    geometry = to_geojson(f.shape) if f.shape is not None else None
    return {
        "name": f.name,
        "short_name": f.short_name,
        "level": f.level,
        "parent_id": f.parent_code or None,
        "grid_kind": (f.grid_kind or GridKind.BASE) if f.level == Level.GRID else "",
        "geometry": geometry,
        **bbox_fields(f.shape),
    }


def validate(features: list[Feature], *, tolerance: float | None = None) -> tuple[_Validation, dict[str, Area]]:
    tolerance = settings.GONGZHI_GRID_TOLERANCE if tolerance is None else tolerance
    v = _Validation()
    _check_each(features, v)
    existing = _existing_for(features)
    _check_parents(features, v, existing)
    _check_grids(features, v, existing, tolerance)
    return v, existing


def import_areas(
    features: list[Feature],
    *,
    actor: Any,
    partial: bool = False,
    read_problems: Iterable[Problem] = (),
    tolerance: float | None = None,
) -> ImportReport:
    """Validates everything, then creates and updates areas in one transaction, parents first.

    With problems and `partial=False` nothing is written. The import is one audit entry listing
    the codes it created and changed.
    """
    report = ImportReport(features=len(features), problems=list(read_problems))
    v, existing = validate(features, tolerance=tolerance)
    report.problems.extend(v.problems)
    report.rejected = sorted({features[i].code for i in v.bad})
    if report.problems and not partial:
        return report
    good = [f for i, f in enumerate(features) if i not in v.bad]
    good.sort(key=lambda f: (codes.rank(f.level), f.code))
    to_create: list[Area] = []
    to_update: list[Area] = []
    changed_fields: dict[str, list[str]] = {}
    now = timezone.now()
    for f in good:
        values = _values(f)
        old = existing.get(f.code)
        if old is None:
            to_create.append(Area(code=f.code, **values))
            continue
        changed = [name for name, value in values.items() if getattr(old, name) != value]
        if changed:
            for name in changed:
                setattr(old, name, values[name])
            old.updated_at = now
            to_update.append(old)
            changed_fields[f.code] = changed
        else:
            report.unchanged += 1
    grids_changed = any(a.level == Level.GRID for a in to_create) or any(
        a.level == Level.GRID and "geometry" in changed_fields[a.code] for a in to_update
    )
    with transaction.atomic():
        Area.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            Area.objects.unscoped().bulk_update(
                to_update,
                ["name", "short_name", "level", "parent_id", "grid_kind", "geometry",
                 "min_lon", "min_lat", "max_lon", "max_lat", "updated_at"],
                batch_size=500,
            )
        if grids_changed:
            lookup.bump_version()
        report.created = [a.code for a in to_create]
        report.updated = [a.code for a in to_update]
        if to_create or to_update:
            log.record(
                "areas.area.imported",
                actor=actors.require(actor),
                target_type="areas.area",
                target_repr=_("导入区域：新增%(c)s，更新%(u)s") % {"c": len(to_create), "u": len(to_update)},
                changes={"created": report.created, "updated": changed_fields, "rejected": report.rejected},
            )
    report.committed = True
    return report
