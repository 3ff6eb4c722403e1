"""Submitted form data: posted names back into nested data, then validation and cleaning.

The definition must have passed :func:`govhall.cases.formdef_schema.formdef_check`. The data may
be anything (an API client's JSON, a browser's post): whatever it is, :func:`form_validate`
either returns the cleaned data or raises :class:`govhall.core.errors.ValidationError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from govhall.cases.formdef_conditions import condition_eval
from govhall.cases.formdef_fields import FieldInvalid, empty_value, field_clean, is_empty
from govhall.core import errors

FORM_ERRORS = "__all__"  # the key of errors that belong to the whole form
MAX_INDEX = 9999  # row numbers above this in posted names are ignored

Fields = list[Mapping[str, Any]]
Errors = dict[str, list[str]]
PostItems = Iterator[tuple[str, str]]


def required_message() -> str:
    return _("必填")


def _clean_fields(
    fields: Fields,
    raw: Any,
    path: str,
    values: dict[str, Any],
    row: dict[str, Any] | None,
    problems: Errors,
) -> dict[str, Any]:
    """Clean one block (a plain section, or one row of a repeat group) into ``row`` or, for a
    plain section, into ``values[section]``, walking the fields in order so that each show_if
    sees the cleaned values of the fields before it. Hidden fields are dropped."""
    target: dict[str, Any] = row if row is not None else values.setdefault(path, {})
    given = raw if isinstance(raw, Mapping) else {}
    for field in fields:
        condition = field.get("show_if")
        if condition is not None and not condition_eval(condition, values, row):
            continue
        key = field["key"]
        where = f"{path}.{key}"
        try:
            value = field_clean(field, given.get(key))
        except FieldInvalid as error:
            problems[where] = [error.message]
            target[key] = empty_value(field)  # as formdef.js reads an invalid value
            continue
        if field.get("required") and is_empty(field, value):
            problems[where] = [required_message()]
        target[key] = value
    return target


def _clean_rows(
    section: Mapping[str, Any], raw: Any, values: dict[str, Any], problems: Errors
) -> list[dict[str, Any]]:
    key, repeat = section["key"], section["repeat"]
    least, most = repeat.get("min", 0), repeat["max"]
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        problems[key] = [_("格式不正确。")]
        return []
    if len(raw) > most:
        problems[key] = [_("最多填写%(n)s项。") % {"n": most}]
    elif len(raw) < least:
        problems[key] = [_("至少填写%(n)s项。") % {"n": least}]
    rows: list[dict[str, Any]] = []
    for i, item in enumerate(raw[:most]):
        if not isinstance(item, Mapping):
            problems[f"{key}.{i}"] = [_("格式不正确。")]
            continue
        rows.append(_clean_fields(section["fields"], item, f"{key}.{i}", values, {}, problems))
    return rows


def form_validate(definition: Mapping[str, Any], data: Any) -> dict[str, Any]:
    """The cleaned, typed, normalized, JSON-serializable form data; or ValidationError with
    ``fields={"applicant.name": ["必填"], "members.1.id_number": [...]}``, every error at once.

    Sections and fields hidden by their show_if are neither checked nor kept; keys that the
    definition does not name are dropped.
    """
    problems: Errors = {}
    if not isinstance(data, Mapping):
        data = {}
        problems[FORM_ERRORS] = [_("表单数据格式不正确。")]
    values: dict[str, Any] = {}
    for section in definition["sections"]:
        condition = section.get("show_if")
        if condition is not None and not condition_eval(condition, values):
            continue
        key = section["key"]
        raw = data.get(key)
        if "repeat" in section:
            values[key] = _clean_rows(section, raw, values, problems)
            continue
        if raw is not None and not isinstance(raw, Mapping):
            problems[key] = [_("格式不正确。")]
        _clean_fields(section["fields"], raw, key, values, None, problems)
    if problems:
        raise errors.ValidationError(
            _("有 %(n)s 处填写有误,请按提示修改。") % {"n": len(problems)},
            code="invalid_form",
            fields=problems,
        )
    return values


# --- posted names -----------------------------------------------------------------------------


def _posted(post: Any, name: str, *, many: bool) -> Any:
    if hasattr(post, "getlist"):
        items = post.getlist(name)
    else:
        value = post.get(name)
        items = value if isinstance(value, list) else [] if value is None else [value]
    if many:
        return [item for item in items if item != ""]
    return items[-1] if items else None  # a checkbox follows its hidden "false"


def _block(fields: Fields, post: Any, prefix: str) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for field in fields:
        name = f"{prefix}.{field['key']}"
        if name in post:
            block[field["key"]] = _posted(post, name, many=field["type"] == "multiselect")
    return block


def _blank(row: Mapping[str, Any]) -> bool:
    """A row left entirely empty (a spare row of a page without scripts) is no row."""
    return all(value in (None, "", "false", []) for value in row.values())


def _row_numbers(post: Any, key: str) -> list[int]:
    pattern = re.compile(rf"{re.escape(key)}\.([0-9]{{1,4}})\.[a-z][a-z0-9_]*")
    numbers = {int(m.group(1)) for name in post if (m := pattern.fullmatch(str(name)))}
    return sorted(n for n in numbers if n <= MAX_INDEX)


def form_from_post(definition: Mapping[str, Any], post: Any) -> dict[str, Any]:
    """Posted names (``applicant.name``, ``members.0.name``) back into nested form data, to be
    given to :func:`form_validate`. Rows keep their order; gaps in their numbers close up."""
    data: dict[str, Any] = {}
    for section in definition["sections"]:
        key = section["key"]
        if "repeat" in section:
            rows = [_block(section["fields"], post, f"{key}.{n}") for n in _row_numbers(post, key)]
            data[key] = [row for row in rows if not _blank(row)]
        else:
            data[key] = _block(section["fields"], post, key)
    return data


def form_post_items(
    definition: Mapping[str, Any], data: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post for ``data`` (the inverse of
    :func:`form_from_post`; for tests and for replaying stored data into a form)."""
    return list(_post_items(definition, data))


def _post_items(definition: Mapping[str, Any], data: Mapping[str, Any]) -> PostItems:
    for section in definition["sections"]:
        key = section["key"]
        block = data.get(key)
        if "repeat" in section:
            for i, row in enumerate(block or []):
                yield from _field_items(section["fields"], row, f"{key}.{i}")
        elif isinstance(block, Mapping):
            yield from _field_items(section["fields"], block, key)


def _field_items(fields: Fields, block: Mapping[str, Any], prefix: str) -> PostItems:
    for field in fields:
        name, value = f"{prefix}.{field['key']}", block.get(field["key"])
        if field["type"] == "boolean":
            yield name, "false"
            if value:
                yield name, "on"
        elif field["type"] == "multiselect":
            yield name, ""
            for item in value or []:
                yield name, str(item)
        elif value is not None:
            yield name, str(value)
