"""One cell: reading a value of a column from a sheet, CSV or JSON, and writing it back.

``parse`` turns what a file holds (text, an Excel number, a JSON value) into the value our model
stores, or raises ``CellError`` with a message for the person who filled the cell. ``render``
does the reverse for the sheet and CSV writers; ``parse(render(v)) == v`` for every stored
value, which is what makes export → import a round trip.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.utils.translation import gettext as _

from govhall.catalog.importexport.columns import Column
from govhall.core.codes import code_table

SEPARATORS = re.compile(r"[;；,，、\n]+")
LIST_SEPARATOR = "；"
TRUE_WORDS = {"是", "1", "y", "yes", "true", "t", "√"}
FALSE_WORDS = {"否", "0", "n", "no", "false", "f", "×"}
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in xlsx, invisible anyway


LIST_KINDS = {"codes", "words", "json"}
KIND_NAMES = {
    "int": "整数",
    "bool": "“是”或“否”",
    "date": "日期",
    "code": "一个代码",
    "json": "JSON 数组",
    "object": "JSON 对象",
}


class CellError(ValueError):
    """The cell's value is wrong; the message says how (shown with sheet, row and column)."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> str:
    """Text as stored: no surrounding blanks, \\n line ends, no control characters."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARS.sub("", text).strip()


def _digits(value: Any, width: int) -> str:
    """An identifier made of digits; Excel may have turned it into a number and lost zeros."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return str(value)
        return str(int(value)).zfill(width)
    return clean_text(value).upper()


def _code(column: Column, value: Any) -> str:
    table = code_table(column.table)
    widths = {len(code) for code in table.codes}
    if isinstance(value, int | float) and not isinstance(value, bool) and len(widths) == 1:
        text = _digits(value, widths.pop())
    else:
        # "01", "01 行政许可" (the template's drop-down), "01-行政许可"
        text = re.split(r"[\s\-:：|]", clean_text(value), maxsplit=1)[0]
    if text not in table:
        raise CellError(
            _("“%(value)s”不是有效的%(table)s代码,可选:%(codes)s")
            % {"value": clean_text(value), "table": table.name, "codes": _choices(column.table)}
        )
    return text


def _choices(table_key: str) -> str:
    return "；".join(f"{code} {label}" for code, label in code_table(table_key).codes.items())


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [clean_text(v) for v in value if not is_blank(v)]
    text = clean_text(value)
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise CellError(_("不是有效的 JSON 数组:%(error)s") % {"error": exc}) from exc
        if not isinstance(items, list):
            raise CellError(_("应为以“；”分隔的多个值或 JSON 数组。"))
        return [clean_text(v) for v in items if not is_blank(v)]
    return [part.strip() for part in SEPARATORS.split(text) if part.strip()]


def _int(column: Column, value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("应为整数。"))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("应为整数。"))
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = clean_text(value)
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise CellError(_("应为不小于0的整数,而不是“%(value)s”。") % {"value": text})
        number = int(text.split(".")[0])
    if number < 0:
        raise CellError(_("不能为负数。"))
    if number > column.max_value:
        raise CellError(_("不能大于%(max)d。") % {"max": column.max_value})
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("应填写“是”或“否”。"))


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CellError(_("日期格式应为 YYYY-MM-DD。")) from exc


def _json(column: Column, value: Any) -> list[Any]:
    if isinstance(value, list):
        items = value
    else:
        text = clean_text(value)
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise CellError(_("不是有效的 JSON:%(error)s") % {"error": exc}) from exc
    if not isinstance(items, list):
        raise CellError(_("应为 JSON 数组([...])。"))
    strings = column.field == "common_errors"
    for index, entry in enumerate(items, start=1):
        if strings and not isinstance(entry, str):
            raise CellError(_("第%(n)d项应为文字。") % {"n": index})
        if not strings and not isinstance(entry, dict):
            raise CellError(_("第%(n)d项应为 JSON 对象({...})。") % {"n": index})
        if column.field == "conditions" and str(entry.get("type", "1")) not in {"1", "2"}:
            raise CellError(_("第%(n)d项的 type 应为 1(申请条件)或 2(禁止性条件)。") % {"n": index})
        if column.field == "fees" and not isinstance(entry.get("waivable", False), bool):
            raise CellError(_("第%(n)d项的 waivable 应为 true 或 false。") % {"n": index})
    return [_clean_json(entry) for entry in items] if strings else items


def _object(value: Any) -> dict[str, Any]:
    """A JSON object cell (a process definition, an application form)."""
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(clean_text(value))
    except ValueError as exc:
        raise CellError(_("不是有效的 JSON:%(error)s") % {"error": exc}) from exc
    if not isinstance(parsed, dict):
        raise CellError(_("应为 JSON 对象({...})。"))
    return parsed


def _clean_json(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def parse(column: Column, value: Any) -> Any:
    """The stored value of a non-blank cell (blank cells are handled by the caller)."""
    kind = column.kind
    if kind == "object":
        return _object(value)
    if isinstance(value, dict) or (isinstance(value, list) and kind not in LIST_KINDS):
        raise CellError(_("格式不对:应为%(kind)s。") % {"kind": KIND_NAMES.get(kind, _("文字"))})
    if kind == "int":
        return _int(column, value)
    if kind == "bool":
        return _bool(value)
    if kind == "date":
        return _date(value)
    if kind == "code":
        code = _code(column, value)
        return int(code) if column.as_int else code
    if kind == "codes":
        codes = _split(value)
        table = code_table(column.table)
        bad = [code for code in codes if code not in table]
        if bad:
            raise CellError(
                _("含无效的%(table)s代码:%(codes)s。可选:%(choices)s")
                % {"table": table.name, "codes": "、".join(bad), "choices": _choices(column.table)}
            )
        return codes
    if kind == "words":
        return _split(value)
    if kind == "json":
        return _json(column, value)
    if kind == "basic_code":
        return _digits(value, 12)
    if kind in {"implementation_code", "uscc", "region"}:
        return _digits(value, 12 if kind == "region" else 0)
    return clean_text(value)


def blank_value(column: Column, default: Any) -> Any:
    """What an empty cell means: the model's default (an empty list, 否, the default code)."""
    if column.kind in {"codes", "words", "json"}:
        return []
    if column.kind == "object":
        return {}
    return default


def render(column: Column, value: Any) -> Any:
    """The cell value written for a stored value: text, or an int for numbers."""
    kind = column.kind
    if value is None or value == [] or value == "" or value == {}:
        return ""
    if kind == "int":
        return int(value)
    if kind == "bool":
        return "是" if value else "否"
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == "code":
        return str(value)
    if kind in {"codes", "words"}:
        items = [str(v) for v in value]
        if any(SEPARATORS.search(v) or v.startswith("[") for v in items):
            return json.dumps(items, ensure_ascii=False)
        return LIST_SEPARATOR.join(items)
    if kind in {"json", "object"}:
        return json.dumps(value, ensure_ascii=False)
    return str(value)
