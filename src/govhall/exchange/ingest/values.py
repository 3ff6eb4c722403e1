"""The rules for one value, in Python: the portable validator and the reference for the SQL.

Every rule here has a twin in ``pg.py`` (SQL expressions and the functions of migration 0002);
the tests feed the same tricky files to both and compare every decision.

A value is first *normalized*: leading and trailing spaces removed, ``""`` is empty (``None``),
identifiers upper-cased. Then it is checked by its type, and stored typed in ``Record.data``:

==============  =====================================================  ====================
type            accepted                                               stored as
==============  =====================================================  ====================
text            anything, at most ``max_length`` characters if set     string
integer         optional sign, 1 to 18 digits                          number
decimal         optional sign, digits, optional ``.digits``; <= 40     number, trailing
                characters                                             fractional zeros
                                                                       dropped (12.50 → 12.5)
date            ``YYYY-MM-DD``, a real calendar date                   string ``YYYY-MM-DD``
boolean         是/否, true/false (any case), 1/0                      true / false
id_number       GB 11643: 18 characters, check digit (MOD 11-2), a     string, upper case
                real birth date not after today
uscc            GB 32100: 18 characters, check character (MOD 31)      string, upper case
region_code     12 digits, or 6 (padded with zeros); not ``00…``       string of 12 digits
==============  =====================================================  ====================

An empty optional value is stored as ``null`` (every field of the resource is a key of
``data``). Decimals are JSON numbers written exactly as normalized, so no precision is lost on
either database; Python readers receive them as ``float``.

Difference from ``core.identifiers.normalize_id_number``: the region code of an ID number is
*not* looked up. python-stdnum requires the six-digit code to have existed in the birth year
(its historical GB/T 2260 table), which cannot be expressed as a set-based SQL check; here, as in
the SQL, the region part only has to be digits, and the birth date must be real and not in the
future. Full-width characters and inner spaces are not repaired either: a registry file is
machine-made, and what is loaded is exactly what was checked.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date"
BOOLEAN = "boolean"
ID_NUMBER = "id_number"
USCC = "uscc"
REGION_CODE = "region_code"

TRUE_WORDS = ("true", "1", "是")
FALSE_WORDS = ("false", "0", "否")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DECIMAL_MAX_LENGTH = 40

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DIGITS = re.compile(r"[0-9]+")

# problem codes (stored with each rejection; the reason text is made from them)
REQUIRED = "required"
TOO_LONG = "too_long"
KEY_TOO_LONG = "key_too_long"
VALID_RANGE = "valid_range"
DUPLICATE = "duplicate"


def normalize(raw: str | None, value_type: str) -> str | None:
    """Spaces trimmed, empty → None, identifiers upper-cased (``x`` → ``X``)."""
    if raw is None:
        return None
    value = raw.strip(" ")
    if not value:
        return None
    if value_type in (ID_NUMBER, USCC):
        return value.upper()
    return value


def _digits(value: str) -> bool:
    return bool(_DIGITS.fullmatch(value))


def ymd_ok(year: str, month: str, day: str) -> bool:
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def ric_problem(value: str, today: dt.date) -> str | None:
    """GB 11643 by python-stdnum's steps (length, digits, check digit, birth date)."""
    if len(value) != 18:
        return "id_length"
    if not _digits(value[:17]):
        return "id_format"
    if value[17] != ric.calc_check_digit(value):
        return "id_checksum"
    try:
        born = ric.get_birth_date(value)
    except StdnumError:
        return "id_birth_date"
    if born > today:
        return "id_birth_date"
    return None


def uscc_problem(value: str) -> str | None:
    """GB 32100 by python-stdnum's steps (length, alphabet, check character)."""
    if len(value) != 18:
        return "uscc_length"
    if not _digits(value[:8]) or any(char not in USCC_ALPHABET for char in value[8:]):
        return "uscc_format"
    if value[17] != uscc.calc_check_digit(value):
        return "uscc_checksum"
    return None


def date_ok(value: str) -> bool:
    match = _DATE.fullmatch(value)
    return bool(match) and ymd_ok(*match.groups())


def region_ok(value: str) -> bool:
    return len(value) in (6, 12) and _digits(value) and not value.startswith("00")


def type_problem(value: str, value_type: str, today: dt.date) -> str | None:
    """The problem code of a non-empty normalized value, or None."""
    if value_type == ID_NUMBER:
        return ric_problem(value, today)
    if value_type == USCC:
        return uscc_problem(value)
    ok = {
        TEXT: lambda: True,
        INTEGER: lambda: bool(_INTEGER.fullmatch(value)),
        DECIMAL: lambda: len(value) <= DECIMAL_MAX_LENGTH and bool(_DECIMAL.fullmatch(value)),
        DATE: lambda: date_ok(value),
        BOOLEAN: lambda: value.lower() in TRUE_WORDS + FALSE_WORDS,
        REGION_CODE: lambda: region_ok(value),
    }[value_type]()
    return None if ok else value_type


def decimal_text(value: str) -> str:
    """``+007.50`` → ``7.5``; ``-0.0`` → ``0``; as PostgreSQL's ``trim_scale(numeric)``."""
    number = Decimal(value)
    if number == 0:
        return "0"
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def typed(value: str, value_type: str) -> str | int | bool | Decimal:
    """The value as stored in ``data`` (decimals as Decimal, written as JSON numbers)."""
    if value_type == INTEGER:
        return int(value)
    if value_type == DECIMAL:
        return Decimal(decimal_text(value))
    if value_type == BOOLEAN:
        return value.lower() in TRUE_WORDS
    if value_type == REGION_CODE:
        return value.ljust(12, "0")
    return value


def canonical_text(value: str, value_type: str) -> str:
    """The value as a record key or group key (the text of the stored value)."""
    if value_type == DECIMAL:
        return decimal_text(value)
    stored = typed(value, value_type)
    if isinstance(stored, bool):
        return "true" if stored else "false"
    return str(stored)


def reason(code: str, *, max_length: int | None = None, other_line: int | None = None) -> str:
    """The reason shown to the data officer for a problem code."""
    if code == TOO_LONG:
        return _("超过最大长度 %(n)s 个字符。") % {"n": max_length}
    if code == KEY_TOO_LONG:
        return _("用作记录标识或分组标识时不能超过 %(n)s 个字符。") % {"n": max_length}
    if code == DUPLICATE:
        return _("与第 %(line)s 行的主体标识(及记录标识)重复,两行均未入库。") % {"line": other_line}
    return str(REASONS.get(code, code))


REASONS = {
    REQUIRED: gettext_lazy("必填项为空。"),
    INTEGER: gettext_lazy("应为整数(最多18位数字)。"),
    DECIMAL: gettext_lazy("应为数值,例如 12 或 12.5。"),
    DATE: gettext_lazy("应为有效日期,格式为 YYYY-MM-DD。"),
    BOOLEAN: gettext_lazy("应为“是/否”“true/false”或“1/0”。"),
    REGION_CODE: gettext_lazy("行政区划代码应为12位数字(或6位)。"),
    VALID_RANGE: gettext_lazy("有效期止早于有效期起。"),
    "id_length": gettext_lazy("身份证号应为18位。"),
    "id_format": gettext_lazy("身份证号前17位应为数字。"),
    "id_checksum": gettext_lazy("身份证号校验位不正确。"),
    "id_birth_date": gettext_lazy("身份证号中的出生日期无效或晚于今天。"),
    "uscc_length": gettext_lazy("统一社会信用代码应为18位。"),
    "uscc_format": gettext_lazy("统一社会信用代码含有不允许的字符。"),
    "uscc_checksum": gettext_lazy("统一社会信用代码校验位不正确。"),
}
