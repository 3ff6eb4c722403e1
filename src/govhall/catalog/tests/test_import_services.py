"""catalog_import: drafts from a file, every error located, nothing half-imported."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.catalog import services
from govhall.catalog.importexport import (
    MAX_FILE_BYTES,
    ImportInvalid,
    catalog_export,
    catalog_import,
    catalog_template,
)
from govhall.catalog.importexport.columns import ITEM_COLUMNS
from govhall.catalog.models import Item, ItemVersion, Material, Responsibility
from govhall.catalog.tests.factories import published_item
from govhall.core import errors
from govhall.core.models import AuditEntry
from govhall.organizations.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

ITEM_HEADERS = [c.header for c in ITEM_COLUMNS if not c.read_only]


@pytest.fixture
def editor(housing_department):
    return StaffFactory(
        username="zjj_catalog", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def police_editor(police_department):
    return StaffFactory(
        username="gaj_catalog", department=police_department, posts=["catalog_admin"]
    )


def counts() -> tuple[int, int, int, int, int]:
    return (
        Item.objects.count(),
        ItemVersion.objects.count(),
        Material.objects.count(),
        Responsibility.objects.count(),
        AuditEntry.objects.count(),
    )


def run(actor, content: bytes, filename: str = "catalog.xlsx", department=None, reason="导入"):
    return catalog_import(
        actor=actor,
        department_or_none=department,
        file_bytes=content,
        filename=filename,
        reason=reason,
    )


def problems_of(actor, content: bytes, filename: str = "catalog.xlsx", **kwargs):
    before = counts()
    with pytest.raises(ImportInvalid) as info:
        run(actor, content, filename, **kwargs)
    assert counts() == before, "nothing may be imported when a row is wrong"
    return [(p.sheet, p.row, p.column, p.message) for p in info.value.problems]


def template_workbook(department) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(catalog_template(department=department)))


def save(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_cell(sheet, row: int, header: str, value) -> None:
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=row, column=headers.index(header) + 1).value = value


def copy_row(sheet, source: int, target: int) -> None:
    for cell in sheet[source]:
        sheet.cell(row=target, column=cell.column, value=cell.value)


# --- the template -----------------------------------------------------------------------------


def test_template_example_imports_as_a_draft(editor, housing_department):
    report = run(editor, catalog_template(department=housing_department), "模板.xlsx")
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    draft = report.drafts[0]
    assert draft.state == ItemVersion.State.DRAFT and draft.number == 1
    assert draft.item.department == housing_department
    assert draft.materials.count() == 2 and draft.responsibilities.count() == 1
    assert draft.legal_basis[0]["law"] == "公共租赁住房管理办法"
    services.version_check(draft)  # the example obeys the guide rules
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("catalog.import") == 1 and "catalog.item_create" in actions
    # importing the same template again changes nothing
    again = run(editor, catalog_template(department=housing_department), "模板.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_template_in_other_formats_imports(editor, housing_department, fmt):
    name = "template.zip" if fmt == "csv" else "template.json"
    report = run(editor, catalog_template(fmt=fmt, department=housing_department), name)
    assert report.created == 1


def test_template_explains_columns_and_offers_drop_downs(housing_department):
    workbook = template_workbook(housing_department)
    assert workbook.sheetnames[:1] == ["说明"] or "说明" in workbook.sheetnames
    assert {"事项", "申请材料", "责任事项", "代码表"} <= set(workbook.sheetnames)
    headers = [cell.value for cell in workbook["事项"][1]]
    for header in ["事项名称", "基本编码", "实施编码", "事项类型", "行使层级", "法定办结时限"]:
        assert header in headers
    assert {"承诺办结时限", "到办事现场次数", "网上办理深度"} <= set(headers)
    guide = "\n".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    assert "01 行政许可" in guide and "JSON" in guide
    validations = workbook["事项"].data_validations.dataValidation
    assert any("代码表" in (v.formula1 or "") for v in validations)
    assert any(v.formula1 == '"是,否"' for v in validations)


# --- drafts -----------------------------------------------------------------------------------


def test_changed_row_makes_a_revision_with_the_import_reason(editor, housing_department):
    version = published_item(housing_department)
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    set_cell(workbook["事项"], 2, "承诺办结时限", 5)
    report = run(editor, save(workbook), reason="压缩承诺时限")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    draft = report.drafts[0]
    assert draft.number == 2 and draft.state == ItemVersion.State.DRAFT
    assert draft.change_reason == "压缩承诺时限" and draft.promised_limit_days == 5
    assert draft.materials.count() == 3 and draft.responsibilities.count() == 1
    version.refresh_from_db()
    assert version.state == ItemVersion.State.PUBLISHED and version.promised_limit_days == 10
    # the same file again: the draft already says so
    again = run(editor, save(workbook), reason="再次导入")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert ItemVersion.objects.filter(item=version.item).count() == 2


def test_an_open_draft_is_updated_in_place(editor, housing_department):
    run(editor, catalog_template(department=housing_department))
    workbook = template_workbook(housing_department)
    set_cell(workbook["事项"], 2, "办理时间", "工作日全天")
    report = run(editor, save(workbook))
    assert report.updated == 1
    assert ItemVersion.objects.get().hours == "工作日全天"


def test_materials_sheet_replaces_materials_and_a_missing_sheet_keeps_them(
    editor, housing_department
):
    published_item(housing_department)
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    workbook["申请材料"].delete_rows(3, 1)
    report = run(editor, save(workbook))
    assert report.updated == 1 and report.drafts[0].materials.count() == 2
    # without the 申请材料 sheet the draft keeps the materials it has
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    del workbook["申请材料"]
    set_cell(workbook["事项"], 2, "办理时间", "工作日全天")
    report = run(editor, save(workbook))
    assert report.updated == 1 and report.drafts[0].materials.count() == 2
    assert report.drafts[0].hours == "工作日全天"


def test_a_new_item_row_links_materials_by_basic_code(editor, housing_department):
    workbook = template_workbook(housing_department)
    set_cell(workbook["事项"], 2, "实施编码", None)
    set_cell(workbook["申请材料"], 2, "实施编码", None)
    set_cell(workbook["申请材料"], 3, "实施编码", None)
    set_cell(workbook["责任事项"], 2, "实施编码", None)
    report = run(editor, save(workbook))
    assert report.created == 1 and report.drafts[0].materials.count() == 2


def test_json_nested_materials_and_responsibilities(editor, housing_department):
    document = json.loads(catalog_template(fmt="json", department=housing_department))
    document[0]["materials"].append({"name": "户口簿", "source_channel": "1"})
    report = run(editor, json.dumps(document, ensure_ascii=False).encode(), "items.json")
    names = list(report.drafts[0].materials.values_list("name", flat=True))
    assert names == ["居民身份证", "公共租赁住房申请承诺书", "户口簿"]


def test_gbk_csv_imports(editor, housing_department):
    template = zipfile.ZipFile(
        io.BytesIO(catalog_template(fmt="csv", department=housing_department))
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in template.namelist():
            archive.writestr(name, template.read(name).decode("utf-8-sig").encode("gbk"))
    report = run(editor, buffer.getvalue(), "清单.zip")
    assert report.created == 1
    draft = report.drafts[0]
    assert draft.name == "公共租赁住房保障资格申请(示例)" and draft.materials.count() == 2


def test_a_single_csv_of_items_in_gbk_or_utf8(editor, housing_department):
    version = published_item(housing_department)
    items = zipfile.ZipFile(io.BytesIO(catalog_export(fmt="csv"))).read("事项.csv")
    text = items.decode("utf-8-sig")
    for content in (text.encode("gbk"), text.encode("utf-8"), items):
        report = run(editor, content, "事项.csv")
        assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    changed = text.replace("周一至周五", "周一至周六").encode("gbk")
    report = run(editor, changed, "事项.csv")
    assert report.updated == 1
    draft = report.drafts[0]
    assert draft.hours.startswith("周一至周六")
    assert draft.materials.count() == version.materials.count()  # no materials file: kept


def test_excel_numbers_in_code_columns_keep_their_zeros(editor, housing_department):
    workbook = template_workbook(housing_department)
    set_cell(workbook["事项"], 2, "事项类型", 1)  # Excel turned "01" into 1
    set_cell(workbook["事项"], 2, "行使层级", "3 市级")  # the drop-down's text
    set_cell(workbook["事项"], 2, "法定办结时限", 20.0)
    assert run(editor, save(workbook)).created == 1


def test_reason_is_required(editor, housing_department):
    with pytest.raises(errors.ValidationError) as info:
        run(editor, catalog_template(department=housing_department), reason="  ")
    assert "reason" in info.value.fields


# --- every error, located ---------------------------------------------------------------------


def test_all_errors_are_reported_with_sheet_row_and_column(editor, housing_department):
    workbook = template_workbook(housing_department)
    items = workbook["事项"]
    for target in (3, 4, 5, 6, 7):
        copy_row(items, 2, target)
    set_cell(items, 2, "基本编码", "12345")  # wrong structure
    set_cell(items, 3, "实施主体编码", "11341600MA0000000X")  # unknown department
    set_cell(items, 4, "事项名称", None)  # missing required element
    set_cell(items, 5, "事项类型", "99")  # not in the code table
    set_cell(items, 5, "到办事现场次数", "两次")  # not a number
    # rows 6 and 7 are the same item: duplicated codes
    set_cell(items, 7, "监督投诉电话", "0558-5512345")  # and a guide rule broken
    problems = problems_of(editor, save(workbook))
    located = {(sheet, row, column) for sheet, row, column, _message in problems}
    assert ("事项", 2, "基本编码") in located
    assert ("事项", 3, "实施主体编码") in located
    assert ("事项", 4, "事项名称") in located
    assert ("事项", 5, "事项类型") in located
    assert ("事项", 5, "到办事现场次数") in located
    assert ("事项", 6, "实施编码") in located and ("事项", 7, "实施编码") in located
    messages = dict(((s, r, c), m) for s, r, c, m in problems)
    assert "重复" in messages[("事项", 6, "实施编码")]
    assert "未找到" in messages[("事项", 3, "实施主体编码")]
    assert "必须填写" in messages[("事项", 4, "事项名称")]


def test_guide_rules_are_checked_on_import(editor, housing_department):
    workbook = template_workbook(housing_department)
    set_cell(workbook["事项"], 2, "监督投诉电话", "0558-5512345")
    set_cell(workbook["事项"], 2, "承诺办结时限", 30)
    problems = problems_of(editor, save(workbook))
    by_column = {column: message for _s, _r, column, message in problems}
    assert "[R05]" in by_column["监督投诉电话"] and "[R10]" in by_column["承诺办结时限"]


def test_material_and_responsibility_rows_are_checked(editor, housing_department):
    workbook = template_workbook(housing_department)
    set_cell(workbook["申请材料"], 2, "材料名称", None)
    set_cell(workbook["申请材料"], 3, "来源渠道", "7")
    set_cell(workbook["申请材料"], 3, "实施编码", "1" * 31)
    set_cell(workbook["责任事项"], 2, "追责情形", None)
    located = {(s, r, c) for s, r, c, _m in problems_of(editor, save(workbook))}
    assert ("申请材料", 2, "材料名称") in located
    assert ("申请材料", 3, "来源渠道") in located
    assert ("申请材料", 3, "实施编码") in located  # no such item in the file
    assert ("责任事项", 2, "追责情形") in located


def test_formula_cells_are_refused(editor, housing_department):
    workbook = template_workbook(housing_department)
    set_cell(workbook["事项"], 2, "法定办结时限", "=10+10")
    problems = problems_of(editor, save(workbook))
    assert [(s, r, c) for s, r, c, _m in problems] == [("事项", 2, "法定办结时限")]
    assert "公式" in problems[0][3]


def test_unknown_sheets_and_columns_are_reported(editor, housing_department):
    workbook = template_workbook(housing_department)
    workbook.create_sheet("备注")
    items = workbook["事项"]
    items.cell(row=1, column=items.max_column + 1, value="审批科室")
    located = {(s, r, c) for s, r, c, _m in problems_of(editor, save(workbook))}
    assert ("备注", None, "") in located and ("事项", 1, "审批科室") in located


def test_missing_required_column_is_reported(editor, housing_department):
    workbook = template_workbook(housing_department)
    items = workbook["事项"]
    headers = [cell.value for cell in items[1]]
    items.delete_cols(headers.index("事项名称") + 1)
    located = {(s, r, c) for s, r, c, _m in problems_of(editor, save(workbook))}
    assert ("事项", 1, "事项名称") in located


def test_oversized_files_are_refused(editor):
    before = counts()
    with pytest.raises(errors.ValidationError) as info:
        run(editor, b"x" * (MAX_FILE_BYTES + 1), "big.csv")
    assert "10MB" in info.value.message and counts() == before


def test_too_many_rows_are_refused(editor):
    lines = ["基本编码,实施主体编码,事项名称,事项类型,行使层级,法定办结时限,承诺办结时限"]
    lines += ["000100001000,X,名称,01,3,1,1"] * 10_001
    with pytest.raises(errors.ValidationError) as info:
        run(editor, "\n".join(lines).encode(), "事项.csv")
    assert "10000" in info.value.message
    assert not isinstance(info.value, ImportInvalid)


@pytest.mark.parametrize(
    "filename",
    ["catalog.xlsx", "catalog.csv", "catalog.json", "catalog.zip", "catalog.xls", "catalog.bin"],
)
@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 8,
        b"PK\x03\x04" + b"\x00garbage" * 100,
        b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
        b"{not json",
        b"\x00\x00\x00",
    ],
)
def test_garbage_gives_a_clear_error(editor, filename, content):
    before = counts()
    with pytest.raises(errors.ValidationError) as info:
        run(editor, content, filename)
    assert info.value.message and counts() == before


def test_a_broken_workbook_inside_a_valid_zip_is_a_clear_error(editor):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not xml")
        archive.writestr("xl/workbook.xml", "garbage")
    with pytest.raises(errors.ValidationError) as info:
        run(editor, buffer.getvalue(), "catalog.xlsx")
    assert "Excel" in info.value.message


def test_empty_file(editor):
    with pytest.raises(errors.ValidationError):
        run(editor, b"", "catalog.xlsx")


def test_a_service_error_while_writing_rolls_everything_back(
    editor, housing_department, monkeypatch
):
    workbook = template_workbook(housing_department)
    items = workbook["事项"]
    copy_row(items, 2, 3)
    set_cell(items, 3, "基本编码", "002099998000")
    set_cell(items, 3, "事项类型", "20")  # a public service: needs no responsibility entries
    set_cell(items, 3, "实施编码", None)
    original = services.item_create
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["basic_code"])
        if len(calls) == 2:
            raise errors.Conflict("实施编码已存在。", fields={"basic_code": ["实施编码已存在。"]})
        return original(**kwargs)

    monkeypatch.setattr(services, "item_create", failing_second)
    problems = problems_of(editor, save(workbook))
    assert problems == [("事项", 3, "基本编码", "实施编码已存在。")]
    assert len(calls) == 2


# --- who may import what ----------------------------------------------------------------------


def test_another_departments_admin_gets_row_errors(police_editor, housing_department):
    problems = problems_of(police_editor, catalog_template(department=housing_department))
    assert [(s, r, c) for s, r, c, _m in problems] == [("事项", 2, "实施主体编码")]
    assert "清单管理员" in problems[0][3]


def test_import_limited_to_one_department(editor, housing_department, police_department):
    problems = problems_of(
        None, catalog_template(department=housing_department), department=police_department
    )
    assert problems[0][:3] == ("事项", 2, "实施主体编码") and "仅限" in problems[0][3]


@pytest.mark.parametrize("persona", ["clerk", "applicant", "other_clerk"])
def test_people_without_catalog_rights_are_refused(request, persona, housing_department):
    actor = request.getfixturevalue(persona)
    with pytest.raises(errors.PermissionDenied):
        run(actor, catalog_template(department=housing_department))


def test_system_admin_imports_any_department(admin_user, housing_department, police_department):
    workbook = template_workbook(housing_department)
    copy_row(workbook["事项"], 2, 3)
    set_cell(workbook["事项"], 3, "实施主体编码", police_department.uscc)
    set_cell(workbook["事项"], 3, "实施编码", None)
    set_cell(workbook["事项"], 3, "事项类型", "20")
    set_cell(workbook["事项"], 3, "基本编码", "002099999000")
    report = run(admin_user, save(workbook))
    assert report.created == 2
    departments = set(Item.objects.values_list("department_id", flat=True))
    assert departments == {housing_department.pk, police_department.pk}


def test_cancelled_and_in_review_items_are_not_changed(editor, housing_department):
    version = published_item(housing_department)
    draft = services.version_new_draft(actor=editor, item=version.item, reason="修订")
    services.version_submit(actor=editor, version=draft)
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    set_cell(workbook["事项"], 2, "办理时间", "工作日全天")
    problems = problems_of(editor, save(workbook))
    assert problems[0][:3] == ("事项", 2, "实施编码") and "待审核" in problems[0][3]


def test_inactive_department_is_refused(editor):
    department = DepartmentFactory(name="亳州市撤并局", is_active=False)
    problems = problems_of(None, catalog_template(department=department))
    assert problems[0][:3] == ("事项", 2, "实施主体编码")


def test_json_values_of_the_wrong_type_are_located(editor, housing_department):
    document = json.loads(catalog_template(fmt="json", department=housing_department))
    document[0]["name"] = ["不是文字"]
    document[0]["visits"] = "很多"
    document[0]["steps"] = {"name": "受理"}
    document[0]["materials"][1]["colour"] = "red"
    document.append("not an object")
    content = json.dumps(document, ensure_ascii=False).encode()
    located = {(s, r, c) for s, r, c, _m in problems_of(editor, content, "items.json")}
    assert {
        ("事项", 1, "事项名称"),
        ("事项", 1, "到办事现场次数"),
        ("事项", 1, "办理流程"),
    } <= located
    assert ("申请材料", 1, "colour") in located and ("事项", 2, "") in located


def test_blank_forms_and_samples_stay_with_their_materials(editor, housing_department):
    version = published_item(housing_department)
    version.materials.filter(name="公共租赁住房申请承诺书").update(
        blank_form="catalog/forms/承诺书.docx", sample="catalog/samples/承诺书样表.pdf"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    workbook["申请材料"].delete_rows(2, 1)  # drop 居民身份证
    report = run(editor, save(workbook))
    kept = report.drafts[0].materials.get(name="公共租赁住房申请承诺书")
    assert kept.blank_form.name == "catalog/forms/承诺书.docx"
    assert kept.sample.name == "catalog/samples/承诺书样表.pdf"
    assert report.drafts[0].materials.count() == 2
