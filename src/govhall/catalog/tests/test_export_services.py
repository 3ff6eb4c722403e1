"""catalog_export: the published catalog in each format; export → import creates nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser

from govhall.accounts.tests.factories import StaffFactory
from govhall.catalog import services
from govhall.catalog.importexport import catalog_export, catalog_import
from govhall.catalog.importexport.columns import (
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    RESPONSIBILITY_COLUMNS,
)
from govhall.catalog.models import Item, ItemVersion, Material, Responsibility
from govhall.catalog.services import MATERIAL_FIELDS, RESPONSIBILITY_FIELDS, VERSION_FIELDS
from govhall.catalog.tests.factories import draft_item, published_item
from govhall.core import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(housing_department):
    return StaffFactory(
        username="zjj_catalog", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def catalog(housing_department, police_department):
    """Published items with every kind of element, a draft and a cancelled item."""
    rich = published_item(
        housing_department,
        name="=建筑工程施工许可",  # text that looks like a formula
        fee_charged=True,
        fee_basis="《行政事业性收费标准》",
        fees=[
            {
                "name": "工本费",
                "standard": "10元/件",
                "basis": "皖价费〔2020〕1号",
                "waivable": True,
                "waiver_basis": "低保户免收",
            }
        ],
        online_payment=True,
        faq=[{"question": "多久办结?", "answer": "10个工作日。\n特殊情况除外"}],
        special_procedures=[{"code": "4", "name": "现场勘查", "days": 5, "note": ""}],
        intermediary_services=[{"name": "施工图审查", "basis": "建设工程质量管理条例"}],
        themes_person=["住房;保障", "建设"],  # a separator inside a theme
        themes_legal=["工程建设"],
        service_targets=["1", "2"],
        common_errors=["承诺书未签字", "身份证过期"],
        effective_from=dt.date(2025, 1, 1),
        cross_area_scope="3",
        hours="+86 0558 工作日",
        place="  市政务服务中心 3 号窗口  ",
        quantity_limit="-",
    )
    service = published_item(
        police_department,
        item_type="20",
        name="居住证办理",
        online_depth=3,
        visits=1,
        visit_reason="现场采集照片",
    )
    draft = draft_item(housing_department, name="尚未发布的事项")
    cancelled = published_item(housing_department, name="已取消的事项")
    services.item_cancel(actor=None, item=cancelled.item, reason="国务院决定取消")
    return {"rich": rich, "service": service, "draft": draft, "cancelled": cancelled}


def counts() -> tuple[int, int, int, int]:
    return (
        Item.objects.count(),
        ItemVersion.objects.count(),
        Material.objects.count(),
        Responsibility.objects.count(),
    )


FILENAMES = {"xlsx": "catalog.xlsx", "csv": "catalog.zip", "json": "catalog.json"}


def test_the_columns_cover_every_element():
    item_fields = {c.field for c in ITEM_COLUMNS if not c.read_only}
    assert set(VERSION_FIELDS) <= item_fields
    assert set(MATERIAL_FIELDS) <= {c.field for c in MATERIAL_COLUMNS}
    assert set(RESPONSIBILITY_FIELDS) <= {c.field for c in RESPONSIBILITY_COLUMNS}
    headers = [c.header for c in ITEM_COLUMNS]
    assert len(headers) == len(set(headers))


def test_export_holds_only_published_items_in_force(catalog):
    document = json.loads(catalog_export(fmt="json"))
    names = {entry["name"] for entry in document}
    assert names == {"=建筑工程施工许可", "居住证办理"}
    rich = next(entry for entry in document if entry["name"].startswith("="))
    assert rich["fees"][0]["waivable"] is True and rich["effective_from"] == "2025-01-01"
    assert len(rich["materials"]) == 3 and len(rich["responsibilities"]) == 1
    assert rich["department_uscc"] == catalog["rich"].item.department.uscc


def test_export_of_one_department(catalog, police_department):
    document = json.loads(catalog_export(fmt="json", department=police_department))
    assert [entry["name"] for entry in document] == ["居住证办理"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_export_then_import_creates_nothing(catalog, fmt):
    before = counts()
    report = catalog_import(
        actor=None,
        department_or_none=None,
        file_bytes=catalog_export(fmt=fmt),
        filename=FILENAMES[fmt],
        reason="往返测试",
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert counts() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_export_into_an_empty_catalog_recreates_it(catalog, fmt, django_user_model):
    content = catalog_export(fmt=fmt)
    expected = json.loads(catalog_export(fmt="json"))
    Item.objects.update(published_version=None)
    ItemVersion.objects.all().delete()
    Item.objects.all().delete()
    report = catalog_import(
        actor=None,
        department_or_none=None,
        file_bytes=content,
        filename=FILENAMES[fmt],
        reason="迁移",
    )
    assert report.created == 2
    latest = json.loads(catalog_export(fmt="json", include="latest"))
    for entry in (*expected, *latest):
        entry.pop("version"), entry.pop("state")
    # the drafts hold exactly what was exported (text is kept as trimmed)
    for entry in expected:
        entry["place"] = entry["place"].strip()
    assert latest == expected


def test_workbook_keeps_formula_like_text_as_text(catalog):
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    sheet = workbook["事项"]
    headers = [cell.value for cell in sheet[1]]
    name_cells = [row[headers.index("事项名称")] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in name_cells)


def test_csv_escapes_formula_like_text(catalog):
    archive = zipfile.ZipFile(io.BytesIO(catalog_export(fmt="csv")))
    assert sorted(archive.namelist()) == ["事项.csv", "申请材料.csv", "责任事项.csv"]
    raw = archive.read("事项.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {row["事项名称"] for row in rows} == {"'=建筑工程施工许可", "居住证办理"}


def test_gbt39046_export_uses_the_standards_names_and_codes(catalog):
    document = json.loads(catalog_export(fmt="gbt39046"))
    rich = next(entry for entry in document if entry["事项名称"].startswith("="))
    assert rich["事项类型"] == "01" and rich["行使层级"] == "3"
    assert rich["实施编码"] == catalog["rich"].item.implementation_code
    assert rich["实施主体编码"] == catalog["rich"].item.department.uscc
    assert rich["实施主体性质"] == "1"
    assert rich["是否收费"] == "1" and rich["是否支持预约办理"] == "0"
    assert rich["收费项目"][0] == {
        "收费项目名称": "工本费",
        "收费标准": "10元/件",
        "收费依据": "皖价费〔2020〕1号",
        "是否允许减免": "1",
        "允许减免依据": "低保户免收",
    }
    assert rich["设定依据"][0]["法律法规名称"] == "公共租赁住房管理办法"
    assert rich["网上办理深度"] == ["1", "2", "3", "4", "5", "6"]
    assert rich["网上办理深度等级"] == "4"
    assert rich["法定办结时限"] == 20 and rich["法定办结时限单位"] == "工作日"
    assert rich["申请材料"][0]["材料名称"] == "居民身份证"
    assert rich["申请材料"][0]["来源渠道"] == "3"
    assert rich["责任事项"][0]["追责情形"] == "对符合条件的申请不予受理的"
    assert not any(key.isascii() for key in rich)


def test_latest_versions_only_for_their_editors(catalog, editor, clerk, housing_department):
    document = json.loads(
        catalog_export(fmt="json", include="latest", department=housing_department, actor=editor)
    )
    assert {e["name"] for e in document} == {"=建筑工程施工许可", "尚未发布的事项"}
    own = json.loads(catalog_export(fmt="json", include="latest", actor=editor))
    assert {e["name"] for e in own} == {e["name"] for e in document}
    for outsider in (clerk, AnonymousUser()):
        with pytest.raises(errors.PermissionDenied):
            catalog_export(fmt="json", include="latest", actor=outsider)
        with pytest.raises(errors.PermissionDenied):
            catalog_export(
                fmt="json", include="latest", department=housing_department, actor=outsider
            )


def test_unknown_format_and_scope(catalog):
    with pytest.raises(errors.ValidationError):
        catalog_export(fmt="pdf")
    with pytest.raises(errors.ValidationError):
        catalog_export(fmt="json", include="everything")
