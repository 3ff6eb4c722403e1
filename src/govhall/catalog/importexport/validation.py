"""Checking every row of an import before anything is written.

For each item row: the cells (codes, numbers, required elements), the code structure
(``catalog.codes``), the department (known, active, and one the actor may edit), the region,
duplicates within the file, the state of an existing item, and the guide quality rules
(``rules.guide_problems``). Materials and responsibility entries are checked and attached to
their item row. The result is one ``ItemPlan`` per item row and every problem found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from govhall.catalog import permissions
from govhall.catalog.codes import implementation_code, validate_basic_code
from govhall.catalog.importexport import cells
from govhall.catalog.importexport.columns import (
    ITEM_COLUMNS,
    ITEMS,
    MATERIALS,
    RESPONSIBILITIES,
    Column,
    header_of,
)
from govhall.catalog.importexport.comparison import CHILD_COLUMNS, differences
from govhall.catalog.importexport.reading import ParsedFile, RawRow, RowError
from govhall.catalog.models import Item, ItemVersion, Material, Responsibility
from govhall.catalog.rules import guide_problems
from govhall.catalog.services import VERSION_FIELDS
from govhall.core import errors
from govhall.organizations.models import Department, Region

OPEN_STATES = ("draft", "in_review", "rejected", "scheduled")
CHILD_MODELS = {MATERIALS: Material, RESPONSIBILITIES: Responsibility}


@dataclass
class ItemPlan:
    """What the import will do with one item row."""

    row: RawRow
    department: Department
    basic_code: str
    code: str
    data: dict[str, Any]  # every element of VERSION_FIELDS (region as its code)
    materials: list[dict[str, Any]] | None = None  # None: the file does not carry them
    responsibilities: list[dict[str, Any]] | None = None
    given_code: str = ""  # the 实施编码 cell as filled in (may be empty for a new item)
    item: Item | None = None  # the existing item
    base: ItemVersion | None = None  # its open draft, else its published version
    action: str = "create"  # create | update_draft | new_draft | unchanged
    changed: list[str] = field(default_factory=list)
    materials_changed: bool = False
    responsibilities_changed: bool = False


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.rows_with_errors: set[tuple[str, int]] = set()

    def add(self, row: RawRow, column: str, message: str) -> None:
        self.items.append(RowError(row.sheet, row.row, column, row.label + message))
        self.rows_with_errors.add((row.sheet, row.row))

    def has(self, row: RawRow) -> bool:
        return (row.sheet, row.row) in self.rows_with_errors


def _default(model: type[models.Model], name: str) -> Any:
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a column of the file that is not a model field (codes, USCC)
        return ""
    if model_field.has_default():
        return model_field.get_default()
    return "" if isinstance(model_field, models.CharField | models.TextField) else None


def _max_length(model: type[models.Model], name: str) -> int | None:
    try:
        return getattr(model._meta.get_field(name), "max_length", None)
    except FieldDoesNotExist:
        return None


def parse_row(
    row: RawRow, columns: tuple[Column, ...], model: type[models.Model], problems: _Errors
) -> dict[str, Any]:
    """Every writable column of the row as a stored value (defaults for blank cells)."""
    values: dict[str, Any] = {}
    for column in columns:
        if column.read_only:
            continue
        raw = row.values.get(column.field)
        if column.field in row.formulas:
            problems.add(row, column.header, _("单元格含公式,请复制后“粘贴为数值”再导入。"))
            continue
        if cells.is_blank(raw) or raw == []:
            if column.required:
                problems.add(row, column.header, _("必须填写。"))
            values[column.field] = cells.blank_value(column, _default(model, column.field))
            continue
        try:
            value = cells.parse(column, raw)
        except cells.CellError as exc:
            problems.add(row, column.header, str(exc))
            continue
        limit = _max_length(model, column.field) if column.kind == "text" else None
        if limit and len(value) > limit:
            problems.add(row, column.header, _("不能超过%(n)d个字符。") % {"n": limit})
            continue
        values[column.field] = value
    return values


class _Lookups:
    """Departments, regions and existing items referenced by the file, read in bulk."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        usccs = {r.get("department_uscc") for r in rows} - {None, ""}
        self.departments = {d.uscc: d for d in Department.objects.filter(uscc__in=usccs)}
        regions = {r.get("region") for r in rows} - {None, ""}
        self.regions = set(Region.objects.filter(code__in=regions).values_list("code", flat=True))
        self.items: dict[str, Item] = {}
        self.open_versions: dict[int, ItemVersion] = {}

    def load_items(self, codes: set[str]) -> None:
        items = (
            Item.objects.filter(implementation_code__in=codes)
            .select_related("published_version")
            .prefetch_related("published_version__materials", "published_version__responsibilities")
        )
        self.items = {item.implementation_code: item for item in items}
        versions = ItemVersion.objects.filter(
            item__in=list(self.items.values()), state__in=OPEN_STATES
        ).prefetch_related("materials", "responsibilities")
        self.open_versions = {version.item_id: version for version in versions}


def _check_identity(
    row: RawRow,
    values: dict[str, Any],
    lookups: _Lookups,
    actor: Any,
    only: Department | None,
    problems: _Errors,
    csv_source: bool = False,
) -> tuple[Department | None, str]:
    """The department and the implementation code of an item row ('' when not derivable)."""
    department = None
    uscc = values.get("department_uscc")
    if uscc:
        department = lookups.departments.get(uscc)
        if department is None:
            problems.add(
                row,
                "实施主体编码",
                _("未找到统一社会信用代码为 %(uscc)s 的部门。") % {"uscc": uscc},
            )
        elif not department.is_active:
            problems.add(
                row, "实施主体编码", _("部门“%(name)s”已停用。") % {"name": department.name}
            )
            department = None
        elif only is not None and department.pk != only.pk:
            problems.add(
                row,
                "实施主体编码",
                _("本次导入仅限“%(only)s”的事项,该行属于“%(name)s”。")
                % {"only": only.name, "name": department.name},
            )
            department = None
        elif not permissions.can_edit_catalog(actor, department.pk):
            problems.add(
                row,
                "实施主体编码",
                _("您不是“%(name)s”的清单管理员,不能导入其事项。") % {"name": department.name},
            )
            department = None
    basic = values.get("basic_code")
    item_type = values.get("item_type") or None
    if basic:
        try:
            validate_basic_code(basic, item_type=item_type)
        except errors.ValidationError as exc:
            message = exc.message
            if csv_source and basic.isdigit() and len(basic) < 12:
                message += _("(用 Excel 打开并保存过 CSV 时,编码开头的0可能已丢失。)")
            problems.add(row, "基本编码", message)
            basic = None
    level = values.get("exercise_level")
    if not (department and basic and level):
        return department, ""
    code = implementation_code(uscc=department.uscc, exercise_level=level, basic_code=basic)
    given = values.get("implementation_code")
    if given and given != code:
        problems.add(
            row,
            "实施编码",
            _("实施编码与实施主体编码、行使层级、基本编码不一致,应为 %(code)s。") % {"code": code},
        )
    region = values.get("region")
    if region and region not in lookups.regions:
        problems.add(row, "实施区划代码", _("未知的行政区划代码 %(code)s。") % {"code": region})
    return department, code


def _children(
    parsed: ParsedFile, sheet: str, keys: list[tuple[int, set[str], str]], problems: _Errors
) -> dict[int, list[tuple[tuple[int | None, int], dict[str, Any]]]]:
    """Child rows grouped by the row number (JSON: position) of their item row. ``keys``: the
    row number, implementation codes and basic code of every item row, valid or not."""
    grouped: dict[int, list[tuple[tuple[int | None, int], dict[str, Any]]]] = defaultdict(list)
    by_code: dict[str, list[int]] = defaultdict(list)
    by_basic: dict[str, list[int]] = defaultdict(list)
    for number, codes, basic in keys:
        for code in codes - {""}:
            by_code[code].append(number)
        if basic:
            by_basic[basic].append(number)
    for index, row in enumerate(parsed.tables.get(sheet, [])):
        values = parse_row(row, CHILD_COLUMNS[sheet], CHILD_MODELS[sheet], problems)
        if parsed.nested:
            parent = row.parent
        else:
            parent = _parent_of(row, values, by_code, by_basic, problems)
        if parent is None:
            continue
        order = values.pop("order", None)
        if cells.is_blank(row.values.get("order")):
            order = None  # no 序号: stays after the row before it
        values.pop("implementation_code", None)
        values.pop("basic_code", None)
        grouped[parent].append(((order, index), values))
    return grouped


def _in_order(rows: list[tuple[tuple[int | None, int], dict[str, Any]]]) -> list[dict[str, Any]]:
    """By 序号; a row without one keeps its place after the row before it in the file."""
    keyed = []
    previous = 0
    for (order, index), values in sorted(rows, key=lambda entry: entry[0][1]):
        previous = order if order is not None else previous
        keyed.append(((previous, index), values))
    return [values for _key, values in sorted(keyed, key=lambda entry: entry[0])]


def _parent_of(
    row: RawRow,
    values: dict[str, Any],
    by_code: dict[str, list[int]],
    by_basic: dict[str, list[int]],
    problems: _Errors,
) -> int | None:
    code, basic = values.get("implementation_code"), values.get("basic_code")
    if code:
        matches = by_code.get(code, [])
        if not matches:
            problems.add(
                row,
                "实施编码",
                _("在“事项”表中找不到实施编码为 %(code)s 的事项。") % {"code": code},
            )
            return None
    elif basic:
        matches = by_basic.get(basic, [])
        if not matches:
            problems.add(
                row,
                "基本编码",
                _("在“事项”表中找不到基本编码为 %(code)s 的事项。") % {"code": basic},
            )
            return None
        if len(set(matches)) > 1:
            problems.add(
                row,
                "基本编码",
                _("基本编码 %(code)s 在“事项”表中对应多个事项,请填写实施编码。") % {"code": basic},
            )
            return None
    else:
        problems.add(row, "实施编码", _("请填写所属事项的实施编码或基本编码。"))
        return None
    return matches[0]


def compare(plan: ItemPlan) -> None:
    """Decide what the import does with an existing item: compare the row with its open draft
    (or, without one, its published version)."""
    base = plan.base
    if base is None:
        return
    plan.changed, plan.materials_changed, plan.responsibilities_changed = differences(
        base, plan.data, plan.materials, plan.responsibilities
    )
    if not (plan.changed or plan.materials_changed or plan.responsibilities_changed):
        plan.action = "unchanged"
    elif base.state == ItemVersion.State.PUBLISHED:
        plan.action = "new_draft"
    else:
        plan.action = "update_draft"


def _check_existing(plan: ItemPlan, lookups: _Lookups, problems: _Errors) -> None:
    item = lookups.items.get(plan.code)
    if item is None:
        return
    plan.item = item
    if item.status == Item.Status.CANCELLED:
        problems.add(
            plan.row, "实施编码", _("事项 %(code)s 已取消,不能通过导入修改。") % {"code": plan.code}
        )
        return
    plan.base = lookups.open_versions.get(item.pk) or item.published_version
    if plan.base is None:
        problems.add(
            plan.row, "实施编码", _("事项 %(code)s 没有可修改的版本。") % {"code": plan.code}
        )
        return
    compare(plan)
    if (
        plan.action != "unchanged"
        and plan.base is not None
        and plan.base.state
        in (
            ItemVersion.State.IN_REVIEW,
            ItemVersion.State.SCHEDULED,
        )
    ):
        problems.add(
            plan.row,
            "实施编码",
            _("事项 %(code)s 有待审核或待生效的版本,请审核后再导入修改。") % {"code": plan.code},
        )


def _check_duplicates(plans: list[ItemPlan], problems: _Errors) -> None:
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for plan in plans:
        if plan.code:
            rows_by_code[plan.code].append(plan.row.row)
    for plan in plans:
        rows = rows_by_code.get(plan.code, [])
        if len(rows) > 1:
            others = "、".join(str(n) for n in rows if n != plan.row.row)
            problems.add(
                plan.row,
                "实施编码",
                _("实施编码 %(code)s 在文件中重复(另见第%(rows)s行)。")
                % {"code": plan.code, "rows": others},
            )


def _check_guide(plan: ItemPlan, problems: _Errors) -> None:
    data = {k: v for k, v in plan.data.items() if k != "region"}
    version = ItemVersion(region_id=plan.data["region"], **data)
    if plan.responsibilities is not None:
        responsibilities: list[Any] = plan.responsibilities
    elif plan.base is not None:
        responsibilities = list(plan.base.responsibilities.all())
    else:
        responsibilities = []
    for problem in guide_problems(version, responsibilities=responsibilities):
        problems.add(
            plan.row, header_of(ITEMS, problem.field), f"[{problem.rule}] {problem.message}"
        )


def validate(
    parsed: ParsedFile, *, actor: Any, department: Department | None
) -> tuple[list[ItemPlan], list[RowError]]:
    problems = _Errors()
    item_rows = parsed.tables.get(ITEMS, [])
    parsed_rows = [(row, parse_row(row, ITEM_COLUMNS, ItemVersion, problems)) for row in item_rows]
    lookups = _Lookups([values for _row, values in parsed_rows])
    plans: list[ItemPlan] = []
    for row, values in parsed_rows:
        found, code = _check_identity(
            row, values, lookups, actor, department, problems, parsed.source == "csv"
        )
        if found is None:
            continue
        data = {name: values.get(name) for name in VERSION_FIELDS}
        data["region"] = values.get("region") or found.region_id
        plan = ItemPlan(row, found, values.get("basic_code") or "", code, data)
        plan.given_code = values.get("implementation_code") or ""
        plans.append(plan)
    keys = [
        (row.row, {values.get("implementation_code") or ""}, values.get("basic_code") or "")
        for row, values in parsed_rows
    ]
    for plan in plans:
        keys.append((plan.row.row, {plan.code}, ""))
    _attach_children(parsed, plans, keys, problems)
    lookups.load_items({plan.code for plan in plans if plan.code})
    _check_duplicates(plans, problems)
    for plan in plans:
        if problems.has(plan.row) or not plan.code:
            continue
        _check_existing(plan, lookups, problems)
        if not problems.has(plan.row) and plan.action != "unchanged":
            _check_guide(plan, problems)
    return plans, problems.items


_SHEET_ORDER = {ITEMS: 0, MATERIALS: 1, RESPONSIBILITIES: 2}
_COLUMN_ORDER = {
    sheet: {column.header: index for index, column in enumerate(columns)}
    for sheet, columns in ((ITEMS, ITEM_COLUMNS), *CHILD_COLUMNS.items())
}


def problem_position(problem: RowError) -> tuple[int, int, int]:
    """Problems as a person reads the file: by sheet, row, then column."""
    return (
        _SHEET_ORDER.get(problem.sheet, 3),
        problem.row or 0,
        _COLUMN_ORDER.get(problem.sheet, {}).get(problem.column, 999),
    )


def _attach_children(
    parsed: ParsedFile,
    plans: list[ItemPlan],
    keys: list[tuple[int, set[str], str]],
    problems: _Errors,
) -> None:
    plans_by_row = {plan.row.row: plan for plan in plans}
    for sheet in (MATERIALS, RESPONSIBILITIES):
        if sheet not in parsed.tables:
            continue
        grouped = _children(parsed, sheet, keys, problems)
        for number, plan in plans_by_row.items():
            if parsed.nested and number not in parsed.nested_present.get(sheet, set()):
                continue
            rows = _in_order(grouped.get(number, []))
            if sheet == MATERIALS:
                plan.materials = rows
            else:
                plan.responsibilities = rows
