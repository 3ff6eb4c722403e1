"""One value of one form field: type check, rules, normalization (see :mod:`govhall.cases.formdef`).

:func:`field_clean` turns what a browser posted or an API client sent into the cleaned JSON value
(or raises :class:`FieldInvalid` with the message for the applicant). Emptiness is not an error
here; the caller decides whether the field is required and visible.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.identifiers import normalize_id_number, normalize_region_code, normalize_uscc

TYPES = (
    "text",
    "textarea",
    "integer",
    "decimal",
    "date",
    "select",
    "multiselect",
    "boolean",
    "id_number",
    "uscc",
    "phone",
    "email",
    "region",
)
# Types whose cleaned value formdef.js derives exactly as the server does: only these may be
# named by a show_if condition.
CONDITION_TYPES = frozenset(
    {"text", "textarea", "integer", "decimal", "date", "select", "multiselect", "boolean"}
)
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
MAX_TEXT = 10_000  # hard limit of any string, before anything else is looked at
DEFAULT_DECIMAL_PLACES = 2
MAX_DECIMAL_PLACES = 6

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"([+-]?)([0-9]{1,15})(?:\.([0-9]+))?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"(0[0-9]{2,3})-?([0-9]{7,8})(?:-([0-9]{1,6}))?")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_TRUE = {"true", "on", "1", "yes"}
_FALSE = {"false", "off", "0", "no", ""}


class FieldInvalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = str(message)
        super().__init__(self.message)


def empty_value(field: Mapping[str, Any]) -> Any:
    """What an unanswered field holds in the cleaned data."""
    return {"boolean": False, "multiselect": []}.get(field["type"])


def is_empty(field: Mapping[str, Any], value: Any) -> bool:
    """Unanswered, for the ``required`` rule: a ``boolean`` is answered only when true."""
    return value is None or value is False or value == "" or value == []


def resolve_date(value: str) -> str:
    """A date rule (``min``/``max``): an ISO date, or ``today`` (the server's local date)."""
    return timezone.localdate().isoformat() if value == "today" else value


def _invalid() -> FieldInvalid:
    return FieldInvalid(_("格式不正确。"))


def _string(raw: Any, *, multiline: bool = False) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 10**18:
        raw = str(raw)
    if not isinstance(raw, str):
        raise _invalid()
    if len(raw) > MAX_TEXT:
        raise FieldInvalid(_("内容过长。"))
    text = raw.replace("\r\n", "\n").strip()
    if _BAD_CHARS.search(text) or (not multiline and ("\n" in text or "\r" in text)):
        raise FieldInvalid(_("含有不允许的字符。"))
    return text


def _text(field: Mapping[str, Any], raw: Any) -> str | None:
    text = _string(raw, multiline=field["type"] == "textarea")
    if not text:
        return None
    longest = field.get("max_length", DEFAULT_MAX_LENGTH[field["type"]])
    if len(text) > longest:
        raise FieldInvalid(_("最多填写%(n)s个字。") % {"n": longest})
    if len(text) < field.get("min_length", 0):
        raise FieldInvalid(_("至少填写%(n)s个字。") % {"n": field["min_length"]})
    return text


def _in_range(field: Mapping[str, Any], value: Any) -> None:
    kind = field["type"]
    low, high = field.get("min"), field.get("max")
    if kind == "date":
        low = resolve_date(low) if low is not None else None
        high = resolve_date(high) if high is not None else None
    if low is not None and value < (Decimal(str(low)) if kind == "decimal" else low):
        template = _("不能早于%(v)s。") if kind == "date" else _("不能小于%(v)s。")
        raise FieldInvalid(template % {"v": low})
    if high is not None and value > (Decimal(str(high)) if kind == "decimal" else high):
        template = _("不能晚于%(v)s。") if kind == "date" else _("不能大于%(v)s。")
        raise FieldInvalid(template % {"v": high})


def _integer(field: Mapping[str, Any], raw: Any) -> int | None:
    if isinstance(raw, bool):
        raise FieldInvalid(_("请填写整数。"))
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e18:
        raw = int(raw)
    if isinstance(raw, str):
        raw = _string(raw)
        if not raw:
            return None
        if not _INTEGER.fullmatch(raw):
            raise FieldInvalid(_("请填写整数。"))
        raw = int(raw)
    if not isinstance(raw, int) or abs(raw) >= 10**18:
        raise FieldInvalid(_("请填写整数。"))
    _in_range(field, raw)
    return raw


def _decimal_text(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float | Decimal):
        try:
            return format(Decimal(repr(raw)) if isinstance(raw, float) else raw, "f")
        except (InvalidOperation, ValueError):  # NaN, Infinity
            return None
    if isinstance(raw, int):
        return str(raw) if abs(raw) < 10**18 else None
    return raw if isinstance(raw, str) else None


def _decimal(field: Mapping[str, Any], raw: Any) -> str | None:
    text = _decimal_text(raw)
    if text is None:
        raise FieldInvalid(_("请填写数字。"))
    text = _string(text)
    if not text:
        return None
    match = _DECIMAL.fullmatch(text)
    if not match:
        raise FieldInvalid(_("请填写数字。"))
    sign, whole, fraction = match.group(1), match.group(2), (match.group(3) or "").rstrip("0")
    places = field.get("decimal_places", DEFAULT_DECIMAL_PLACES)
    if len(fraction) > places:
        raise FieldInvalid(_("最多保留%(n)s位小数。") % {"n": places})
    value = Decimal(f"{sign}{whole}.{fraction or '0'}")
    value = abs(value) if value == 0 else value  # no "-0.00"
    _in_range(field, value)
    return f"{value:.{places}f}"


def _date(field: Mapping[str, Any], raw: Any) -> str | None:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    text = _string(raw)
    if not text:
        return None
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        dt.date.fromisoformat(text)
    except ValueError:
        raise FieldInvalid(_("请按“年-月-日”填写日期,如 2026-01-31。")) from None
    _in_range(field, text)
    return text


def _option_values(field: Mapping[str, Any]) -> list[str]:
    return [option["value"] for option in field.get("options", [])]


def _select(field: Mapping[str, Any], raw: Any) -> str | None:
    text = _string(raw)
    if not text:
        return None
    if text not in _option_values(field):
        raise FieldInvalid(_("请从列表中选择。"))
    return text


def _multiselect(field: Mapping[str, Any], raw: Any) -> list[str]:
    if raw is None:
        return []
    chosen = raw if isinstance(raw, list) else [raw]
    picked = {_string(item) for item in chosen} - {""}
    allowed = _option_values(field)
    if picked - set(allowed):
        raise FieldInvalid(_("请从列表中选择。"))
    return [value for value in allowed if value in picked]


def _boolean(field: Mapping[str, Any], raw: Any) -> bool:
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise _invalid()


def _identifier(field: Mapping[str, Any], raw: Any) -> str | None:
    text = _string(raw)
    if not text:
        return None
    normalize = normalize_id_number if field["type"] == "id_number" else normalize_uscc
    try:
        return normalize(text)
    except errors.ValidationError as error:
        raise FieldInvalid(error.message) from None


def _phone(field: Mapping[str, Any], raw: Any) -> str | None:
    text = _string(raw).replace(" ", "")
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        return None
    if _MOBILE.fullmatch(text):
        return text
    match = _LANDLINE.fullmatch(text)
    if match:
        digits = match.group(1) + match.group(2)
        # Area codes 010 and 02x have three digits, every other one four.
        cut = 3 if digits.startswith(("01", "02")) else 4
        local = digits[cut:]
        if len(local) in (7, 8):
            extension = f"-{match.group(3)}" if match.group(3) else ""
            return f"{digits[:cut]}-{local}{extension}"
    raise FieldInvalid(_("请填写11位手机号码,或带区号的固定电话(如 0558-5123456)。"))


def _email(field: Mapping[str, Any], raw: Any) -> str | None:
    text = _string(raw)
    if not text:
        return None
    try:
        validate_email(text)
    except DjangoValidationError:
        raise FieldInvalid(_("电子邮箱格式不正确。")) from None
    return text


def _region(field: Mapping[str, Any], raw: Any) -> str | None:
    text = _string(raw)
    if not text:
        return None
    try:
        return normalize_region_code(text)
    except errors.ValidationError as error:
        raise FieldInvalid(error.message) from None


_CLEANERS = {
    "text": _text,
    "textarea": _text,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "select": _select,
    "multiselect": _multiselect,
    "boolean": _boolean,
    "id_number": _identifier,
    "uscc": _identifier,
    "phone": _phone,
    "email": _email,
    "region": _region,
}


def field_clean(field: Mapping[str, Any], raw: Any) -> Any:
    """The cleaned value of ``raw`` for ``field`` (None, [] or False when empty)."""
    if raw is None:
        return empty_value(field)
    return _CLEANERS[field["type"]](field, raw)


def field_typed(field: Mapping[str, Any], raw: Any) -> Any:
    """Like :func:`field_clean`, but an invalid value counts as empty (for show_if)."""
    try:
        return field_clean(field, raw)
    except FieldInvalid:
        return empty_value(field)
