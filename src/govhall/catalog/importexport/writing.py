"""Writing the lists: records (one dict per item, our JSON shape) to xlsx, a zip of CSVs, JSON.

A *record* is what our JSON format holds for one item: its identity (implementation and basic
codes, department USCC and name), every element of the version (``VERSION_FIELDS``, region as
its code), the version number and state, and the nested ``materials`` and
``responsibilities``. The workbook and the CSV files lay the same records out as three tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from govhall.catalog.importexport import cells
from govhall.catalog.importexport.columns import (
    CHILD_KEYS,
    CODES,
    GUIDE,
    ITEMS,
    SHEET_COLUMNS,
    Column,
)
from govhall.catalog.importexport.reading import CSV_ESCAPED, MAX_ROWS
from govhall.catalog.models import ItemVersion, Material, Responsibility
from govhall.catalog.services import MATERIAL_FIELDS, RESPONSIBILITY_FIELDS, VERSION_FIELDS
from govhall.core import errors
from govhall.core.codes import code_table

EXCEL_CELL_MAX = 32767
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same data gives the same bytes

KIND_LABELS = {
    "text": "文字",
    "int": "整数",
    "bool": "是 / 否",
    "date": "日期 YYYY-MM-DD",
    "code": "代码(可下拉选择)",
    "codes": "多个代码,以“；”分隔",
    "words": "多个词语,以“；”分隔",
    "json": "JSON 数组",
    "basic_code": "12位数字",
    "implementation_code": "31位编码",
    "uscc": "18位统一社会信用代码",
    "region": "12位行政区划代码",
}


# --- records ----------------------------------------------------------------------------------


def version_record(
    version: ItemVersion,
    *,
    materials: list[Material] | None = None,
    responsibilities: list[Responsibility] | None = None,
) -> dict[str, Any]:
    """One item as our JSON format holds it. ``materials`` / ``responsibilities``: the rows of
    an unsaved version (the template's example); else the version's own."""
    item = version.item
    record: dict[str, Any] = {
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "department_uscc": item.department.uscc,
        "department_name": item.department.name,
        "department_nature": item.department.nature,
    }
    for name in VERSION_FIELDS:
        record[name] = version.region_id if name == "region" else getattr(version, name)
    record["version"] = version.number
    record["state"] = version.state
    if materials is None:
        materials = list(version.materials.all())
    if responsibilities is None:
        responsibilities = list(version.responsibilities.all())
    record["materials"] = [{name: getattr(m, name) for name in MATERIAL_FIELDS} for m in materials]
    record["responsibilities"] = [
        {name: getattr(r, name) for name in RESPONSIBILITY_FIELDS} for r in responsibilities
    ]
    return record


def _sheet_rows(sheet: str, records: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """The rows of one table: the records themselves, or their children with the item's keys."""
    for record in records:
        if sheet == ITEMS:
            yield record
            continue
        for child in record.get(CHILD_KEYS[sheet], []):
            yield {
                "implementation_code": record["implementation_code"],
                "basic_code": record["basic_code"],
                **child,
            }


def _cell(column: Column, row: dict[str, Any]) -> Any:
    value = row.get(column.field)
    if column.field == "state" and value:
        return str(ItemVersion.State(value).label)
    return cells.render(column, value)


# --- JSON -------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def write_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default).encode()


# --- CSV --------------------------------------------------------------------------------------


def _csv_value(value: Any) -> str:
    text = str(value)
    # A cell starting with = + - @ would be a formula in a spreadsheet: written as 'value, and
    # read back without the quote (reading._unescape).
    return "'" + text if text.startswith(CSV_ESCAPED) else text


def write_csv_zip(records: list[dict[str, Any]]) -> bytes:
    """A zip of 事项.csv, 申请材料.csv and 责任事项.csv (UTF-8 with BOM, opens in Excel)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet, columns in SHEET_COLUMNS.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow([column.header for column in columns])
            for row in _sheet_rows(sheet, records):
                writer.writerow([_csv_value(_cell(column, row)) for column in columns])
            info = zipfile.ZipInfo(f"{sheet}.csv", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.getvalue().encode("utf-8-sig"))
    return buffer.getvalue()


# --- Excel ------------------------------------------------------------------------------------


def _code_tables_used() -> list[str]:
    keys: list[str] = []
    for columns in SHEET_COLUMNS.values():
        for column in columns:
            if column.table and column.table not in keys:
                keys.append(column.table)
    return keys


def _code_sheet(workbook: Any) -> dict[str, str]:
    """The 代码表 sheet (drop-down sources); returns table key -> range reference."""
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(CODES)
    ranges: dict[str, str] = {}
    for index, key in enumerate(_code_tables_used(), start=1):
        table = code_table(key)
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=table.name)
        for row, (code, label) in enumerate(table.codes.items(), start=2):
            cell = sheet.cell(row=row, column=index, value=f"{code} {label}")
            cell.data_type = "s"
        sheet.column_dimensions[letter].width = 24
        ranges[key] = f"'{CODES}'!${letter}$2:${letter}${len(table.codes) + 1}"
    return ranges


def _validations(worksheet: Any, columns: tuple[Column, ...], ranges: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        area = f"{letter}2:{letter}{MAX_ROWS + 1}"
        if column.kind == "code":
            rule = DataValidation(
                type="list", formula1=f"={ranges[column.table]}", allow_blank=True
            )
        elif column.kind == "bool":
            rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        else:
            continue
        rule.error = _("请从下拉列表中选择。")
        rule.errorTitle = column.header
        rule.showErrorMessage = True
        rule.add(area)
        worksheet.add_data_validation(rule)


def _write_cell(worksheet: Any, row: int, col: int, value: Any, where: str) -> Any:
    cell = worksheet.cell(row=row, column=col)
    if isinstance(value, str):
        value = cells.CONTROL_CHARS.sub("", value)
        if len(value) > EXCEL_CELL_MAX:
            message = _("%(where)s超过 Excel 单元格的32767字符上限,请改用 JSON 格式导出。") % {
                "where": where
            }
            raise errors.ValidationError(message, code="cell_too_long")
        cell.value = value
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    else:
        cell.value = value
    return cell


def _data_sheet(
    worksheet: Any, sheet: str, records: list[dict[str, Any]], ranges: dict[str, str], example: bool
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = SHEET_COLUMNS[sheet]
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    example_font = Font(italic=True, color="7F7F7F")
    for index, column in enumerate(columns, start=1):
        cell = _write_cell(worksheet, 1, index, column.header, column.header)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = column.width
        if column.kind != "int":
            worksheet.column_dimensions[letter].number_format = "@"
    worksheet.freeze_panes = "A2"
    for number, row in enumerate(_sheet_rows(sheet, records), start=2):
        code = row.get("implementation_code") or row.get("basic_code") or ""
        for index, column in enumerate(columns, start=1):
            where = f"{sheet} {code} {column.header}"
            cell = _write_cell(worksheet, number, index, _cell(column, row), where)
            if example:
                cell.font = example_font
    _validations(worksheet, columns, ranges)


def _guide_sheet(workbook: Any, example: bool) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(GUIDE, 0 if example else None)
    notes = [
        _("政务服务事项清单导入导出文件说明"),
        _(
            "1. 本文件含“事项”“申请材料”“责任事项”三张表,第1行为列名(要素名称依 GB/T 39046),"
            "红色列名为必填列。“说明”和“代码表”两张表导入时不读取,其他工作表不能导入。"
        ),
        _(
            "2. 每个事项一行;申请材料、责任事项每条一行,以实施编码(或新增事项的基本编码)"
            "对应“事项”表中的事项。导入时以文件为准:文件中含“申请材料”(或“责任事项”)表的,"
            "该事项的材料(或责任事项)整体替换为文件中的行;不含该表的,保留原有内容。"
        ),
        _(
            "3. 导入只生成草稿,不直接发布:新事项生成第1版草稿;已发布事项内容有变化的,"
            "按导入原因生成修订稿;与现行版本完全相同的行不做任何改动。草稿须经本部门"
            "另一名清单管理员审核后发布。"
        ),
        _("4. 任何一行有错,整个文件都不导入;错误清单会列出工作表、行号、列名和原因。"),
        _("5. 单元格不能含公式(请“粘贴为数值”);文件不超过10MB,每张表不超过10000行。"),
        _(
            "6. 代码列可填代码(如 01)或从下拉列表选择(如“01 行政许可”);多个代码以“；”分隔。"
            "空白单元格按默认值处理(见下表“说明”列)。JSON 列填写 JSON 数组,格式见下表。"
        ),
    ]
    if example:
        notes.append(_("7. 各表第2行为示例,导入前请删除或改为实际数据。"))
    for row, text in enumerate(notes, start=1):
        cell = sheet.cell(row=row, column=1, value=str(text))
        cell.font = Font(bold=row == 1, size=14 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        sheet.row_dimensions[row].height = 18 * (len(str(text)) // 80 + 1)
    top = len(notes) + 2
    headers = [_("工作表"), _("列名"), _("字段"), _("必填"), _("填写格式"), _("可选值"), _("说明")]
    for col, text in enumerate(headers, start=1):
        sheet.cell(row=top, column=col, value=str(text)).font = Font(bold=True)
    row = top + 1
    for sheet_name, columns in SHEET_COLUMNS.items():
        for column in columns:
            choices = ""
            if column.table:
                choices = "；".join(
                    f"{c} {label}" for c, label in code_table(column.table).codes.items()
                )
            elif column.kind == "bool":
                choices = "是；否"
            values = [
                sheet_name,
                column.header,
                column.field,
                _("是") if column.required else "",
                KIND_LABELS.get(column.kind, ""),
                choices,
                str(column.note),
            ]
            for col, value in enumerate(values, start=1):
                cell = _write_cell(sheet, row, col, str(value), column.header)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for letter, width in zip("ABCDEFG", (10, 20, 22, 6, 18, 40, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def write_xlsx(records: list[dict[str, Any]], *, example: bool = False) -> bytes:
    """The workbook: 事项, 申请材料, 责任事项 (+ 说明 and the 代码表 behind the drop-downs)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    data_sheets = [workbook.create_sheet(sheet) for sheet in SHEET_COLUMNS]
    ranges = _code_sheet(workbook)
    _guide_sheet(workbook, example)
    for worksheet in data_sheets:
        _data_sheet(worksheet, worksheet.title, records, ranges, example)
    workbook.active = workbook.sheetnames.index(ITEMS)
    workbook[CODES].sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
