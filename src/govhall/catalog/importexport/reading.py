"""Reading an uploaded file into rows: Excel workbooks, CSV files (alone or zipped) and JSON.

The reader only finds the tables, their headers and their rows. It refuses a file it cannot
read at all (``file_error``: garbage, an old .xls, too large) and reports, as row problems, what
it can locate: unknown sheets and columns, missing required columns, formula cells. Values are
checked afterwards (``validation``).

Limits: ``MAX_FILE_BYTES`` per upload, ``MAX_ROWS`` data rows per table, and
``MAX_UNCOMPRESSED_BYTES`` for what a workbook or zip expands to (a zip bomb is refused before
it is read).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from govhall.catalog.importexport.cells import clean_text, is_blank
from govhall.catalog.importexport.columns import (
    CHILD_KEYS,
    CODES,
    DATA_SHEETS,
    FILE_STEMS,
    GUIDE,
    ITEMS,
    MATERIALS,
    RESPONSIBILITIES,
    SHEET_COLUMNS,
    column_by_field,
    column_by_header,
)
from govhall.core import errors

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
MAX_SHEET_LINES = 100_000  # rows read from one sheet, blank ones included
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
CSV_ESCAPED = ("=", "+", "-", "@", "'")  # a CSV cell starting with these is written as 'value


@dataclass(frozen=True)
class RowError:
    """One problem, located as a person sees it: sheet, row number, column header."""

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class RawRow:
    sheet: str
    row: int
    values: dict[str, Any]  # field name -> the value as the file holds it
    parent: int | None = None  # JSON: the position of the item the row is nested in
    label: str = ""  # JSON: "第2项" (which material of the item)
    formulas: set[str] = field(default_factory=set)  # fields whose cell held a formula


@dataclass
class ParsedFile:
    tables: dict[str, list[RawRow]]  # a table missing from the file has no key
    problems: list[RowError]
    nested: bool = False  # JSON: materials and responsibilities are nested in their item
    source: str = "xlsx"  # xlsx | csv | json
    # JSON: positions of the items that carry a "materials" / "responsibilities" key
    nested_present: dict[str, set[int]] = field(default_factory=dict)


def file_error(message: str) -> errors.ValidationError:
    return errors.ValidationError(message, code="invalid_file", fields={"file": [message]})


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _TableBuilder:
    """Headers of row 1, then data rows; shared by the workbook and CSV readers."""

    def __init__(self, sheet: str, problems: list[RowError]) -> None:
        self.sheet = sheet
        self.problems = problems
        self.rows: list[RawRow] = []
        self.fields: dict[int, str] = {}  # column index -> field
        self.ignored: set[int] = set()
        self.headerless_reported: set[int] = set()

    def header(self, cells: list[Any]) -> None:
        known = column_by_header(self.sheet)
        seen: dict[str, int] = {}
        for index, value in enumerate(cells):
            text = clean_text(value).rstrip("*＊").strip()
            if not text:
                continue
            if text in seen:
                self.problems.append(
                    RowError(
                        self.sheet,
                        1,
                        text,
                        _("列名重复(与第%(col)s列)。") % {"col": _column_letter(seen[text])},
                    )
                )
                self.ignored.add(index)
                continue
            seen[text] = index
            column = known.get(text)
            if column is None:
                self.problems.append(
                    RowError(self.sheet, 1, text, _("未知的列,请删除或按模板修改列名。"))
                )
                self.ignored.add(index)
            elif column.read_only:
                self.ignored.add(index)
            else:
                self.fields[index] = column.field
        present = set(self.fields.values())
        for column in SHEET_COLUMNS[self.sheet]:
            if column.required and column.field not in present:
                self.problems.append(
                    RowError(
                        self.sheet,
                        1,
                        column.header,
                        _("缺少必填列“%(header)s”。") % {"header": column.header},
                    )
                )
        if self.sheet != ITEMS and not present & {"implementation_code", "basic_code"}:
            self.problems.append(
                RowError(
                    self.sheet, 1, "实施编码", _("缺少“实施编码”或“基本编码”列,无法确定所属事项。")
                )
            )

    def row(self, number: int, cells: list[tuple[Any, bool]]) -> None:
        """``cells``: (value, is_formula) per column."""
        if all(is_blank(value) and not formula for value, formula in cells):
            return
        if len(self.rows) >= MAX_ROWS:
            raise file_error(
                _("工作表“%(sheet)s”超过%(max)d行数据,请分批导入。")
                % {"sheet": self.sheet, "max": MAX_ROWS}
            )
        values: dict[str, Any] = {}
        formulas: set[str] = set()
        for index, (value, formula) in enumerate(cells):
            name = self.fields.get(index)
            if name is None:
                if (
                    not is_blank(value)
                    and index not in self.ignored
                    and index not in self.headerless_reported
                ):
                    self.headerless_reported.add(index)
                    self.problems.append(
                        RowError(
                            self.sheet,
                            number,
                            _column_letter(index) + _("列"),
                            _("该列有数据但没有列名。"),
                        )
                    )
                continue
            if formula:
                formulas.add(name)
                continue
            values[name] = value
        self.rows.append(RawRow(self.sheet, number, values, formulas=formulas))


# --- Excel ------------------------------------------------------------------------------------


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise file_error(_("文件已损坏,无法作为 Excel(.xlsx)或 zip 文件打开。")) from exc
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        raise file_error(_("文件解压后过大,请分批导入。"))
    return archive


def _is_workbook(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _formula(cell: Any) -> bool:
    if getattr(cell, "data_type", None) == "f":
        return True
    value = getattr(cell, "value", None)
    return type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


def _read_sheet(sheet: str, worksheet: Any, problems: list[RowError]) -> list[RawRow]:
    builder = _TableBuilder(sheet, problems)
    worksheet.reset_dimensions()  # read every row, whatever the file's <dimension> claims
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        if number > MAX_SHEET_LINES:  # blank rows count here: a sheet padded to a million rows
            raise file_error(
                _("工作表“%(sheet)s”的行数过多(含空行),请删除多余的空行后再导入。")
                % {"sheet": sheet}
            )
        if number == 1:
            builder.header([cell.value for cell in cells])
            if not builder.fields:
                break
            continue
        builder.row(number, [(cell.value, _formula(cell)) for cell in cells])
    return builder.rows


def _read_workbook(data: bytes) -> ParsedFile:
    import openpyxl

    _open_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise file_error(_("无法读取 Excel 文件,文件可能已损坏或不是 .xlsx 格式。")) from exc
    tables: dict[str, list[RawRow]] = {}
    problems: list[RowError] = []
    try:
        for name in workbook.sheetnames:
            title = name.strip()
            if title in (GUIDE, CODES):
                continue
            if title not in DATA_SHEETS:
                problems.append(
                    RowError(
                        title, None, "", _("未知的工作表,应为“事项”“申请材料”“责任事项”之一。")
                    )
                )
                continue
            worksheet = workbook[name]
            if not hasattr(worksheet, "iter_rows"):  # a chart sheet
                continue
            tables[title] = _read_sheet(title, worksheet, problems)
    except errors.ApplicationError:
        raise
    except Exception as exc:
        raise file_error(_("无法读取 Excel 文件,文件可能已损坏。")) from exc
    finally:
        workbook.close()
    if ITEMS not in tables:
        raise file_error(_("文件中没有“事项”工作表。"))
    return ParsedFile(tables, problems)


# --- CSV --------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK (GB 18030, its superset)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error(_("文件编码无法识别,请保存为 UTF-8 或 GBK 编码。"))


def _unescape(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in CSV_ESCAPED:
        return value[1:]
    return value


def _sheet_of_csv(stem: str, header: list[str]) -> str | None:
    for sheet, stems in FILE_STEMS.items():
        if stem.strip().lower() in stems:
            return sheet
    headers = {clean_text(h).rstrip("*＊") for h in header}
    if "事项名称" in headers:
        return ITEMS
    if "材料名称" in headers:
        return MATERIALS
    if "追责情形" in headers:
        return RESPONSIBILITIES
    return None


def _read_csv_table(text: str, stem: str, problems: list[RowError]) -> tuple[str, list[RawRow]]:
    # JSON cells (legal basis texts) may exceed the csv module's 128 KiB default.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise file_error(_("CSV 文件格式错误:%(error)s") % {"error": exc}) from exc
    if not records:
        raise file_error(_("CSV 文件“%(name)s”为空。") % {"name": stem})
    sheet = _sheet_of_csv(stem, records[0])
    if sheet is None:
        raise file_error(
            _(
                "无法判断 CSV 文件“%(name)s”是哪张表:"
                "请命名为 事项.csv、申请材料.csv 或 责任事项.csv。"
            )
            % {"name": stem}
        )
    builder = _TableBuilder(sheet, problems)
    builder.header(records[0])
    for number, record in enumerate(records[1:], start=2):
        builder.row(number, [(_unescape(value), False) for value in record])
    return sheet, builder.rows


def _read_csv(data: bytes, filename: str) -> ParsedFile:
    problems: list[RowError] = []
    sheet, rows = _read_csv_table(decode_text(data), PurePosixPath(filename).stem, problems)
    return ParsedFile({sheet: rows}, problems, source="csv")


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # not marked UTF-8: Windows zips Chinese names in GBK
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name


def _read_csv_zip(archive: zipfile.ZipFile) -> ParsedFile:
    tables: dict[str, list[RawRow]] = {}
    problems: list[RowError] = []
    for info in archive.infolist():
        name = _member_name(info)
        path = PurePosixPath(name)
        if info.is_dir() or name.startswith("__MACOSX/") or path.name.startswith("."):
            continue
        if path.suffix.lower() != ".csv":
            problems.append(RowError(name, None, "", _("压缩包中只应有 CSV 文件。")))
            continue
        try:
            content = archive.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
            raise file_error(_("压缩包已损坏,无法读取“%(name)s”。") % {"name": name}) from exc
        sheet, rows = _read_csv_table(decode_text(content), path.stem, problems)
        if sheet in tables:
            problems.append(
                RowError(name, None, "", _("压缩包中有两个“%(sheet)s”文件。") % {"sheet": sheet})
            )
            continue
        tables[sheet] = rows
    if ITEMS not in tables:
        raise file_error(_("压缩包中没有 事项.csv。"))
    return ParsedFile(tables, problems, source="csv")


# --- JSON -------------------------------------------------------------------------------------


def _json_row(
    sheet: str, position: int, entry: Any, problems: list[RowError], label: str = ""
) -> RawRow | None:
    if not isinstance(entry, dict):
        problems.append(RowError(sheet, position, "", label + _("应为 JSON 对象。")))
        return None
    known = column_by_field(sheet)
    values: dict[str, Any] = {}
    for key, value in entry.items():
        column = known.get(key)
        if key in CHILD_KEYS.values() and sheet == ITEMS:
            continue
        if column is None:
            problems.append(RowError(sheet, position, key, label + _("未知的要素。")))
        elif not column.read_only and not (column.key and sheet != ITEMS):
            values[key] = value
    return RawRow(sheet, position, values, label=label)


def _read_json(text: str) -> ParsedFile:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise file_error(_("JSON 格式错误:%(error)s") % {"error": exc}) from exc
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        document = document["items"]
    if not isinstance(document, list):
        raise file_error(_("JSON 文件应为事项数组([{...}, ...])。"))
    if len(document) > MAX_ROWS:
        raise file_error(_("文件超过%(max)d个事项,请分批导入。") % {"max": MAX_ROWS})
    problems: list[RowError] = []
    tables: dict[str, list[RawRow]] = {ITEMS: [], MATERIALS: [], RESPONSIBILITIES: []}
    present: dict[str, set[int]] = {MATERIALS: set(), RESPONSIBILITIES: set()}
    for position, entry in enumerate(document, start=1):
        row = _json_row(ITEMS, position, entry, problems)
        if row is None:
            continue
        tables[ITEMS].append(row)
        for sheet, key in CHILD_KEYS.items():
            if key not in entry:
                continue
            children = entry[key]
            if not isinstance(children, list):
                problems.append(RowError(sheet, position, "", _("应为 JSON 数组。")))
                continue
            present[sheet].add(position)
            for index, child in enumerate(children, start=1):
                label = _("第%(n)d项:") % {"n": index}
                child_row = _json_row(sheet, position, child, problems, label)
                if child_row is not None:
                    child_row.parent = position
                    tables[sheet].append(child_row)
            if len(tables[sheet]) > MAX_ROWS:
                raise file_error(
                    _("文件中的%(sheet)s超过%(max)d行,请分批导入。")
                    % {"sheet": sheet, "max": MAX_ROWS}
                )
    return ParsedFile(tables, problems, nested=True, nested_present=present, source="json")


# --- dispatch ---------------------------------------------------------------------------------


def read_file(data: bytes, filename: str) -> ParsedFile:
    """Parse an upload by its content (the file name only breaks ties)."""
    if not data:
        raise file_error(_("文件为空。"))
    if len(data) > MAX_FILE_BYTES:
        raise file_error(
            _("文件超过%(mb)dMB,请分批导入。") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    suffix = PurePosixPath(filename or "").suffix.lower()
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        archive = _open_zip(data)
        if _is_workbook(archive):
            return _read_workbook(data)
        return _read_csv_zip(archive)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise file_error(_("不支持 Excel 97-2003(.xls)格式,请另存为 .xlsx 后导入。"))
    if suffix in {".xlsx", ".xlsm", ".zip"}:
        raise file_error(_("文件已损坏,无法作为 Excel(.xlsx)或 zip 文件打开。"))
    text = decode_text(data)
    if suffix == ".json" or text.lstrip()[:1] in ("[", "{"):
        return _read_json(text)
    if suffix in {".csv", ".txt", ""}:
        return _read_csv(data, filename or "事项.csv")
    raise file_error(_("不支持的文件类型,请上传 .xlsx、.csv、.zip 或 .json 文件。"))
