"""The standard address tree of each community: creating nodes once, with stable codes.

A component's name is normalised so the same place is written one way: full-width to ASCII,
Chinese numerals to digits in numbered parts, and one suffix per kind (E1幢 / E1号楼 / E1座 →
E1栋). A node's `path_key` is the chain of normalised names from its road, unique within the
community; `ensure_address` creates whatever part of a chain is missing and returns the leaf.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence

import cn2an
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas import lookup
from gongzhi.areas.models import Area, Level

from .models import ADDRESS_ORDER, Address, AddressKind

SERIAL_DIGITS = 7
NAME_MAX, TEXT_MAX = 100, 300
_CN_NUM = re.compile(r"[零〇一二三四五六七八九十百千两]+")
_SUFFIX = {
    AddressKind.NUMBER: ("号", ("号院", "号")),
    AddressKind.BUILDING: ("栋", ("号楼", "栋", "幢", "座", "楼")),
    AddressKind.UNIT: ("单元", ("单元",)),
    AddressKind.FLOOR: ("层", ("层", "楼")),
    AddressKind.ROOM: ("", ("室", "号", "房")),
}


class AddressError(ValueError):
    """An address that cannot be stored; the message says why."""


def _digits(text: str) -> str:
    """Chinese numerals inside a numbered part to digits (一千七百 → 1700), nothing else:
    converting a whole string would turn 文一西路 into 文1西路."""
    def convert(match: re.Match) -> str:
        try:
            return str(cn2an.cn2an(match.group(0), "smart"))
        except ValueError:
            return match.group(0)

    return _CN_NUM.sub(convert, text)


def normalise(kind: str, name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").strip().replace(" ", "").upper()
    if kind in _SUFFIX:
        suffix, accepted = _SUFFIX[kind]
        for s in accepted:
            if text.endswith(s) and len(text) > len(s):
                text = text[: -len(s)]
                break
        text = _digits(text) + suffix
    return text


def _key(components: Sequence[tuple[str, str]]) -> list[str]:
    keys, path = [], ""
    for kind, name in components:
        path = f"{path}/{kind}:{name}" if path else f"{kind}:{name}"
        keys.append(path)
    return keys


def check_order(components: Sequence[tuple[str, str]]) -> None:
    unknown = [kind for kind, _name in components if kind not in ADDRESS_ORDER]
    if unknown:
        raise AddressError(_("地址部分类型“%(k)s”无效") % {"k": unknown[0]})
    ranks = [ADDRESS_ORDER.index(kind) for kind, _name in components]
    if not components or any(b <= a for a, b in itertools.pairwise(ranks)):
        raise AddressError(_("地址各部分应按 道路、门牌号、小区、楼栋、单元、楼层、房间 的顺序，且不重复"))
    if any(not name for _kind, name in components):
        raise AddressError(_("地址的某一部分为空"))
    # The columns' lengths: a part's name, and the whole address as text and as its path key.
    if (any(len(name) > NAME_MAX for _kind, name in components)
            or len("".join(name for _kind, name in components)) > TEXT_MAX or len(_key(components)[-1]) > TEXT_MAX):
        raise AddressError(_("地址过长（每一部分最多%(n)s字，整个地址最多%(t)s字）") % {"n": NAME_MAX, "t": TEXT_MAX})


def _allocate(community: Area, count: int) -> list[str]:
    """Next serials in the community, under a lock on the community row (one allocator)."""
    Area.objects.unscoped().select_for_update().filter(code=community.code).exists()
    last = (Address.objects.unscoped().filter(community_id=community.code)
            .order_by("-code").values_list("code", flat=True).first())
    start = int(last[12:]) + 1 if last else 1
    if start + count > 10**SERIAL_DIGITS:
        raise AddressError(_("社区地址编码已用尽"))
    return [f"{community.code}{n:0{SERIAL_DIGITS}d}" for n in range(start, start + count)]


def _area_for(community: Area, parent: Address | None, lon: float | None, lat: float | None) -> str:
    """The grid that holds the point, if it is in this community; else the parent's area."""
    if lon is not None and lat is not None:
        grid = lookup.locate(lon, lat)
        if grid and grid.startswith(community.code):
            return grid
    return parent.area_id if parent is not None else community.code


def ensure_address(
    *, community: Area, components: Sequence[tuple[str, str]], lon: float | None = None,
    lat: float | None = None, grid: Area | None = None,
) -> Address:
    """The address for this chain of (kind, name) in the community, creating missing nodes.
    The leaf takes the grid holding its point (or the given grid); other new nodes inherit."""
    if community.level != Level.COMMUNITY:
        raise AddressError(_("标准地址应建在社区之下"))
    components = [(kind, normalise(kind, name)) for kind, name in components]
    check_order(components)
    if grid is not None and (grid.level != Level.GRID or grid.parent_id != community.code):
        raise AddressError(_("网格“%(g)s”不属于社区“%(c)s”") % {"g": grid.code, "c": community.code})
    keys = _key(components)
    with transaction.atomic():
        existing = {a.path_key: a for a in Address.objects.unscoped().filter(
            community_id=community.code, path_key__in=keys)}
        missing = [i for i, k in enumerate(keys) if k not in existing]
        codes = iter(_allocate(community, len(missing))) if missing else iter(())
        parent: Address | None = None
        text = ""
        for i, ((kind, name), key) in enumerate(zip(components, keys, strict=True)):
            text += name
            node = existing.get(key)
            if node is None:
                leaf = i == len(components) - 1
                area = grid.code if (leaf and grid is not None) else _area_for(
                    community, parent, lon if leaf else None, lat if leaf else None)
                node = Address.objects.create(
                    code=next(codes), kind=kind, name=name, parent=parent, community_id=community.code,
                    area_id=area, full_text=text, path_key=key,
                    lon=lon if leaf else None, lat=lat if leaf else None,
                )
            parent = node
    return parent


def ensure_many(*, community: Area, chains: Sequence[tuple[Sequence[tuple[str, str]], float | None, float | None,
                                                          str | None]]) -> list[Address]:
    """Many addresses of one community at once (imports, the demo city): one query for what
    exists, codes allocated in one go, nodes created level by level. Each chain is
    (components, lon, lat, grid code or None); the leaves are returned in order."""
    normalised = []
    for components, lon, lat, grid in chains:
        parts = [(kind, normalise(kind, name)) for kind, name in components]
        check_order(parts)
        normalised.append((parts, lon, lat, grid))
    wanted: dict[str, tuple[str, str, str | None, float | None, float | None, str | None, str]] = {}
    for parts, lon, lat, grid in normalised:
        keys = _key(parts)
        text = ""
        for i, ((kind, name), key) in enumerate(zip(parts, keys, strict=True)):
            text += name
            leaf = i == len(parts) - 1
            if key not in wanted or leaf:
                wanted[key] = (kind, name, keys[i - 1] if i else None, lon if leaf else None,
                               lat if leaf else None, grid if leaf else None, text)
    with transaction.atomic():
        existing = {a.path_key: a for a in Address.objects.unscoped().filter(
            community_id=community.code, path_key__in=list(wanted))}
        missing = sorted((k for k in wanted if k not in existing), key=lambda k: (k.count("/"), k))
        codes = iter(_allocate(community, len(missing))) if missing else iter(())
        by_depth: dict[int, list[str]] = {}
        for key in missing:
            by_depth.setdefault(key.count("/"), []).append(key)
        for depth in sorted(by_depth):
            batch = []
            for key in by_depth[depth]:
                kind, name, parent_key, lon, lat, grid, text = wanted[key]
                parent = existing.get(parent_key) if parent_key else None
                area = grid or (parent.area_id if parent is not None else community.code)
                batch.append(Address(code=next(codes), kind=kind, name=name, parent=parent,
                                     community_id=community.code, area_id=area, full_text=text, path_key=key,
                                     lon=lon, lat=lat))
            for address in Address.objects.bulk_create(batch, batch_size=2000):
                existing[address.path_key] = address
    return [existing[_key(parts)[-1]] for parts, _lon, _lat, _grid in normalised]
