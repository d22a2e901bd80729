"""Names in pinyin and initials, for search by "zhangsan" or "zs".

Surnames have readings of their own (曾 zēng, not céng; 单 shàn, 解 xiè): the first one or two
characters are read from the surname table when they are a surname. Characters are converted
one at a time through a cache, which keeps a million-row import fast; given names lose phrase
context, which matters little for search.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = {
    "欧阳": "ouyang", "司马": "sima", "上官": "shangguan", "诸葛": "zhuge", "东方": "dongfang",
    "皇甫": "huangfu", "尉迟": "yuchi", "公孙": "gongsun", "慕容": "murong", "长孙": "zhangsun",
    "令狐": "linghu", "夏侯": "xiahou", "澹台": "tantai", "万俟": "moqi", "宇文": "yuwen", "司徒": "situ",
}
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou",
    "盖": "ge", "乐": "yue", "覃": "qin", "繁": "po", "员": "yun", "缪": "miao", "翟": "zhai",
    "秘": "bi", "种": "chong", "尉": "yu", "召": "shao", "折": "she", "莘": "shen", "郇": "huan",
    "眭": "sui", "隗": "wei", "柏": "bai", "薄": "bo", "卜": "bu", "长": "chang", "重": "chong",
    "调": "diao", "都": "du", "么": "yao", "宁": "ning",
}


@lru_cache(maxsize=20000)
def _char(ch: str) -> str:
    if not ("\u3400" <= ch <= "\u9fff"):
        return ch.lower() if ch.isalnum() else ""
    reading = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return reading[0] if reading else ""


@lru_cache(maxsize=200000)
def syllables(name: str) -> tuple[str, ...]:
    """Pinyin syllables of a name, surname read as a surname."""
    name = name.strip()
    if not name:
        return ()
    if name[:2] in COMPOUND_SURNAMES:
        head, rest = [COMPOUND_SURNAMES[name[:2]]], name[2:]
    elif name[0] in SURNAME_READINGS:
        head, rest = [SURNAME_READINGS[name[0]]], name[1:]
    else:
        head, rest = [], name
    return tuple(s for s in head + [_char(c) for c in rest] if s)


def pinyin_and_initials(name: str) -> tuple[str, str]:
    """("zhangsanfeng", "zsf") for 张三丰; ("ouyangxiu", "oyx") for 欧阳修 (each syllable's
    initial letter: compound surnames give one letter per character)."""
    parts = syllables(name)
    full = "".join(parts)
    initials = []
    if name[:2] in COMPOUND_SURNAMES:
        initials += [_char(name[0])[:1] or parts[0][:1], _char(name[1])[:1]]
        parts = parts[1:]
    initials += [p[:1] for p in parts]
    return full, "".join(initials)
