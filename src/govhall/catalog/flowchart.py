"""The process of an item (``ItemVersion.steps``) as an inline SVG flow chart.

Rendered on the server, for the guide page and the one-time notification sheet: no JavaScript,
no external service, no web font. ``process_svg`` is a pure function of the steps; every piece of
text is escaped, so a step named ``<script>`` is shown as text. The chart is a vertical column
(start → one box per step → 办结) that scales down to a phone's width; each box carries its full
name in a ``<title>`` and the chart as a whole a ``<title>`` and a ``<desc>`` for screen readers.

The SVG has no ``xmlns`` attribute: inline in HTML it needs none, and the page stays free of
other hosts' URLs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from django.utils.translation import gettext as _

WIDTH = 400
BOX_X = 40
BOX_WIDTH = WIDTH - 2 * BOX_X
PADDING = 12
NAME_SIZE = 15
NOTE_SIZE = 12
LINE_GAP = 1.45
TERMINAL_HEIGHT = 36
ARROW = 30
MAX_NAME_LINES = 3

# Characters XML 1.0 does not allow (control characters other than tab, line feed, return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> str:
    return _NOT_XML.sub("", " ".join(str(value if value is not None else "").split()))


def _text(value: Any) -> str:
    """Escaped for both text and attribute positions."""
    return escape(_clean(value), quote=True)


def _char_width(char: str, size: float) -> float:
    return size if unicodedata.east_asian_width(char) in "WF" else size * 0.56


def _wrap(text: str, size: float, width: float, max_lines: int) -> list[str]:
    """Greedy wrap by characters (Chinese breaks anywhere); the last line ends in … if cut."""
    lines: list[str] = []
    current, used = "", 0.0
    for char in text:
        w = _char_width(char, size)
        if current and used + w > width:
            lines.append(current)
            current, used = "", 0.0
        current += char
        used += w
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and sum(_char_width(c, size) for c in last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines or [""]


def _days_text(days: Any) -> str:
    if days in (None, ""):
        return ""
    try:
        value = int(days)
    except (TypeError, ValueError):
        return _clean(days)
    if value == 0:
        return _("即时办理")
    return _("%(n)d个工作日") % {"n": value}


def _note(step: Mapping[str, Any], post_names: Mapping[str, str]) -> str:
    post = step.get("post") or ""
    parts = [post_names.get(post, post), _days_text(step.get("days"))]
    return " · ".join(_clean(p) for p in parts if _clean(p))


def _terminal(y: float, label: str) -> str:
    return (
        f'<rect class="flow-terminal" x="{BOX_X + 70}" y="{y}" width="{BOX_WIDTH - 140}" '
        f'height="{TERMINAL_HEIGHT}" rx="18" fill="#0b4f9c"/>'
        f'<text x="{WIDTH / 2}" y="{y + TERMINAL_HEIGHT / 2 + 5}" text-anchor="middle" '
        f'font-size="{NAME_SIZE}" font-weight="600" fill="#ffffff">{_text(label)}</text>'
    )


def _arrow(y: float, marker_id: str) -> str:
    return (
        f'<line x1="{WIDTH / 2}" y1="{y}" x2="{WIDTH / 2}" y2="{y + ARROW - 2}" '
        f'stroke="#4f5b67" stroke-width="1.5" marker-end="url(#{marker_id})"/>'
    )


def _step_box(index: int, step: Mapping[str, Any], y: float, post_names: Mapping[str, str]):
    """SVG of one step's box at ``y`` and its height."""
    name = _clean(step.get("name")) or _("未命名环节")
    label = f"{index}. {name}"
    inner = BOX_WIDTH - 2 * PADDING
    name_lines = _wrap(label, NAME_SIZE, inner, MAX_NAME_LINES)
    note = _note(step, post_names)
    note_lines = _wrap(note, NOTE_SIZE, inner, 2) if note else []
    height = (
        PADDING * 2
        + len(name_lines) * NAME_SIZE * LINE_GAP
        + len(note_lines) * NOTE_SIZE * LINE_GAP
    )
    parts = [
        f'<g class="flow-step"><title>{_text(label)}</title>',
        f'<rect x="{BOX_X}" y="{y}" width="{BOX_WIDTH}" height="{height:.1f}" rx="6" '
        'fill="#f2f6fb" stroke="#0b4f9c" stroke-width="1.5"/>',
    ]
    baseline = y + PADDING + NAME_SIZE
    for line in name_lines:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{baseline:.1f}" text-anchor="middle" '
            f'font-size="{NAME_SIZE}" font-weight="600" fill="#062f5e">{_text(line)}</text>'
        )
        baseline += NAME_SIZE * LINE_GAP
    baseline += NOTE_SIZE * (LINE_GAP - 1) - (NAME_SIZE - NOTE_SIZE) * 0.4
    for line in note_lines:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{baseline:.1f}" text-anchor="middle" '
            f'font-size="{NOTE_SIZE}" fill="#4f5b67">{_text(line)}</text>'
        )
        baseline += NOTE_SIZE * LINE_GAP
    parts.append("</g>")
    return "".join(parts), height


def describe(steps: Sequence[Mapping[str, Any]], post_names: Mapping[str, str] | None = None):
    """The process in one sentence, for the chart's ``<desc>``."""
    names = post_names or {}
    items = []
    for index, step in enumerate(steps, start=1):
        name = _clean(step.get("name")) or _("未命名环节")
        note = _note(step, names)
        items.append(f"{index}. {name}" + (f"({note})" if note else ""))
    return _("共%(n)d个环节:") % {"n": len(steps)} + ";".join(items) + "。"


def process_svg(
    steps: Sequence[Mapping[str, Any]] | None,
    *,
    post_names: Mapping[str, str] | None = None,
    title: str | None = None,
    id_prefix: str = "flow",
) -> str:
    """An inline SVG flow chart of ``steps`` ([{name, post, days, ...}]); "" when there are none.

    ``post_names`` maps post codes (``acceptance``) to their names (受理); ``id_prefix`` keeps
    the element ids unique when a page holds more than one chart.
    """
    steps = [s for s in steps or [] if isinstance(s, Mapping)]
    if not steps:
        return ""
    names = post_names or {}
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", id_prefix) or "flow"
    marker_id = f"{prefix}-arrow"
    body: list[str] = []
    y = 8.0
    body.append(_terminal(y, _("开始")))
    y += TERMINAL_HEIGHT
    for index, step in enumerate(steps, start=1):
        body.append(_arrow(y, marker_id))
        y += ARROW
        box, height = _step_box(index, step, y, names)
        body.append(box)
        y += height
    body.append(_arrow(y, marker_id))
    y += ARROW
    body.append(_terminal(y, _("办结")))
    y += TERMINAL_HEIGHT + 8
    height = round(y)
    heading = title or _("办理流程图")
    return (
        f'<svg class="flowchart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">{_text(heading)}</title>'
        f'<desc id="{prefix}-desc">{_text(describe(steps, names))}</desc>'
        f'<defs><marker id="{marker_id}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#4f5b67"/></marker></defs>' + "".join(body) + "</svg>"
    )
