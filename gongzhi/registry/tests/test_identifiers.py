"""ID numbers, USCCs and phones: the checks agree with python-stdnum and say what is wrong."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.cn import uscc as std_uscc

from gongzhi.registry.identifiers import IdentifierError, parse_id_number, parse_phone, parse_uscc

from .factories import id_number, uscc


def test_a_valid_id_number_gives_birth_date_and_sex():
    parsed = parse_id_number(id_number("110105", "19491231", "002"))
    assert parsed.birth_date == dt.date(1949, 12, 31) and parsed.sex == "female"
    assert parse_id_number(id_number(serial="001")).sex == "male"


def test_known_real_format_examples():
    assert parse_id_number("11010519491231002X").value == "11010519491231002X"
    assert parse_id_number("11010519491231002x").value.endswith("X")
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").value == "11010519491231002X"  # full width


@pytest.mark.parametrize(("value", "why"), [
    ("1101051949123100", "18位"),
    ("11010519491231002A", "数字或X"),
    ("99010519491231002X", "地区码"),
    ("110105194913310021", "出生日期"),
    ("110105209912310021", "不合理"),
    ("110105194912310021", "校验位"),
    ("110105194912310\U00010a4021", "数字或X"),  # a digit to str.isdigit() that int() refuses (was a 500)
])
def test_bad_id_numbers_say_why(value, why):
    with pytest.raises(IdentifierError, match=why):
        parse_id_number(value)


@settings(max_examples=300)
@given(st.sampled_from(["110105", "510107", "440305", "650102"]),
       st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
       st.integers(0, 999), st.sampled_from("0123456789X"))
def test_id_check_agrees_with_stdnum(region, born, serial, check):
    # stdnum also wants the county to have existed in the birth year; we accept an ID issued
    # under a county since renamed, so the comparison is on the check character.
    value = f"{region}{born:%Y%m%d}{serial:03d}{check}"
    ours = True
    try:
        parse_id_number(value)
    except IdentifierError:
        ours = False
    assert ours == (ric.calc_check_digit(value) == check)


def test_a_valid_uscc():
    code = uscc()
    assert parse_uscc(code.lower()) == code
    assert std_uscc.is_valid(code)
    assert parse_uscc("91110000600037341L") == "91110000600037341L"  # published example


@pytest.mark.parametrize(("value", "why"), [
    ("9111000060003734", "18位"),
    ("91110000600037341I", "不允许"),
    ("9111000060003734XL", "组织机构代码|校验位"),
    ("91110000600037341A", "校验位"),
])
def test_bad_usccs_say_why(value, why):
    with pytest.raises(IdentifierError, match=why):
        parse_uscc(value)


@settings(max_examples=300)
@given(st.sampled_from(["91", "92", "12", "51", "Y1"]), st.sampled_from(["510107", "110000", "440300"]),
       st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
       st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXY"))
def test_uscc_check_agrees_with_stdnum(kind, region, org, last):
    value = uscc(region=region, org=org, kind=kind)[:17] + last
    ours = True
    try:
        parse_uscc(value)
    except IdentifierError:
        ours = False
    assert ours == (std_uscc.calc_check_digit(value) == last)


@pytest.mark.parametrize(("raw", "normal"), [
    ("13812345678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("028-85551234", "028-85551234"),
    ("02885551234", "028-85551234"),
    ("010-12345678", "010-12345678"),
])
def test_phones_are_normalised(raw, normal):
    assert parse_phone(raw) == normal


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "phone", "85551234"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(IdentifierError):
        parse_phone(raw)
