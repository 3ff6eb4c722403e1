"""A window clerk in the system Chromium: opens the task list, opens the case, verifies the
applicant with one click (htmx), accepts, and sees the status change and the timeline line.

Screenshots (task list, case page at 1280 px and 390 px) go to <tmp>/govhall-screens/.
"""

from __future__ import annotations

import pytest

from govhall.cases.tests.factories import case_submitted
from govhall.exchange.tests.conftest import registry  # noqa: F401 (fixture)
from govhall.tests.browser import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


def test_clerk_accepts_a_case_from_the_task_list(
    page_for,
    live_server,
    registry,  # noqa: F811
    applicant,
    item,
    clerk,
    password,
):
    from playwright.sync_api import expect

    case = case_submitted(applicant, item)
    page = page_for(1280, 900)
    page.goto(f"{live_server.url}/login/?next=/cases/tasks/")
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/cases/tasks/")
    expect(page.locator("aside").get_by_role("link", name="我的待办")).to_have_attribute(
        "aria-current", "page"
    )
    row = page.locator("main table tbody tr", has_text=case.number)
    expect(row).to_contain_text(applicant.name)
    expect(row.locator(".deadline")).to_be_visible()
    page.screenshot(path=SCREENS / "cases-tasks-1280.png", full_page=True)

    row.get_by_role("link", name=case.number).click()
    expect(page).to_have_url(f"{live_server.url}/cases/case/{case.number}/")
    expect(page.locator("#case-status")).to_have_text("待受理")

    # one-click verification: the panel is loaded into the page with htmx
    page.locator("main").get_by_role("link", name="一键核查").click()
    panel = page.locator("#verify-panel")
    expect(panel).to_contain_text("王芳")
    expect(panel).to_contain_text("免提交")
    expect(page).to_have_url(f"{live_server.url}/cases/case/{case.number}/")
    page.screenshot(path=SCREENS / "cases-case-verified-1280.png", full_page=True)

    page.locator("#accept-opinion").fill("材料齐全,予以受理")
    page.locator("#actions").get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#case-status")).to_have_text("办理中")
    expect(page.locator(".messages")).to_contain_text("「受理」已办理")
    line = page.locator("#timeline li").last
    expect(line).to_contain_text("受理")
    expect(line).to_contain_text("材料齐全,予以受理")
    expect(page.locator("#actions")).to_have_count(0)  # nothing left for the clerk to do
    page.screenshot(path=SCREENS / "cases-case-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENS / "cases-case-390.png", full_page=True)

    page.goto(f"{live_server.url}/cases/tasks/?queue=done")
    expect(page.locator("main table")).to_contain_text(case.number)
