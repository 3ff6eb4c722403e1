"""A tenant in the system Chromium: sees their rank, chooses a unit when their turn comes, signs
the lease and pays the month's rent on 我的公租房. Screenshots go to <tmp>/govhall-screens/."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.housing import services_lease, services_list
from govhall.housing.models import Choice, RentBill
from govhall.housing.tests.factories import completed_case, stock
from govhall.tests.browser import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


def test_tenant_chooses_signs_and_pays(page_for, live_server, applicant, item, approver, password):
    from playwright.sync_api import expect

    services_list.waiting_entry_add_from_case(actor=approver, case=completed_case(applicant, item))
    units = stock(2)
    services_list.round_open(
        actor=approver,
        name="首批选房",
        estate=units[0].building.estate,
        unit_ids=[u.pk for u in units],
    )
    page = page_for(390, 844)
    page.goto(f"{live_server.url}/login/?next=/housing/mine/")
    page.get_by_label("用户名").fill(applicant.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/housing/mine/")
    expect(page.locator("main")).to_contain_text("当前排名第 1 位")
    page.get_by_label(f"1号楼-{units[1].number}", exact=False).check()
    page.screenshot(path=SCREENS / "housing-mine-choose-390.png", full_page=True)
    page.get_by_role("button", name="确认选房").click()
    expect(page.locator(".messages")).to_contain_text("选房成功")

    choice = Choice.objects.get()
    assert choice.unit_id == units[1].pk
    services_lease.lease_create(actor=approver, choice=choice, start=dt.date(2026, 1, 1))
    page.reload()
    page.get_by_role("button", name="我已阅读并签订合同").click()
    expect(page.locator(".messages")).to_contain_text("合同已签订")

    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    page.reload()
    page.locator("#bills").get_by_role("button", name="缴费").click()
    expect(page.locator(".messages")).to_contain_text("缴费成功")
    expect(page.locator("#bills")).to_contain_text("已缴")
    assert RentBill.objects.get().state == RentBill.State.PAID
    page.screenshot(path=SCREENS / "housing-mine-paid-390.png", full_page=True)
