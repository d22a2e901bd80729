"""Matching free-text addresses to the standard address, with a confidence.

1. The administrative prefix is read against the place names under the city or district the
   text is read in (full and short names), giving the smallest area named.
2. The rest is cut into parts (addressing.parse) and looked up as a path in the address tree
   of that area. An exact path is certain. A text that starts below the road ("锦绣花园1栋…")
   is anchored on the estate or building of that name. A road or estate name one character off
   from a stored one (or a known alias) is repaired. Otherwise the longest stored prefix is a
   candidate, and the text goes to the review queue.
3. A text a reviewer has matched once matches by itself afterwards (an alias of kind "text").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.areas import codes
from gongzhi.areas.models import Area, Level

from . import addressing
from .models import Address, AddressAlias, AddressKind, AddressReview, ReviewStatus

CERTAIN = 0.9
_PLACE_LEVELS = ("province", "city", "district", "subdistrict", "community")


@dataclass
class Candidate:
    address: Address
    score: float

    def as_json(self) -> dict[str, Any]:
        return {"code": self.address.code, "full_text": self.address.full_text, "score": round(self.score, 2)}


@dataclass
class Match:
    text: str
    area: Area  # the smallest area the text was read into
    parsed: addressing.ParsedAddress
    address: Address | None = None
    confidence: float = 0.0
    how: str = ""
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def certain(self) -> bool:
        return self.address is not None and self.confidence >= CERTAIN


class PlaceIndex:
    """Place names under (and above) one area, for reading an address's administrative prefix."""

    def __init__(self, within: Area) -> None:
        self.within = within
        self.names: dict[str, list[tuple[str, str]]] = {}
        ancestors = [within.code[: codes.PREFIX_LENGTHS[level]].ljust(12, "0")
                     for level in _PLACE_LEVELS if codes.rank(level) < codes.rank(within.level)]
        rows = Area.objects.unscoped().filter(code__startswith=within.prefix, level__in=_PLACE_LEVELS)
        rows = list(rows.values_list("code", "level", "name", "short_name"))
        rows += list(Area.objects.unscoped().filter(code__in=ancestors).values_list("code", "level", "name",
                                                                                   "short_name"))
        for code, level, name, short in rows:
            for variant in {name, short} - {""}:
                self.names.setdefault(addressing.clean(variant), []).append((code, level))
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    def strip(self, text: str) -> tuple[str, str, Area]:
        """(prefix, rest, smallest area named). At each position the longest known name wins:
        a place below the current one goes deeper (if the name is unique there), the current
        place or one above it ("四川省成都市" read within 成都市) is passed over."""
        current = self.within
        position = 0
        while True:
            for length in self.lengths:
                entries = self.names.get(text[position:position + length])
                if not entries:
                    continue
                deeper = [code for code, _ in entries if code.startswith(current.prefix) and code != current.code]
                above = [code for code, level in entries if current.code.startswith(codes.prefix(code, level))]
                if len(deeper) == 1:
                    current = Area.objects.unscoped().get(code=deeper[0])
                elif not deeper and not above:
                    continue  # a place elsewhere: not part of this prefix
                position += length
                break
            else:
                return text[:position], text[position:], current


@lru_cache(maxsize=64)
def _index(code: str, version: int) -> PlaceIndex:
    return PlaceIndex(Area.objects.unscoped().get(code=code))


def place_index(within: Area) -> PlaceIndex:
    from gongzhi.areas.lookup import current_version

    return _index(within.code, current_version())


def _communities(area: Area) -> list[str]:
    if area.level == Level.GRID:
        return [area.parent_id]
    if area.level == Level.COMMUNITY:
        return [area.code]
    return list(Area.objects.unscoped().filter(level=Level.COMMUNITY, code__startswith=area.prefix)
                .values_list("code", flat=True))


def _keys(components: list[tuple[str, str]], base: str = "") -> list[str]:
    keys, path = [], base
    for kind, name in components:
        path = f"{path}/{kind}:{name}" if path else f"{kind}:{name}"
        keys.append(path)
    return keys


def _one_off(a: str, b: str) -> bool:
    """One substitution, insertion or deletion apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


class Matcher:
    """Matches texts read within one area (usually the user's city or district)."""

    def __init__(self, within: Area) -> None:
        self.within = within
        self.places = place_index(within)

    def match(self, text: str) -> Match:
        cleaned = addressing.clean(text)
        _, rest, area = self.places.strip(addressing.drop_province(cleaned))
        parsed = addressing.parse(rest)
        result = Match(text=text, area=area, parsed=parsed)
        communities = _communities(area)
        alias = (AddressAlias.objects.unscoped().filter(kind="text", name=cleaned, address__community_id__in=communities)
                 .select_related("address").first())
        if alias is not None:
            return self._found(result, [alias.address], 1.0, "alias")
        if not parsed.components or parsed.rest:
            return self._partial(result, communities)
        components = self._with_aliases(parsed.components, communities)
        found = self._exact(components, communities)
        if found:
            return self._found(result, found, 1.0, "exact")
        repaired = self._repaired(components, communities)
        if repaired:
            return self._found(result, repaired, CERTAIN, "repaired")
        return self._partial(result, communities, components)

    def _found(self, result: Match, found: list[Address], score: float, how: str) -> Match:
        result.candidates = [Candidate(a, score / len(found)) for a in found]
        if len(found) == 1:
            result.address, result.confidence, result.how = found[0], score, how
        else:
            result.confidence, result.how = score / len(found), "ambiguous"
        return result

    def _exact(self, components, communities) -> list[Address]:
        qs = Address.objects.unscoped().filter(community_id__in=communities)
        found = list(qs.filter(path_key=_keys(components)[-1]))
        if found or components[0][0] == AddressKind.ROAD:
            return found
        # The text starts below the road: anchor on the first part, then follow the rest.
        kind, name = components[0]
        anchors = list(qs.filter(kind=kind, name=name)[:20])
        wanted = [(a.community_id, _keys(components[1:], a.path_key)[-1] if components[1:] else a.path_key)
                  for a in anchors]
        if not wanted:
            return []
        return [a for a in qs.filter(path_key__in=[k for _, k in wanted]) if (a.community_id, a.path_key) in wanted]

    def _with_aliases(self, components, communities):
        out = []
        for kind, name in components:
            alias = (AddressAlias.objects.unscoped().filter(kind=kind, name=name,
                                                            address__community_id__in=communities)
                     .select_related("address").first())
            out.append((kind, alias.address.name if alias else name))
        return out

    def _repaired(self, components, communities) -> list[Address]:
        """Tries every stored road or estate name one character away from the written one."""
        for i, (kind, name) in enumerate(components):
            if kind not in (AddressKind.ROAD, AddressKind.ESTATE):
                continue
            stored = (Address.objects.unscoped().filter(community_id__in=communities, kind=kind)
                      .values_list("name", flat=True).distinct())
            for other in stored:
                if _one_off(name, other):
                    fixed = [*components[:i], (kind, other), *components[i + 1:]]
                    found = self._exact(fixed, communities)
                    if found:
                        return found
        return []

    def _partial(self, result: Match, communities, components=None) -> Match:
        """The deepest stored part of the path, as a candidate for the reviewer."""
        components = components or result.parsed.components
        result.how = "partial"
        if not components:
            return result
        qs = Address.objects.unscoped().filter(community_id__in=communities)
        keys = _keys(components)
        for depth in range(len(keys) - 1, 0, -1):
            found = list(qs.filter(path_key=keys[depth - 1])[:5])
            if found:
                score = 0.5 * depth / len(keys)
                result.candidates = [Candidate(a, score) for a in found]
                result.confidence = score
                return result
        return result


def enqueue(match: Match, *, source: str) -> AddressReview:
    """Puts an uncertain match in the review queue of the smallest area it was read into."""
    return AddressReview.objects.create(raw_text=match.text[:300], source=source, area_id=match.area.code,
                                        candidates=[c.as_json() for c in match.candidates])


@transaction.atomic
def resolve(*, actor: Any, review: AddressReview, address: Address) -> AddressReview:
    """The reviewer's answer; the text becomes an alias of the address so it matches next time."""
    from gongzhi.accounts import scoping

    review.status, review.address = ReviewStatus.RESOLVED, address
    review.resolved_by, review.resolved_at = actor, timezone.now()
    review.save()
    AddressAlias.objects.unscoped().get_or_create(kind="text", name=addressing.clean(review.raw_text),
                                                  address=address, defaults={"area_id": address.area_id})
    scoping.ensure_in_scope(review, actor)
    scoping.ensure_in_scope(address, actor)
    return review


@transaction.atomic
def dismiss(*, actor: Any, review: AddressReview) -> AddressReview:
    review.status, review.resolved_by, review.resolved_at = ReviewStatus.DISMISSED, actor, timezone.now()
    review.save()
    return review


def reading_area(user: Any) -> Area | None:
    """The city a user's addresses are read in: the city of their first area (or department)."""
    from gongzhi.accounts import scoping

    for grant in scoping.grants(user):
        prefix = grant.area_prefix or grant.department_area_prefix
        if prefix:
            code = prefix[:4].ljust(12, "0") if len(prefix) >= 4 else prefix.ljust(12, "0")
            return Area.objects.unscoped().filter(code=code).first() or Area.objects.unscoped().filter(
                code=prefix.ljust(12, "0")[:12]).first()
    return None


def find_address(user: Any, text: str, matcher: Matcher | None = None) -> tuple[Address | None, str]:
    """The standard address a person typed (its code, or text that matches with certainty), in
    the user's scope: (address, "") or (None, why not) in the user's language."""
    from django.utils.translation import gettext as _

    from gongzhi.accounts import scoping

    text = (text or "").strip()
    if not text:
        return None, _("必填")
    if text.isdigit() and len(text) == 19:
        address = scoping.scoped(Address, user).filter(code=text).first()
        return (address, "") if address else (None, _("地址编码“%(c)s”不存在或不在您的管辖范围") % {"c": text})
    if matcher is None:
        within = reading_area(user)
        if within is None:
            return None, _("您的账号没有所属区域，无法匹配地址")
        matcher = Matcher(within)
    match = matcher.match(text)
    if not match.certain:
        nearest = match.candidates[0].address.full_text if match.candidates else _("无")
        return None, _("地址无法确定匹配到标准地址（最接近：%(c)s），请改填地址编码或先在待核地址中处理") % {"c": nearest}
    if not scoping.scoped(Address, user).filter(pk=match.address.pk).exists():
        return None, _("地址不在您的管辖范围")
    return match.address, ""
