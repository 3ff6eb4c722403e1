"""The render context of ``cases/includes/formdef_form.html``: a definition with its values,
sources and errors, shaped for the template (names are the form paths, ids derived from them).

Visibility is computed here as formdef.js computes it, so that the page is right before any
script runs (and stays usable without scripts: a spare blank row is rendered for repeat groups).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from govhall.cases.formdef_conditions import condition_eval
from govhall.cases.formdef_fields import DEFAULT_DECIMAL_PLACES, DEFAULT_MAX_LENGTH, field_typed
from govhall.cases.formdef_fields import resolve_date as _resolve_date
from govhall.cases.formdef_prefill import Prefill, row_pairs, source_label
from govhall.cases.formdef_validate import FORM_ERRORS

PLACEHOLDER = "__index__"  # the row number in the hidden row template
INPUT_TYPES = {"date": "date", "email": "email", "phone": "tel"}
INPUT_MODES = {"integer": "numeric", "decimal": "decimal", "region": "numeric", "phone": "tel"}
AUTOCOMPLETE = {"id_number": "off", "uscc": "off", "email": "email"}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _display(value: Any) -> str:
    if value is None or isinstance(value, bool | list | dict):
        return ""
    return str(value)


def _original(field: Mapping[str, Any], value: Any) -> Any:
    """The value as formdef.js reads the control back, to tell a changed prefill."""
    if field["type"] == "boolean":
        return bool(value)
    if field["type"] == "multiselect":
        return [str(v) for v in value] if isinstance(value, list) else []
    return _display(value)


def _kind(field: Mapping[str, Any]) -> str:
    kind = field["type"]
    if kind == "select":
        return "radio" if field.get("widget") == "radio" else "select"
    return {"multiselect": "checkboxes", "boolean": "checkbox", "textarea": "textarea"}.get(
        kind, "input"
    )


def _attrs(field: Mapping[str, Any]) -> list[tuple[str, Any]]:
    kind, attrs = field["type"], []
    if kind in DEFAULT_MAX_LENGTH:
        attrs.append(("maxlength", field.get("max_length", DEFAULT_MAX_LENGTH[kind])))
    if kind in ("id_number", "uscc"):
        attrs.append(("maxlength", 18))
    if kind in INPUT_MODES:
        attrs.append(("inputmode", INPUT_MODES[kind]))
    if kind in AUTOCOMPLETE:
        attrs.append(("autocomplete", AUTOCOMPLETE[kind]))
    if kind == "date":
        attrs += [(r, _resolve_date(field[r])) for r in ("min", "max") if r in field]
    if field.get("placeholder"):
        attrs.append(("placeholder", field["placeholder"]))
    return attrs


def _data(field: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """data-* attributes formdef.js needs to read a value as the server cleans it."""
    data: list[tuple[str, Any]] = []
    for rule in ("min", "max"):
        if rule in field:
            value = field[rule]
            data.append((rule, _resolve_date(value) if field["type"] == "date" else value))
    for rule in ("min_length", "max_length"):
        if rule in field:
            data.append((rule.replace("_", "-"), field[rule]))
    if field["type"] in DEFAULT_MAX_LENGTH and "max_length" not in field:
        data.append(("max-length", DEFAULT_MAX_LENGTH[field["type"]]))
    if field["type"] == "decimal":
        data.append(("places", field.get("decimal_places", DEFAULT_DECIMAL_PLACES)))
    return data


class _Context:
    def __init__(self, values: Any, sources: Mapping, errors: Mapping, prefilled: Mapping) -> None:
        self.values = values if isinstance(values, Mapping) else {}
        self.sources, self.errors, self.prefilled = sources, errors, prefilled
        self.typed: dict[str, Any] = {}  # the cleaned values seen so far, for show_if

    def field(
        self,
        field: Mapping[str, Any],
        block: Mapping[str, Any],
        paths: tuple[str, str | None],
        before: Mapping[str, Any],
        row: dict[str, Any] | None,
        hidden: bool,
    ) -> dict[str, Any]:
        path, old = paths  # the field's name now; its path in the prefill (or None)
        key = field["key"]
        condition = field.get("show_if")
        if not hidden and condition is not None:
            hidden = not condition_eval(condition, self.typed, row)
        value = block[key] if key in block else before.get(key, field.get("default"))
        if not hidden:
            (row if row is not None else self.typed.setdefault(path.split(".")[0], {}))[key] = (
                field_typed(field, value)
            )
        meta = self.sources.get(f"{old}.{key}") if old is not None else None
        return self._field_context(field, path, value, meta, before.get(key), hidden)

    def _field_context(
        self, field: Mapping, path: str, value: Any, meta: Any, prefilled: Any, hidden: bool
    ) -> dict[str, Any]:
        ident = "fd-" + path.replace(".", "-")
        errors = self.errors.get(path, [])
        chosen = [str(v) for v in value] if isinstance(value, list) else [_display(value)]
        label = (meta.get("label") or source_label(meta)) if meta else ""
        described = [f"{ident}_helptext"] if field.get("help") else []
        if field["type"] in ("id_number", "uscc"):
            described.append(f"{ident}_check")
        if errors:
            described.append(f"{ident}_error")
        return {
            **{k: field.get(k) for k in ("key", "label", "type", "help", "required")},
            "name": path,
            "id": ident,
            "kind": _kind(field),
            "input_type": INPUT_TYPES.get(field["type"], "text"),
            "attrs": _attrs(field),
            "data": _data(field),
            "value": _display(value),
            "checked": value is True or _display(value).lower() in ("on", "true", "1"),
            "options": [
                {**option, "selected": option["value"] in chosen, "id": f"{ident}-{i}"}
                for i, option in enumerate(field.get("options", []))
            ],
            "errors": errors,
            "describedby": " ".join(described),
            "show_if": _json(field["show_if"]) if "show_if" in field else "",
            "hidden": hidden,
            "source": meta,
            "source_label": label,
            "changed_label": _("已修改,原值%(source)s") % {"source": label} if label else "",
            "prefill": _json(_original(field, prefilled)) if meta else "",
            "changed": bool(meta) and _original(field, value) != _original(field, prefilled),
        }

    def block(
        self, section: Mapping[str, Any], raw: Any, before: Any, paths: tuple, hidden: bool
    ) -> list[dict[str, Any]]:
        """The fields of a plain section, or of one row (``paths[0]`` is ``members.2``)."""
        block = raw if isinstance(raw, Mapping) else {}
        before = before if isinstance(before, Mapping) else {}
        path, old = paths
        row: dict[str, Any] | None = {} if "repeat" in section else None
        return [
            self.field(field, block, (f"{path}.{field['key']}", old), before, row, hidden)
            for field in section["fields"]
        ]

    def rows(self, section: Mapping[str, Any], hidden: bool) -> dict[str, Any]:
        key, repeat = section["key"], section["repeat"]
        given = self.values.get(key)
        rows = list(given) if isinstance(given, list) else []
        prefilled = self.prefilled.get(key)
        prefilled = prefilled if isinstance(prefilled, list) else []
        if given is prefilled:
            pairs = {i: i for i in range(len(rows))}
        else:
            pairs = row_pairs(section, prefilled, rows)
        least, most = repeat.get("min", 0), repeat["max"]
        spare = len(rows) < most
        rows = rows[:most] + [{}] * max(0, least - len(rows)) + ([{}] if spare else [])
        contexts = []
        for i, row in enumerate(rows):
            j = pairs.get(i)
            before = prefilled[j] if j is not None else {}
            old = f"{key}.{j}" if j is not None else None
            contexts.append(
                {
                    "index": i,
                    "number": i + 1,
                    "spare": spare and i == len(rows) - 1,
                    "errors": self.errors.get(f"{key}.{i}", []),
                    "fields": self.block(section, row, before, (f"{key}.{i}", old), hidden),
                }
            )
        template = {
            "index": PLACEHOLDER,
            "number": "",
            "fields": _Context({}, {}, {}, {}).block(
                section, {}, {}, (f"{key}.{PLACEHOLDER}", None), False
            ),
        }
        return {"rows": contexts, "template": template, "min": least, "max": most}

    def section(self, section: Mapping[str, Any]) -> dict[str, Any]:
        key = section["key"]
        condition = section.get("show_if")
        hidden = condition is not None and not condition_eval(condition, self.typed)
        item = {
            **{k: section.get(k) for k in ("key", "title", "description")},
            "repeat": "repeat" in section,
            "row_label": section.get("row_label") or section["title"],
            "show_if": _json(condition) if condition is not None else "",
            "hidden": hidden,
            "errors": self.errors.get(key, []),
        }
        if "repeat" in section:
            item.update(self.rows(section, hidden))
        else:
            before = self.prefilled.get(key)
            item["fields"] = self.block(section, self.values.get(key), before, (key, key), hidden)
        return item


def formdef_context(
    definition: Mapping[str, Any],
    *,
    values: Mapping[str, Any] | None = None,
    sources: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    prefill: Prefill | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything ``cases/includes/formdef_form.html`` needs, under the name ``formdef``.

    ``values``: the data to show (cleaned or as posted; default: the prefill's values);
    ``sources``: path -> source of the prefilled values (default: the prefill's);
    ``errors``: ``ValidationError.fields``; ``prefill``: the Prefill (or its ``as_dict()``)
    that the values started from, so that a changed prefilled value is marked as such.
    """
    if isinstance(prefill, Prefill):
        prefill = prefill.as_dict()
    prefill = prefill or {}
    prefilled = prefill.get("values") or {}
    if values is None:
        values = prefilled
    if sources is None:
        sources = prefill.get("sources") or {}
    context = _Context(values, sources, errors or {}, prefilled)
    sections = [context.section(section) for section in definition["sections"]]
    form_errors = list((errors or {}).get(FORM_ERRORS, []))
    return {
        "title": definition.get("title", ""),
        "sections": sections,
        "form_errors": form_errors,
        "error_count": len(errors or {}),
    }
