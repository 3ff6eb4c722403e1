"""Charts for leaders, rendered on the server as SVG by pygal: no JavaScript, no CDN.

pygal's default config links its tooltip script from a CDN; ``js=[]`` turns that off and
``_render`` drops the inline config script too, so the SVG is a static, self-contained picture
(served as ``image/svg+xml`` and shown with ``<img>``). Labels are escaped by the XML writer.
"""

from __future__ import annotations

from typing import Any

import pygal
from django.utils.translation import gettext as _
from pygal.etree import etree
from pygal.style import Style

from govhall.analytics.selectors import FigureTable

TOP = 10
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#8a96a3",
    colors=("#1d5fa8", "#2e8540", "#c0392b", "#e67e22"),
    font_family="'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif",
    title_font_size=16,
    label_font_size=11,
    legend_font_size=12,
)


def _config(**extra: Any) -> dict[str, Any]:
    return {
        "js": [],
        "style": STYLE,
        "width": 760,
        "height": 360,
        "print_values": False,
        "legend_at_bottom": True,
        "no_data_text": _("暂无数据"),
        "truncate_label": 12,
        **extra,
    }


def _render(chart: Any) -> bytes:
    """The SVG without pygal's inline config script (tooltips need its JavaScript, which we do
    not ship): a static picture."""
    root = chart.render_tree()
    for parent in root.iter():
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8")


def trend_chart(weeks: list[dict[str, Any]]) -> bytes:
    """收件 and 办结 per week."""
    chart = pygal.Line(**_config(title=_("每周收件与办结"), x_label_rotation=30))
    chart.x_labels = [week["week"].strftime("%m-%d") for week in weeks]
    chart.add(_("收件"), [week["received"] for week in weeks])
    chart.add(_("办结"), [week["completed"] for week in weeks])
    return _render(chart)


def overdue_chart(items: FigureTable) -> bytes:
    """The items with the most overdue cases."""
    rows = sorted(
        (row for row in items.rows if row["figures"].get("overdue")),
        key=lambda row: -row["figures"]["overdue"],
    )[:TOP]
    # CJK labels are about twice as wide as pygal estimates: shorter labels keep them in view
    chart = pygal.HorizontalBar(**_config(title=_("超期办件最多的事项"), truncate_label=7))
    chart.x_labels = [row["label"] for row in rows]
    chart.add(_("超期"), [row["figures"]["overdue"] for row in rows])
    return _render(chart)


def workload_chart(table: FigureTable) -> bytes:
    """Work per department (cases received / completed) or per post (tasks opened / done)."""
    if table.dimension == "department":
        first, second, title = "received", "completed", _("各部门工作量")
        names = (_("收件"), _("办结"))
    else:
        first, second, title = "tasks_opened", "tasks_done", _("各岗位工作量")
        names = (_("接收任务"), _("完成任务"))
    rows = table.rows[: TOP * 2]
    chart = pygal.Bar(**_config(title=title, x_label_rotation=30))
    chart.x_labels = [row["label"] for row in rows]
    chart.add(names[0], [row["figures"].get(first) or 0 for row in rows])
    chart.add(names[1], [row["figures"].get(second) or 0 for row in rows])
    return _render(chart)
