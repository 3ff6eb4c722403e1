"""In the system Chromium on a phone-sized screen: the applicant opens the QR-code rating page
of a completed case, rates it 不满意 with a comment, and the clerk finds the rectification on the
workbench, verifies, calls back and closes it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.interaction.models import Rectification
from govhall.tests.browser import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


def test_bad_rating_by_qr_code_is_called_back_and_closed(
    page_for, live_server, password, completed_case, clerk
):
    from playwright.sync_api import expect

    page = page_for(390, 844)
    url = reverse("interaction:rate", args=[completed_case.number])
    page.goto(f"{live_server.url}{url}?p={completed_case.query_password}&channel=qrcode")
    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("评价内容(选填)").fill("<b>等了很久</b>")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#rate-done")).to_be_visible()
    page.screenshot(path=str(SCREENS / "interaction-rate.png"), full_page=True)
    page.context.close()

    rect = Rectification.objects.get()
    page = page_for(1280, 900)
    detail = reverse("interaction:manage_rectification", args=[rect.pk])
    page.goto(f"{live_server.url}/login/?next={detail}")
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page.locator("#evaluation-text")).to_have_text("<b>等了很久</b>")
    page.locator("#verify-form textarea").fill("属实")
    page.get_by_role("button", name="保存核实情况").click()
    page.locator("#callback-form textarea").fill("已电话致歉")
    page.locator("#callback-form input[type=checkbox]").check()
    page.get_by_role("button", name="记录回访").click()
    page.locator("#resolve-form select").select_option("fix_now")
    page.locator("#resolve-form textarea").fill("已整改")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#rect-state")).to_have_text("已办结")
    page.screenshot(path=str(SCREENS / "interaction-rectification.png"), full_page=True)
    page.context.close()
