import pytest

from gongzhi.areas import codes


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("510100000000", "city", True),
        ("510107000000", "district", True),
        ("510107001000", "subdistrict", True),
        ("510107001001", "community", True),
        ("510107001001001", "grid", True),
        ("51010700100", "community", False),  # 11 digits
        ("5101070010010", "community", False),  # 13 digits
        ("51010700100a", "community", False),
        ("510107001001", "grid", False),  # a grid has 15 digits
        ("510107000000", "subdistrict", False),  # own segment all zeros
        ("510107001001", "subdistrict", False),  # digits after its level
        ("510107001001000", "grid", False),
        ("510107001001", "village", False),
    ],
)
def test_code_must_fit_its_level(code, level, ok):
    assert (codes.level_problem(code, level) is None) is ok


def test_child_code_must_continue_the_parent_prefix():
    assert codes.parent_problem("510107001000", "subdistrict", "510107000000", "district") is None
    assert codes.parent_problem("510104001000", "subdistrict", "510107000000", "district")
    assert codes.parent_problem("510107001001001", "grid", "510107001000", "subdistrict")
    assert codes.parent_problem("510107000000", "district", "510107001000", "subdistrict")
    # A county directly under a province (省直辖) skips the city level.
    assert codes.parent_problem("429004000000", "district", "420000000000", "province") is None


def test_prefix_is_the_ancestry():
    assert codes.prefix("510107000000", "district") == "510107"
    assert codes.prefix("510107001001001", "grid") == "510107001001001"
