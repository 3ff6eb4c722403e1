"""End-to-end in the system Chromium: a citizen applies online and then withdraws.

Open the item's online application (login first), start, see the fields the registries filled
in, write what is asked, upload the commitment letter (htmx), submit, see the case number; then
withdraw. Screenshots go to <tmp>/govhall-screens/.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.cases.models import Case
from govhall.cases.tests import test_views_portal as shared
from govhall.cases.tests.factories import pdf_file
from govhall.tests.browser import SCREENS

# the fixtures shared with test_views_portal.py
_media = shared._media
registry = shared.registry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


def test_citizen_applies_online_and_withdraws(
    page_for, live_server, applicant, password, item, registry
):
    from playwright.sync_api import expect

    letter = item.materials.get(name="公共租赁住房申请承诺书")
    page = page_for(390, 844)
    start = reverse("cases:apply_item", args=[item.item.implementation_code])

    # applying needs a login, which returns to the item
    page.goto(f"{live_server.url}{start}")
    page.get_by_label("用户名").fill(applicant.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}{start}")
    expect(page.locator("#prefill-table")).to_contain_text(shared.ADDRESS)
    expect(page.locator("#prefill-table")).to_contain_text("人口基础信息")
    page.screenshot(path=SCREENS / "apply-start-390.png", full_page=True)
    page.get_by_role("button", name="开始申报").click()

    # the form, filled in with each value's source
    expect(page.locator("h1")).to_contain_text(item.name)
    expect(page.locator("#fd-applicant-address")).to_have_value(shared.ADDRESS)
    expect(page.locator("#fd-applicant-id_number")).to_have_value(applicant.id_number)
    expect(page.locator("[data-key='address'] .formdef-badge").first).to_contain_text(
        "人口基础信息"
    )
    page.locator("#fd-request-description").fill("家庭住房困难,申请公共租赁住房保障资格。")

    # one PDF for the commitment letter, through htmx: the typed text stays
    row = page.locator(f"#material-{letter.pk}")
    row.locator("input[type=file]").set_input_files(
        {"name": "承诺书.pdf", "mimeType": "application/pdf", "buffer": pdf_file().read()}
    )
    row.get_by_role("button", name="上传").click()
    expect(page.locator(f"#material-{letter.pk}")).to_contain_text("承诺书.pdf")
    expect(page.locator("#fd-request-description")).to_have_value(
        "家庭住房困难,申请公共租赁住房保障资格。"
    )
    page.screenshot(path=SCREENS / "application-390.png", full_page=True)

    page.get_by_role("button", name="提交申请").click()
    case = None
    expect(page.locator("#case-number")).to_be_visible()
    case = Case.objects.get()
    expect(page.locator("#case-number")).to_have_text(case.number)
    expect(page.locator("#query-password")).to_have_text(case.query_password)
    expect(page.get_by_role("link", name="下载申请材料接收凭证(PDF)")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=SCREENS / "my-case-1280.png", full_page=True)

    # withdraw
    page.locator("#withdraw summary").click()
    page.get_by_label("撤回理由").fill("已在窗口办理")
    page.get_by_role("button", name="确认撤回").click()
    expect(page.locator("#case-status")).to_have_text("已撤回")
    expect(page.get_by_role("status")).to_contain_text("申请已撤回")
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
