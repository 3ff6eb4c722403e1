from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def figure(value: object, kind: str) -> str:
    """A figure as the tables show it: rates in percent, days with up to two decimals."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{float(value) * 100:.1f}%"
    if kind == "days":
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    return str(value)


# how a rule's comparison reads in the explanation table
OPERATOR_SYMBOLS = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "eq": "="}


@register.filter
def comparison(op: str) -> str:
    """``lt`` → ``<``; ``startswith`` reads as 以…开头 (the value follows)."""
    if op == "startswith":
        return "以…开头:"
    return OPERATOR_SYMBOLS.get(op, op)
