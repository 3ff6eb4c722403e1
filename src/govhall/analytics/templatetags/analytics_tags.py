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
