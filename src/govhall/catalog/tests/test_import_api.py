"""POST /api/v1/items/import, GET /api/v1/items/export and /api/v1/items/import-template."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.accounts.tests.factories import StaffFactory
from govhall.catalog.importexport import catalog_template
from govhall.catalog.models import Item
from govhall.catalog.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/items/import"
EXPORT = "/api/v1/items/export"
TEMPLATE = "/api/v1/items/import-template"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def upload(content: bytes, name: str = "清单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post(client, content: bytes, name: str = "清单.xlsx", **extra):
    return client.post(IMPORT, {"file": upload(content, name), "reason": "导入", **extra})


# --- import -----------------------------------------------------------------------------------


def test_import_requires_login(api_client, housing_department):
    response = post(api_client, catalog_template(department=housing_department))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("persona", ["applicant", "clerk", "other_clerk"])
def test_import_refuses_people_without_catalog_rights(client_for, request, persona):
    response = post(client_for(request.getfixturevalue(persona)), b"x")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_import_creates_drafts(client_for, editor, housing_department):
    response = post(client_for(editor), catalog_template(department=housing_department))
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 0, 0)
    draft = body["drafts"][0]
    item = Item.objects.get()
    assert draft["implementation_code"] == item.implementation_code
    assert draft["version"] == 1 and draft["state"] == "draft" and draft["action"] == "created"
    assert draft["sheet"] == "事项" and draft["row"] == 2


def test_import_errors_keep_the_error_shape_with_rows(client_for, editor, housing_department):
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_template(department=housing_department)))
    sheet = workbook["事项"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("事项类型") + 1).value = "99"
    sheet.cell(row=2, column=headers.index("事项名称") + 1).value = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post(client_for(editor), buffer.getvalue())
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_invalid" and "未导入任何数据" in error["message"]
    rows = error["fields"]["rows"]
    assert {(r["sheet"], r["row"], r["column"]) for r in rows} >= {
        ("事项", 2, "事项类型"),
        ("事项", 2, "事项名称"),
    }
    assert all(set(r) == {"sheet", "row", "column", "message"} for r in rows)
    assert not Item.objects.exists()


def test_another_departments_rows_are_row_errors(client_for, police_editor, housing_department):
    response = post(client_for(police_editor), catalog_template(department=housing_department))
    assert response.status_code == 422
    rows = response.json()["error"]["fields"]["rows"]
    assert [(r["sheet"], r["row"], r["column"]) for r in rows] == [("事项", 2, "实施主体编码")]


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "a.xlsx"), (b"PK\x03\x04broken", "a.zip")],
)
def test_unreadable_files_are_422_not_500(client_for, editor, content, name):
    response = post(client_for(editor), content, name)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_file" and error["fields"]["file"]


def test_import_shape_errors_are_400(client_for, editor):
    response = client_for(editor).post(IMPORT, {"reason": "导入"})
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]


def test_admin_department_parameter(client_for, admin_user, housing_department, police_department):
    client = client_for(admin_user)
    content = catalog_template(department=housing_department)
    response = post(client, content, department=police_department.uscc)
    assert response.status_code == 422
    assert post(client, content, department="11341600MA0000000X").status_code == 404
    assert post(client, content).status_code == 200


# --- export -----------------------------------------------------------------------------------


def test_export_is_public_for_published_data(api_client, housing_department, police_department):
    published_item(housing_department, name="公租房申请")
    published_item(police_department, item_type="20", name="居住证办理")
    draft_item(housing_department, name="草稿")
    response = api_client.get(EXPORT, {"format": "json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert {e["name"] for e in json.loads(response.content)} == {"公租房申请", "居住证办理"}
    response = api_client.get(EXPORT, {"format": "json", "department": police_department.uscc})
    assert [e["name"] for e in json.loads(response.content)] == ["居住证办理"]
    response = api_client.get(EXPORT, {"format": "gbt39046", "department": police_department.pk})
    assert [e["事项名称"] for e in json.loads(response.content)] == ["居住证办理"]
    response = api_client.get(EXPORT)
    assert response["Content-Type"] == XLSX and "attachment" in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(response.content))
    response = api_client.get(EXPORT, {"format": "csv"})
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 3


def test_export_errors(api_client, housing_department):
    response = api_client.get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400 and "format" in response.json()["error"]["fields"]
    response = api_client.get(EXPORT, {"department": "11341600MA0000000X"})
    assert response.status_code == 404
    response = api_client.get(EXPORT, {"format": "json", "include": "latest"})
    assert response.status_code == 403


def test_export_latest_for_editors(client_for, editor, housing_department):
    draft_item(housing_department, name="草稿")
    response = client_for(editor).get(EXPORT, {"format": "json", "include": "latest"})
    assert [e["name"] for e in json.loads(response.content)] == ["草稿"]


def test_export_then_import_round_trips(client_for, api_client, editor, housing_department):
    published_item(housing_department)
    content = api_client.get(EXPORT, {"format": "xlsx"}).content
    body = post(client_for(editor), content).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 1)


# --- template ---------------------------------------------------------------------------------


def test_template_for_catalog_admins(api_client, client_for, applicant, editor, housing_department):
    assert api_client.get(TEMPLATE).status_code == 401
    assert client_for(applicant).get(TEMPLATE).status_code == 403
    response = client_for(editor).get(TEMPLATE)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert post(client_for(editor), response.content).json()["created"] == 1
    response = client_for(editor).get(TEMPLATE, {"format": "csv"})
    assert response["Content-Type"] == "application/zip"
