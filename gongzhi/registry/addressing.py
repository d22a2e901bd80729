"""Free-text Chinese addresses cut into their parts.

"成都市武侯区桂溪街道天府大道北段1700号环球中心E1栋2单元1503" → the administrative prefix
(成都市 › 武侯区 › 桂溪街道, resolved to area codes by `places`), then road 天府大道北段,
number 1700号, estate 环球中心, building E1栋, unit 2单元, room 1503. The text is always read
within one city or district, which settles names that repeat across China (朝阳区, 鼓楼区).

Numbers are cut out first and only then converted from Chinese numerals, so 文一西路 stays a
road name. Parts are normalised exactly as stored (addresses.normalise), so a parsed address
compares equal to the standard one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .addresses import normalise
from .models import AddressKind

_NUM = r"[0-9零〇一二三四五六七八九十百千两]+"
_ROAD = re.compile(rf"^(?P<road>.+?(?:大道|大街|路|街|巷|胡同|弄|道)(?:[东西南北中]?{_NUM}段|[东西南北中]段)?)")
_NUMBER = re.compile(rf"^(?P<number>{_NUM}(?:[-之附]{_NUM})?)号(?:院)?")
_BUILDING = re.compile(rf"(?P<building>[A-Z]?{_NUM}[A-Z]?|[A-Z])(?:号楼|栋|幢|座)")
_UNIT = re.compile(rf"^(?P<unit>{_NUM})单元")
_FLOOR = re.compile(rf"^(?P<floor>-?{_NUM})(?:层|楼)(?=\d)")
_ROOM = re.compile(r"^(?P<room>[A-Z]?\d+[A-Z]?)(?:室|号|房)?$")
_PROVINCE = re.compile(
    r"^(?:北京市?|天津市?|上海市?|重庆市?|河北省?|山西省?|辽宁省?|吉林省?|黑龙江省?|江苏省?|浙江省?|安徽省?|福建省?"
    r"|江西省?|山东省?|河南省?|湖北省?|湖南省?|广东省?|海南省?|四川省?|贵州省?|云南省?|陕西省?|甘肃省?|青海省?|台湾省?"
    r"|内蒙古(?:自治区)?|广西(?:壮族自治区)?|西藏(?:自治区)?|宁夏(?:回族自治区)?|新疆(?:维吾尔自治区)?"
    r"|香港(?:特别行政区)?|澳门(?:特别行政区)?)(?=.)"
)
_NOISE = re.compile(r"[\s,，。.、;；:：()（）\[\]【】\"“”'‘’#＃]+")


@dataclass
class ParsedAddress:
    text: str
    place: str = ""  # the administrative prefix as written
    components: list[tuple[str, str]] = field(default_factory=list)
    rest: str = ""  # what could not be read

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.components]


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").upper()
    return _NOISE.sub("", text)


def drop_province(text: str) -> str:
    """A leading province name: the text is always read within one city, so it adds nothing."""
    return _PROVINCE.sub("", text, count=1)


def parse(text: str, *, strip_place=None) -> ParsedAddress:
    """Cuts `text` into standard address parts. `strip_place(text) -> (prefix, rest)` removes the
    administrative prefix (see matching.PlaceIndex); without it the whole text is parts."""
    cleaned = clean(text)
    result = ParsedAddress(text=cleaned)
    rest = cleaned
    if strip_place is not None:
        result.place, rest = strip_place(rest)
    parts: list[tuple[str, str]] = []
    match = _ROAD.match(rest)
    if match and not _NUMBER.match(rest):
        parts.append((AddressKind.ROAD, match["road"]))
        rest = rest[match.end():]
    match = _NUMBER.match(rest)
    if match:
        parts.append((AddressKind.NUMBER, match["number"] + "号"))
        rest = rest[match.end():]
    building = _BUILDING.search(rest)
    if building:
        estate = rest[: building.start()]
        if estate:
            parts.append((AddressKind.ESTATE, estate))
        parts.append((AddressKind.BUILDING, building["building"]))
        rest = rest[building.end():]
    elif rest and not _ROOM.match(rest) and not _UNIT.match(rest):
        # No building: what follows the number is an estate, or a room after it.
        room = re.search(r"(\d+)(?:室|号|房)?$", rest)
        estate = rest[: room.start()] if room else rest
        if estate:
            parts.append((AddressKind.ESTATE, estate))
        rest = rest[room.start():] if room else ""
    for kind, pattern in ((AddressKind.UNIT, _UNIT), (AddressKind.FLOOR, _FLOOR), (AddressKind.ROOM, _ROOM)):
        match = pattern.match(rest)
        if match:
            parts.append((kind, match[kind.value]))
            rest = rest[match.end():]
    result.components = [(kind, normalise(kind, name)) for kind, name in parts]
    result.rest = rest
    return result
