"""我的消息 in the system Chromium: read one, read all, on a phone and a desktop.

Screenshots: <tmp>/govhall-screens/messages-390.png and messages-1280.png.
"""

from __future__ import annotations

import pytest

from govhall.notifications.tests.factories import SiteMessageFactory
from govhall.tests.browser import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_citizen_reads_their_messages(page_for, live_server, applicant, password, width):
    from playwright.sync_api import expect

    SiteMessageFactory(
        recipient=applicant,
        subject="公共租赁住房资格申请",
        body="您申请的「公共租赁住房资格申请」(办件编号341602260001)材料需要补正,"
        "请登录查看补正告知书,一次性补齐后提交。",
        link="/account/",
    )
    SiteMessageFactory(recipient=applicant, subject="公共租赁住房资格申请")
    page = page_for(width, 844)
    page.goto(f"{live_server.url}/login/?next=/messages/")
    page.get_by_label("用户名").fill(applicant.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/messages/")
    expect(page.locator("#unread-status")).to_contain_text("您有 2 条未读消息")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SCREENS / f"messages-{width}.png", full_page=True)

    page.locator("#message-list").get_by_role("button", name="标为已读").first.click()
    expect(page.locator("#unread-status")).to_contain_text("您有 1 条未读消息")
    # Opening an unread message marks it read on the way to its link.
    page.locator("#message-list").get_by_role("button", name="查看详情").last.click()
    expect(page).to_have_url(f"{live_server.url}/account/")
    page.goto(f"{live_server.url}/messages/")
    expect(page.locator("#unread-status")).to_contain_text("没有未读消息")
    expect(page.get_by_role("link", name="查看详情")).to_have_count(2)
