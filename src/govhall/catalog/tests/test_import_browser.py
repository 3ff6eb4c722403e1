"""A catalog administrator imports a list in the system Chromium: errors, then success.

Screenshots go to <tmp>/govhall-screens/ (GOVHALL_SCREENSHOT_DIR) for a person to look at.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from govhall.accounts.tests.factories import PASSWORD, StaffFactory
from govhall.catalog.importexport import catalog_template
from govhall.catalog.models import Item
from govhall.organizations.services import posts_ensure
from govhall.organizations.tests.factories import DepartmentFactory
from govhall.tests.browser import SCREENS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_catalog_admin_fixes_the_reported_errors_and_imports(browser, live_server, tmp_path):
    from playwright.sync_api import expect

    posts_ensure()
    department = DepartmentFactory(name="亳州市住房和城乡建设局", short_name="住建局")
    StaffFactory(username="zjj_catalog", department=department, posts=["catalog_admin"])
    good = tmp_path / "清单.xlsx"
    good.write_bytes(catalog_template(department=department))
    workbook = openpyxl.load_workbook(good)
    headers = [cell.value for cell in workbook["事项"][1]]
    workbook["事项"].cell(row=2, column=headers.index("基本编码") + 1).value = "12345"
    workbook["事项"].cell(row=2, column=headers.index("法定办结时限") + 1).value = "=10+10"
    bad = tmp_path / "有错误的清单.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    bad.write_bytes(buffer.getvalue())

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/?next=/catalog/manage/import/")
    page.get_by_label("用户名").fill("zjj_catalog")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="事项清单导入导出")).to_be_visible()

    page.get_by_label("导入文件").set_input_files(str(bad))
    page.get_by_label("导入原因").fill("2026年权责清单调整")
    page.get_by_role("button", name="检查并导入").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("基本编码")
    expect(problems).to_contain_text("公式")
    page.screenshot(path=SCREENS / "catalog-import-errors.png", full_page=True)
    assert not Item.objects.exists()

    page.get_by_label("导入文件").set_input_files(str(good))
    page.get_by_label("导入原因").fill("2026年权责清单调整")
    page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_role("status")).to_contain_text("新增事项草稿 1 个")
    page.screenshot(path=SCREENS / "catalog-import-done.png", full_page=True)
    assert Item.objects.count() == 1
    context.close()
