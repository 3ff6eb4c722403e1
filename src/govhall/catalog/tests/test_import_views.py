"""The workbench import / export pages, persona by persona."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import StaffFactory
from govhall.catalog.importexport import catalog_template
from govhall.catalog.models import Item
from govhall.catalog.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db

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


def upload(content: bytes, name: str = "清单.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def urls() -> list[str]:
    return [
        reverse("catalog:import"),
        reverse("catalog:import_template"),
        reverse("catalog:export"),
    ]


def test_anonymous_goes_to_login(client_as):
    for url in urls():
        response = client_as().get(url)
        assert response.status_code == 302 and reverse("portal:login") in response["Location"]


@pytest.mark.parametrize(
    "persona", ["applicant", "enterprise", "clerk", "other_clerk", "supervisor"]
)
def test_people_without_catalog_rights_are_refused(client_as, request, persona):
    client = client_as(request.getfixturevalue(persona))
    for url in urls():
        assert client.get(url).status_code == 403
    response = client.post(reverse("catalog:import"), {"reason": "x", "file": upload(b"x")})
    assert response.status_code == 403


def test_catalog_admin_sees_the_page(client_as, editor):
    html = client_as(editor).get(reverse("catalog:import")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert f"{reverse('catalog:import_template')}?format=xlsx" in html
    assert reverse("catalog:export") in html
    assert "只能导入亳州市住房和城乡建设局的事项" in html


def test_import_shows_the_result_with_links_to_drafts(client_as, editor, housing_department):
    content = catalog_template(department=housing_department)
    response = client_as(editor).post(
        reverse("catalog:import"), {"reason": "年度清单调整", "file": upload(content)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成" in html and "新增事项草稿 1 个" in html
    version = Item.objects.get().versions.get()
    try:
        edit_url = reverse("catalog:manage_edit", args=[version.pk])
    except Exception:  # the management pages are another module
        edit_url = None
    if edit_url:
        assert f'href="{edit_url}"' in html


def test_import_errors_are_listed_and_nothing_is_imported(client_as, editor, housing_department):
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_template(department=housing_department)))
    sheet = workbook["事项"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("基本编码") + 1).value = "12345"
    sheet.cell(row=2, column=headers.index("法定办结时限") + 1).value = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client_as(editor).post(
        reverse("catalog:import"), {"reason": "导入", "file": upload(buffer.getvalue())}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="import-problems"' in html
    assert "<td>事项</td><td>2</td><td>基本编码</td>" in html
    assert "<td>事项</td><td>2</td><td>法定办结时限</td>" in html
    assert not Item.objects.exists()


def test_another_departments_admin_gets_row_errors(client_as, police_editor, housing_department):
    content = catalog_template(department=housing_department)
    response = client_as(police_editor).post(
        reverse("catalog:import"), {"reason": "导入", "file": upload(content)}
    )
    assert response.status_code == 422
    assert "<td>事项</td><td>2</td><td>实施主体编码</td>" in response.content.decode()
    assert not Item.objects.exists()


def test_garbage_file_is_a_form_error(client_as, editor):
    response = client_as(editor).post(
        reverse("catalog:import"), {"reason": "导入", "file": upload(b"\x00\x01garbage", "a.xlsx")}
    )
    assert response.status_code == 422
    assert "文件已损坏" in response.content.decode()


def test_missing_reason_is_a_form_error(client_as, editor, housing_department):
    content = catalog_template(department=housing_department)
    response = client_as(editor).post(reverse("catalog:import"), {"file": upload(content)})
    assert response.status_code == 422 and not Item.objects.exists()


def test_system_admin_may_limit_the_import_to_a_department(
    client_as, admin_user, housing_department, police_department
):
    client = client_as(admin_user)
    html = client.get(reverse("catalog:import")).content.decode()
    assert 'name="department"' in html and "亳州市公安局" in html
    content = catalog_template(department=housing_department)
    response = client.post(
        reverse("catalog:import"),
        {"reason": "导入", "file": upload(content), "department": police_department.pk},
    )
    assert response.status_code == 422 and "仅限" in response.content.decode()
    response = client.post(reverse("catalog:import"), {"reason": "导入", "file": upload(content)})
    assert response.status_code == 200 and Item.objects.count() == 1


def test_template_download(client_as, editor, housing_department):
    response = client_as(editor).get(reverse("catalog:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in workbook["事项"][1]]
    uscc_cell = workbook["事项"].cell(row=2, column=headers.index("实施主体编码") + 1)
    assert uscc_cell.value == housing_department.uscc
    response = client_as(editor).get(reverse("catalog:import_template") + "?format=json")
    assert json.loads(response.content)[0]["department_uscc"] == housing_department.uscc


def test_export_downloads(client_as, editor, housing_department):
    published_item(housing_department, name="已发布事项")
    draft_item(housing_department, name="草稿事项")
    client = client_as(editor)
    response = client.get(reverse("catalog:export") + "?format=json")
    assert [e["name"] for e in json.loads(response.content)] == ["已发布事项"]
    response = client.get(reverse("catalog:export") + "?format=json&include=latest")
    assert {e["name"] for e in json.loads(response.content)} == {"已发布事项", "草稿事项"}
    response = client.get(reverse("catalog:export") + "?format=csv")
    assert response["Content-Type"] == "application/zip"
    response = client.get(reverse("catalog:export") + "?format=pdf")
    assert response.status_code == 422


def test_other_departments_drafts_are_not_exported(client_as, police_editor, housing_department):
    draft_item(housing_department, name="草稿事项")
    client = client_as(police_editor)
    response = client.get(reverse("catalog:export") + "?format=json&include=latest")
    assert json.loads(response.content) == []
    url = (
        reverse("catalog:export")
        + f"?format=json&include=latest&department={housing_department.uscc}"
    )
    assert client.get(url).status_code == 403
