"""Excel export (openpyxl) of a figures table or the ranking, with the same numbers as the page."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from govhall.analytics.selectors import FigureTable, Ranking

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIMENSION_LABELS = {
    "department": "部门",
    "item": "事项",
    "post": "岗位",
    "person": "人员",
}


def _safe(text: str) -> str:
    """Cell text that a spreadsheet will not run as a formula (CSV/Excel injection)."""
    text = str(text)
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def _sheet_header(sheet, title: str, period_text: str, headers: list[str]) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([period_text])
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)


def _period_text(table_period) -> str:
    return _("统计区间:%(start)s 至 %(end)s") % {
        "start": table_period.start.isoformat(),
        "end": table_period.end.isoformat(),
    }


def table_workbook(table: FigureTable) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _(DIMENSION_LABELS[table.dimension])
    headers = [_(DIMENSION_LABELS[table.dimension])] + [str(c.label) for c in table.columns]
    _sheet_header(sheet, _("绩效统计"), _period_text(table.period), headers)
    for row in table.rows:
        sheet.append([_safe(row["label"])] + [row["figures"].get(c.key) for c in table.columns])
    for index, column in enumerate(table.columns, start=2):
        if column.kind == "rate":
            for cells in sheet.iter_rows(min_row=4, min_col=index, max_col=index):
                cells[0].number_format = "0.00%"
    sheet.column_dimensions["A"].width = 30
    return _bytes(book)


def ranking_workbook(ranking: Ranking) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("排名")
    keys = list(ranking.weights)
    headers = [_("名次"), _("部门"), _("得分")] + [
        f"{key} ×{ranking.weights[key]:g}" for key in keys
    ]
    _sheet_header(
        sheet,
        _("部门绩效排名:%(name)s") % {"name": ranking.formula_name},
        _period_text(ranking.period),
        headers,
    )
    for row in ranking.rows:
        sheet.append(
            [row["rank"], _safe(row["label"]), row["score"]] + [row["parts"][key] for key in keys]
        )
    sheet.column_dimensions["B"].width = 30
    return _bytes(book)


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
