from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from govhall.core import errors
from govhall.core.identifiers import (
    id_number_with_check,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
    normalize_region_code,
    normalize_uscc,
    region_prefix,
    uscc_with_check,
)

VALID_ID = id_number_with_check("34160220000307123")
VALID_USCC = "91110000600037341L"


def test_valid_id_number_is_normalized():
    assert normalize_id_number(VALID_ID) == VALID_ID
    lower = id_number_with_check("11010519491231002").lower()
    assert normalize_id_number(lower) == lower.upper()
    assert normalize_id_number(" ３４" + VALID_ID[2:]) == VALID_ID  # full-width digits


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "18位"),
        ("34160219900307", "18位"),
        (VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"), "校验位"),
        ("3416021990030712A3", "前17位"),
        (id_number_with_check("34160220001345123"), "出生日期"),
    ],
)
def test_invalid_id_numbers_explain_what_is_wrong(value, fragment):
    with pytest.raises(errors.ValidationError) as info:
        normalize_id_number(value)
    assert fragment in info.value.message
    assert info.value.fields == {"id_number": [info.value.message]}


@given(st.integers(min_value=0, max_value=9), st.integers(min_value=0, max_value=16))
def test_any_single_digit_typo_in_an_id_number_is_refused(digit, position):
    original = VALID_ID
    if original[position] == str(digit):
        return
    typo = original[:position] + str(digit) + original[position + 1 :]
    with pytest.raises(errors.ValidationError):
        normalize_id_number(typo)


def test_uscc_validation():
    assert normalize_uscc(VALID_USCC.lower()) == VALID_USCC
    with pytest.raises(errors.ValidationError, match="校验位"):
        normalize_uscc(VALID_USCC[:-1] + "A")
    with pytest.raises(errors.ValidationError, match="18位"):
        normalize_uscc("9111000060003734")
    with pytest.raises(errors.ValidationError, match="字符"):
        normalize_uscc("91110000I00037341L")
    assert normalize_uscc(uscc_with_check("11341600MB1234567")).startswith("11341600")


def test_masking_keeps_only_what_identifies_nothing():
    assert mask_id_number("34160220000307123X") == "3416**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**"
    assert mask_id_number("") == mask_phone("") == ""


def test_region_codes_and_prefixes():
    assert normalize_region_code("341602") == "341602000000"
    with pytest.raises(errors.ValidationError):
        normalize_region_code("34160")
    assert region_prefix("340000000000") == "34"
    assert region_prefix("341600000000") == "3416"
    assert region_prefix("341610000000") == "341610"  # never the sibling 341611
    assert region_prefix("341602001000") == "341602001"
    assert region_prefix("341602001002") == "341602001002"


def test_a_region_code_newer_than_the_birth_date_is_accepted():
    # 谯城区 (341602) exists since 2000; people registered late carry it with an earlier birth.
    late = id_number_with_check("34160219900307123")
    assert not ric.is_valid(late)  # python-stdnum alone refuses it
    assert normalize_id_number(late) == late


def test_an_unknown_region_code_is_still_refused():
    with pytest.raises(errors.ValidationError, match="地区码"):
        normalize_id_number(id_number_with_check("99160219900307123"))


def test_id_number_quick_checks_shape_check_digit_and_birth_date():
    from govhall.core.identifiers import id_number_quick, id_number_with_check

    valid = id_number_with_check("34160219900101123")
    assert id_number_quick(valid) == valid
    assert id_number_quick(valid.lower()) == valid
    assert id_number_quick(valid[:-1] + ("0" if valid[-1] != "0" else "1")) is None
    assert id_number_quick(id_number_with_check("34160219901301123")) is None  # month 13
    assert id_number_quick(valid[:17]) is None
    assert id_number_quick("") is None
