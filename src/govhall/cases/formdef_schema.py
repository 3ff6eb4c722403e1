"""formdef_check: is a form definition well formed? (the format: :mod:`govhall.cases.formdef`)

Every problem is reported at once, at its path in the definition (``sections.1.fields.3.type``),
so that a catalog administrator can fix a whole definition in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from govhall.cases.formdef_conditions import COMPARISONS, OPS, PRESENCE
from govhall.cases.formdef_fields import (
    CONDITION_TYPES,
    MAX_DECIMAL_PLACES,
    MAX_TEXT,
    TYPES,
    FieldInvalid,
    field_clean,
)
from govhall.core import errors

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,39}")
ACCOUNT_FIELDS = frozenset(
    {"name", "id_number", "uscc", "phone", "email", "legal_representative", "address"}
)
AGGREGATES = {"sum": ("integer", "decimal"), "count": ("integer",), "exists": ("boolean",)}
MAX_ROWS = 200
MAX_DEPTH = 8
TOP_KEYS = {"sections", "title", "description"}
SECTION_KEYS = {"key", "title", "description", "fields", "show_if", "repeat", "source", "row_label"}
FIELD_KEYS = {
    "key", "label", "type", "required", "help", "placeholder", "default", "show_if", "source",
    "options", "widget", "min", "max", "min_length", "max_length", "decimal_places",
}  # fmt: skip
RULES = {
    "options": ("select", "multiselect"),
    "widget": ("select",),
    "min": ("integer", "decimal", "date"),
    "max": ("integer", "decimal", "date"),
    "min_length": ("text", "textarea"),
    "max_length": ("text", "textarea"),
    "decimal_places": ("decimal",),
}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _iso_date(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


class _Checker:
    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}
        self.absolute: dict[str, Mapping[str, Any]] = {}  # "section.field" of plain sections

    def add(self, path: str, message: str) -> None:
        self.problems.setdefault(path, []).append(str(message))

    def unknown_keys(self, path: str, value: Mapping[str, Any], allowed: set[str]) -> None:
        for key in sorted(set(value) - allowed, key=str):
            self.add(f"{path}.{key}", _("未知的配置项。"))

    # --- conditions ---------------------------------------------------------------------------

    def condition(
        self, cond: Any, path: str, row: dict[str, Mapping[str, Any]] | None, depth: int = 0
    ) -> None:
        if depth > MAX_DEPTH:
            self.add(path, _("条件嵌套过深。"))
            return
        if not isinstance(cond, Mapping):
            self.add(path, _("条件应为对象。"))
            return
        kinds = [key for key in ("field", "all", "any", "not") if key in cond]
        if len(kinds) != 1:
            self.add(path, _("条件应只含 field、all、any、not 之一。"))
            return
        kind = kinds[0]
        if kind == "field":
            self.comparison(cond, path, row)
        elif kind == "not":
            self.unknown_keys(path, cond, {"not"})
            self.condition(cond["not"], f"{path}.not", row, depth + 1)
        elif not isinstance(cond[kind], list) or not cond[kind]:
            self.add(f"{path}.{kind}", _("应为非空的条件列表。"))
        else:
            self.unknown_keys(path, cond, {kind})
            for i, part in enumerate(cond[kind]):
                self.condition(part, f"{path}.{kind}.{i}", row, depth + 1)

    def comparison(
        self, cond: Mapping[str, Any], path: str, row: dict[str, Mapping[str, Any]] | None
    ) -> None:
        self.unknown_keys(path, cond, {"field", "op", "value"})
        op, ref = cond.get("op"), cond["field"]
        if not isinstance(op, str) or op not in OPS:
            self.add(f"{path}.op", _("未知的运算:%(op)s。") % {"op": op})
            return
        target = None
        if isinstance(ref, str) and "." in ref:
            target = self.absolute.get(ref)
        elif isinstance(ref, str) and row is not None:
            target = row.get(ref)
        if target is None:
            self.add(
                f"{path}.field",
                _(
                    "条件引用的字段“%(ref)s”不存在或不在此处之前(写作“分组.字段”;"
                    "重复组内可只写本行的字段)。"
                )
                % {"ref": ref},
            )
            return
        if target["type"] not in CONDITION_TYPES:
            self.add(f"{path}.field", _("条件不能引用该类型的字段。"))
            return
        if op in PRESENCE:
            if "value" in cond:
                self.add(f"{path}.value", _("此运算不需要 value。"))
            return
        values = cond.get("value")
        if op in ("in", "not_in"):
            if not isinstance(values, list) or not values:
                self.add(f"{path}.value", _("in 和 not_in 的 value 应为非空列表。"))
                return
        else:
            values = [values]
        for value in values:
            message = _operand_problem(target, op, value)
            if message:
                self.add(f"{path}.value", message)
                return


def _operand_problem(field: Mapping[str, Any], op: str, value: Any) -> str | None:
    kind = field["type"]
    if op in COMPARISONS - {"eq", "ne", "in", "not_in"}:
        if kind in ("integer", "decimal"):
            return None if _number(value) else _("应为数字。")
        if kind == "date":
            return None if _iso_date(value) else _("应为“年-月-日”格式的日期。")
        return _("只能比较数字或日期字段的大小。")
    if value is None:
        return None
    if kind == "boolean":
        return None if isinstance(value, bool) else _("应为 true 或 false。")
    if kind in ("integer", "decimal"):
        return None if _number(value) else _("应为数字。")
    if kind == "date":
        return None if _iso_date(value) else _("应为“年-月-日”格式的日期。")
    if not isinstance(value, str):
        return _("应为文字。")
    if kind in ("select", "multiselect") and value not in [o["value"] for o in field["options"]]:
        return _("“%(value)s”不是该字段的选项。") % {"value": value}
    return None


def _options_problem(options: Any) -> str | None:
    if not isinstance(options, list) or not options:
        return _("选项应为非空列表。")
    seen: set[str] = set()
    for option in options:
        if not isinstance(option, Mapping) or set(option) - {"value", "label"}:
            return _('每个选项应为 {"value": ..., "label": ...}。')
        if not _text(option.get("value")) or not _text(option.get("label")):
            return _("选项的 value 和 label 应为非空文字。")
        if option["value"] in seen:
            return _("选项值“%(value)s”重复。") % {"value": option["value"]}
        seen.add(option["value"])
    return None


def _rules(check: _Checker, field: Mapping[str, Any], path: str) -> bool:
    """The type-specific rules; False when the field cannot be used (its options are bad)."""
    kind, usable = field["type"], True
    for rule, kinds in RULES.items():
        if rule in field and kind not in kinds:
            check.add(f"{path}.{rule}", _("该类型的字段不能设置此项。"))
    if kind in ("select", "multiselect"):
        message = _options_problem(field.get("options"))
        if message:
            check.add(f"{path}.options", message)
            usable = False
    if field.get("widget", "select") not in ("select", "radio"):
        check.add(f"{path}.widget", _("widget 只能是 select 或 radio。"))
    bound = _number if kind in ("integer", "decimal") else lambda v: _iso_date(v) or v == "today"
    for rule in ("min", "max"):
        if rule in field and kind in RULES[rule] and not bound(field[rule]):
            check.add(f"{path}.{rule}", _("取值不正确。"))
    for rule in ("min_length", "max_length"):
        value = field.get(rule, 0)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TEXT:
            check.add(f"{path}.{rule}", _("应为0至%(n)s之间的整数。") % {"n": MAX_TEXT})
    places = field.get("decimal_places", 0)
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 6:
        check.add(
            f"{path}.decimal_places", _("应为0至%(n)s之间的整数。") % {"n": MAX_DECIMAL_PLACES}
        )
    low, high = field.get("min"), field.get("max")
    if kind in ("integer", "decimal") and _number(low) and _number(high) and low > high:
        check.add(f"{path}.min", _("最小值大于最大值。"))
    if kind == "date" and _iso_date(low) and _iso_date(high) and low > high:
        check.add(f"{path}.min", _("最小值大于最大值。"))
    shortest, longest = field.get("min_length"), field.get("max_length")
    if isinstance(shortest, int) and isinstance(longest, int) and shortest > longest:
        check.add(f"{path}.min_length", _("最小长度大于最大长度。"))
    return usable


def _source(check: _Checker, field: Mapping[str, Any], path: str, group: Any) -> None:
    """A field's prefill source; ``group`` is the repeat group's own source (or None)."""
    source, where = field["source"], f"{path}.source"
    if not isinstance(source, Mapping):
        check.add(where, _("数据来源应为对象。"))
        return
    kinds = [key for key in ("account", "resource", "license") if key in source]
    if len(kinds) != 1:
        check.add(where, _("数据来源应只含 account、resource、license 之一。"))
        return
    kind = kinds[0]
    check.unknown_keys(where, source, {kind, "field", "aggregate", "map"})
    if kind == "account":
        if group is not None:
            check.add(where, _("重复组的字段只能取自共享数据,不能取自账户。"))
        elif not isinstance(source["account"], str) or source["account"] not in ACCOUNT_FIELDS:
            check.add(f"{where}.account", _("账户没有此项信息。"))
        elif set(source) - {"account"}:
            check.add(where, _("账户来源只需写明 account。"))
        return
    if not _text(source[kind]):
        check.add(f"{where}.{kind}", _("应为资源代码或证照类型代码。"))
        return
    aggregate = source.get("aggregate")
    if aggregate is not None:
        if not isinstance(aggregate, str) or aggregate not in AGGREGATES:
            check.add(f"{where}.aggregate", _("汇总方式只能是 sum、count 或 exists。"))
        elif field["type"] not in AGGREGATES[aggregate]:
            check.add(f"{where}.aggregate", _("汇总结果与字段类型不符。"))
        if "map" in source:
            check.add(f"{where}.map", _("汇总结果不能再做取值映射。"))
    if aggregate in (None, "sum") and not _text(source.get("field")):
        check.add(f"{where}.field", _("请写明取哪一项数据。"))
    mapping = source.get("map")
    if mapping is not None and (
        not isinstance(mapping, Mapping)
        or not all(isinstance(v, str | int | float | bool) for v in mapping.values())
    ):
        check.add(f"{where}.map", _("取值映射应为“登记值: 表单值”的对象。"))
    by_record = isinstance(group, Mapping) and "resource" in group
    if by_record and (aggregate or kind != "resource" or source["resource"] != group["resource"]):
        check.add(where, _("按记录展开的重复组,字段只能取自同一资源的该条记录。"))


def _field(
    check: _Checker,
    field: Any,
    path: str,
    row: dict[str, Mapping[str, Any]] | None,
    group: Any,
) -> Mapping[str, Any] | None:
    """Check one field; return it when later conditions may refer to it."""
    if not isinstance(field, Mapping):
        check.add(path, _("字段应为对象。"))
        return None
    check.unknown_keys(path, field, FIELD_KEYS)
    if not _text(field.get("label")):
        check.add(f"{path}.label", _("请填写字段名称。"))
    for text in ("help", "placeholder"):
        if text in field and not isinstance(field[text], str):
            check.add(f"{path}.{text}", _("应为文字。"))
    if not isinstance(field.get("required", False), bool):
        check.add(f"{path}.required", _("应为 true 或 false。"))
    if field.get("type") not in TYPES:
        check.add(f"{path}.type", _("未知的字段类型:%(type)s。") % {"type": field.get("type")})
        return None
    usable = _rules(check, field, path)
    if "show_if" in field:
        check.condition(field["show_if"], f"{path}.show_if", row)
    if "source" in field:
        _source(check, field, path, group)
    sound = not any(key == path or key.startswith(f"{path}.") for key in check.problems)
    if usable and sound and "default" in field:
        try:
            field_clean(field, field["default"])
        except (FieldInvalid, KeyError, TypeError, ValueError):
            check.add(f"{path}.default", _("默认值不符合本字段的要求。"))
    return field if usable else None


def _repeat(check: _Checker, section: Mapping[str, Any], path: str) -> None:
    repeat = section["repeat"]
    if not isinstance(repeat, Mapping):
        check.add(f"{path}.repeat", _("重复组设置应为对象。"))
        return
    check.unknown_keys(f"{path}.repeat", repeat, {"min", "max", "key"})
    most, least = repeat.get("max"), repeat.get("min", 0)
    if not isinstance(most, int) or isinstance(most, bool) or not 1 <= most <= MAX_ROWS:
        check.add(f"{path}.repeat.max", _("请写明最多几项(1至%(n)s)。") % {"n": MAX_ROWS})
    elif not isinstance(least, int) or isinstance(least, bool) or not 0 <= least <= most:
        check.add(f"{path}.repeat.min", _("最少项数应为0至最多项数之间的整数。"))
    keys = [f.get("key") for f in section.get("fields") or [] if isinstance(f, Mapping)]
    if "key" in repeat and repeat["key"] not in keys:
        check.add(f"{path}.repeat.key", _("用于识别每一项的字段不存在。"))


def _group_source(check: _Checker, section: Mapping[str, Any], path: str) -> Any:
    source = section["source"]
    where = f"{path}.source"
    if "repeat" not in section:
        check.add(where, _("只有重复组可以整组取自共享数据。"))
        return None
    if not isinstance(source, Mapping) or not (
        source.get("household") is True or _text(source.get("resource"))
    ):
        check.add(
            where, _('重复组的数据来源应为 {"household": true} 或 {"resource": "资源代码"}。')
        )
        return None
    check.unknown_keys(where, source, {"household", "resource"})
    if not isinstance(source.get("household", False), bool):
        check.add(f"{where}.household", _("应为 true 或 false。"))
    return source


def _section(check: _Checker, section: Any, path: str, keys: set[str]) -> None:
    if not isinstance(section, Mapping):
        check.add(path, _("分组应为对象。"))
        return
    check.unknown_keys(path, section, SECTION_KEYS)
    key = section.get("key")
    if not isinstance(key, str) or not IDENTIFIER.fullmatch(key):
        check.add(f"{path}.key", _("标识应以小写字母开头,只含小写字母、数字和下划线。"))
    elif key in keys:
        check.add(f"{path}.key", _("标识“%(key)s”重复。") % {"key": key})
    keys.add(key if isinstance(key, str) else "")
    if not _text(section.get("title")):
        check.add(f"{path}.title", _("请填写分组标题。"))
    for text in ("description", "row_label"):
        if text in section and not isinstance(section[text], str):
            check.add(f"{path}.{text}", _("应为文字。"))
    if "row_label" in section and "repeat" not in section:
        check.add(f"{path}.row_label", _("只有重复组需要设置每项的名称。"))
    if "show_if" in section:
        check.condition(section["show_if"], f"{path}.show_if", None)
    repeating = "repeat" in section
    if repeating:
        _repeat(check, section, path)
    group = _group_source(check, section, path) if "source" in section else None
    fields = section.get("fields")
    if not isinstance(fields, list) or not fields:
        check.add(f"{path}.fields", _("分组至少要有一个字段。"))
        return
    row: dict[str, Mapping[str, Any]] = {}
    for i, field in enumerate(fields):
        where = f"{path}.fields.{i}"
        name = field.get("key") if isinstance(field, Mapping) else None
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            check.add(f"{where}.key", _("标识应以小写字母开头,只含小写字母、数字和下划线。"))
            name = None
        elif name in row or f"{key}.{name}" in check.absolute:
            check.add(f"{where}.key", _("标识“%(key)s”重复。") % {"key": name})
            name = None
        checked = _field(check, field, where, row if repeating else None, group)
        if name and checked is not None:
            if repeating:
                row[name] = checked
            else:
                check.absolute[f"{key}.{name}"] = checked


def formdef_check(definition: Any) -> None:
    """Raise ValidationError listing every problem of a form definition, by its path."""
    check = _Checker()
    if not isinstance(definition, Mapping):
        check.add("sections", _("表单定义应为含 sections 的对象。"))
    else:
        check.unknown_keys("", definition, TOP_KEYS)
        for text in ("title", "description"):
            if text in definition and not isinstance(definition[text], str):
                check.add(text, _("应为文字。"))
        sections = definition.get("sections")
        if not isinstance(sections, list) or not sections:
            check.add("sections", _("表单至少要有一个分组。"))
        else:
            keys: set[str] = set()
            for i, section in enumerate(sections):
                _section(check, section, f"sections.{i}", keys)
    if check.problems:
        raise errors.ValidationError(
            _("表单定义有 %(n)s 处问题。") % {"n": len(check.problems)},
            code="invalid_formdef",
            fields={key.lstrip("."): messages for key, messages in check.problems.items()},
        )
