"""Show/hide conditions of application forms: one evaluator, mirrored line by line in formdef.js.

The semantics are defined on JSON values (the cleaned form data), so that the browser, which
converts its inputs to the same JSON values first, reaches the same answer as the server. The
rules are documented in :mod:`govhall.cases.formdef`; the test corpus
``tests/test_formdef_corpus.json`` is run through both implementations.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

COMPARISONS = frozenset({"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"})
PRESENCE = frozenset({"empty", "not_empty"})
OPS = COMPARISONS | PRESENCE
GROUPS = ("all", "any", "not")

_NUMERIC = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def value_at(path: str, values: Mapping[str, Any] | None, row: Mapping[str, Any] | None) -> Any:
    """``section.field`` in ``values``, or ``field`` in the current repeat-group ``row``."""
    if "." not in path:
        return row.get(path) if isinstance(row, Mapping) else None
    section, _, key = path.partition(".")
    if not isinstance(values, Mapping):
        return None
    block = values.get(section)
    return block.get(key) if isinstance(block, Mapping) else None


def _number(value: Any) -> float | None:
    """A JSON number, or a string written as a plain decimal number; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:  # JavaScript reads such a number as ±Infinity
            return math.copysign(math.inf, value)
    if isinstance(value, float):
        return value
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        return float(value)
    return None


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    left, right = _number(a), _number(b)
    return left is not None and right is not None and left == right


def _order(a: Any, b: Any) -> int | None:
    """-1, 0 or 1; None when the two cannot be ordered (the comparison is then false)."""
    if isinstance(b, str):
        if not isinstance(a, str):
            return None
        return (a > b) - (a < b)  # code point order, as formdef.js compares
    left, right = _number(a), _number(b)
    if left is None or right is None:
        return None
    return (left > right) - (left < right)


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list) and not value)


def _member(a: Any, choices: Any) -> bool:
    if not isinstance(choices, list):
        return False
    items = a if isinstance(a, list) else [a]
    return any(_same(item, choice) for item in items for choice in choices)


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "empty":
        return _empty(a)
    if op == "not_empty":
        return not _empty(a)
    if op in ("eq", "ne"):
        found = any(_same(item, b) for item in a) if isinstance(a, list) else _same(a, b)
        return found if op == "eq" else not found
    if op in ("in", "not_in"):
        return _member(a, b) if op == "in" else not _member(a, b)
    if isinstance(a, list):
        return False
    order = _order(a, b)
    if order is None:
        return False
    return {"gt": order > 0, "gte": order >= 0, "lt": order < 0, "lte": order <= 0}[op]


def condition_eval(
    condition: Mapping[str, Any],
    values: Mapping[str, Any] | None,
    row: Mapping[str, Any] | None = None,
) -> bool:
    """Whether ``condition`` holds for the form ``values`` (and the repeat-group ``row`` that a
    relative path refers to). Raises ValueError on a condition that formdef_check would refuse."""
    if not isinstance(condition, Mapping):
        raise ValueError("condition must be an object")
    if "field" in condition:
        op = condition.get("op")
        if not isinstance(op, str) or op not in OPS or not isinstance(condition["field"], str):
            raise ValueError(f"bad condition: {condition!r}")
        return _compare(op, value_at(condition["field"], values, row), condition.get("value"))
    if "all" in condition:
        return all(condition_eval(part, values, row) for part in _parts(condition["all"]))
    if "any" in condition:
        return any(condition_eval(part, values, row) for part in _parts(condition["any"]))
    if "not" in condition:
        return not condition_eval(condition["not"], values, row)
    raise ValueError(f"bad condition: {condition!r}")


def _parts(parts: Any) -> list[Any]:
    if not isinstance(parts, list):
        raise ValueError("all/any take a list of conditions")
    return parts
