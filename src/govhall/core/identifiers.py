"""Identifier validation, normalization and masking.

身份证号 (GB 11643) and 统一社会信用代码 (GB 32100) are checked by python-stdnum; never by
hand-written weights. Region codes (GB/T 2260, extended to 12 digits) and item codes are checked by
structure.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.iso7064 import mod_11_2

from govhall.core import errors

# Full-width digits and letters typed on Chinese keyboards (built once: batches normalize
# tens of thousands of numbers).
_FULL_WIDTH = {
    **{ord("０") + i: ord("0") + i for i in range(10)},
    **{ord("Ａ") + i: ord("A") + i for i in range(26)},
    **{ord("ａ") + i: ord("A") + i for i in range(26)},
}


def _normalize(value: str) -> str:
    # Full-width characters, spaces and dashes.
    return value.translate(_FULL_WIDTH).replace(" ", "").replace("-", "").strip().upper()


def normalize_id_number(value: str) -> str:
    """Return the canonical 18-character 身份证号, or raise ValidationError with the reason."""
    number = _normalize(value or "")
    try:
        return ric.validate(number)
    except InvalidLength:
        message = _("身份证号应为18位。")
    except InvalidFormat:
        message = _("身份证号前17位应为数字,最后一位为数字或X。")
    except InvalidChecksum:
        message = _("身份证号校验位不正确,请检查是否输错。")
    except InvalidComponent:
        if _issued_under_a_later_region_code(number):
            return number
        message = _("身份证号中的出生日期或地区码无效。")
    except ValidationError:
        message = _("身份证号无效。")
    raise errors.ValidationError(message, code="invalid_id_number", fields={"id_number": [message]})


def id_number_quick(value: str) -> str | None:
    """The canonical 身份证号 when its shape, ISO 7064 MOD 11-2 check digit and birth date are
    valid, else ``None``: for checking tens of thousands of numbers at once (batch verification).
    Unlike :func:`normalize_id_number` it does not look the region code up in python-stdnum's
    table (the slow part); the registries decide whether the person exists."""
    number = _normalize(value or "")
    if len(number) != 18 or not number[:17].isdigit() or not mod_11_2.is_valid(number):
        return None
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return None
    return number


def _issued_under_a_later_region_code(number: str) -> bool:
    """python-stdnum requires the region code to have existed in the birth year. Numbers issued
    on a late registration carry the code of the registration year (谯城区 341602 dates from 2000;
    someone born in 1990 and registered in 2005 has it). Accept a number whose birth date is valid
    and whose region code existed in *some* period; the check digit was verified already."""
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return False
    info = numdb.get("cn/loc").info(number[:6])
    return any("county" in props for _part, props in info)


def normalize_uscc(value: str) -> str:
    """Return the canonical 18-character 统一社会信用代码, or raise ValidationError."""
    number = _normalize(value or "")
    try:
        return uscc.validate(number)
    except InvalidLength:
        message = _("统一社会信用代码应为18位。")
    except InvalidFormat:
        message = _("统一社会信用代码含有不允许的字符(不使用I、O、Z、S、V)。")
    except InvalidChecksum:
        message = _("统一社会信用代码校验位不正确,请检查是否输错。")
    except ValidationError:
        message = _("统一社会信用代码无效。")
    raise errors.ValidationError(message, code="invalid_uscc", fields={"uscc": [message]})


def is_valid_id_number(value: str) -> bool:
    try:
        normalize_id_number(value)
    except errors.ValidationError:
        return False
    return True


def is_valid_uscc(value: str) -> bool:
    return uscc.is_valid(_normalize(value or ""))


def id_number_with_check(first17: str) -> str:
    """Complete a 17-digit body with its GB 11643 check character (for generators).

    ``ric.calc_check_digit`` expects the number *with* a check position, which it ignores.
    """
    return first17 + ric.calc_check_digit(first17 + "0")


def uscc_with_check(first17: str) -> str:
    """Complete a 17-character body with its GB 32100 check character (for generators)."""
    return first17 + uscc.calc_check_digit(first17)


_REGION = re.compile(r"^\d{12}$")


def normalize_region_code(value: str) -> str:
    """A 12-digit region code: GB/T 2260 six digits, township three, village three."""
    code = (value or "").strip()
    if len(code) == 6 and code.isdigit():
        code += "000000"
    if not _REGION.match(code) or code[:2] == "00":
        message = _("行政区划代码应为12位数字(6位GB/T 2260代码 + 3位乡镇 + 3位村)。")
        raise errors.ValidationError(message, code="invalid_region", fields={"code": [message]})
    return code


def mask_id_number(value: str) -> str:
    """``341602199001011234`` → ``3416**********1234``: region prefix and last four kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``: the family name only."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def region_prefix(code: str) -> str:
    """The prefix every region under ``code`` shares: ``341600000000`` → ``3416``,
    ``341602001000`` → ``341602001``. Trailing zero *groups* only, never single zeros."""
    code = normalize_region_code(code)
    if code[6:] == "000000":
        if code[4:6] == "00":
            return code[:2] if code[2:4] == "00" else code[:4]
        return code[:6]
    if code[9:] == "000":
        return code[:9]
    return code
