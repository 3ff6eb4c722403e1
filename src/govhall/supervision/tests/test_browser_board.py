"""In the system Chromium: the supervisor finds the red card of an overdue step on the board,
signs for it, confirms the accountability record it opened (with its responsibility entry), and
reads the department's figures with their charts — nothing fetched from another host."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.supervision.models import Accountability, Alert
from govhall.tests.browser import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


def test_supervisor_signs_a_red_card_and_confirms_the_accountability(
    page_for, live_server, password, swept, supervisor
):
    from playwright.sync_api import expect

    page = page_for(1280, 900)
    page.goto(f"{live_server.url}/login/?next={reverse('supervision:alerts')}")
    page.get_by_label("用户名").fill(supervisor.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="监察预警")).to_be_visible()
    expect(page.locator("main")).to_contain_text(swept.case.number)
    page.screenshot(path=str(SCREENS / "supervision-board.png"), full_page=True)

    red = Alert.objects.get(source="task", source_id=swept.pk, level="red")
    page.goto(f"{live_server.url}{reverse('supervision:alert_detail', args=[red.pk])}")
    page.locator("#ack-text").fill("已督促住建局审核岗当日办结")
    page.get_by_role("button", name="签收").click()
    expect(page.locator(".case-head .badge")).to_have_text("已签收")
    assert Alert.objects.get(pk=red.pk).state == Alert.State.ACKNOWLEDGED

    record = Accountability.objects.get(alert=red)
    page.goto(f"{live_server.url}{reverse('supervision:accountability_detail', args=[record.pk])}")
    expect(page.locator("main")).to_contain_text(record.responsibility.situations[:10])
    page.get_by_label("认定结果").select_option(Accountability.State.CONFIRMED)
    page.get_by_label("调查情况").fill("审核环节超期十个工作日")
    page.get_by_label("认定理由").fill("无正当理由超过承诺时限")
    page.get_by_role("button", name="提交认定").click()
    expect(page.locator("main")).to_contain_text("认定追责")
    record.refresh_from_db()
    assert record.state == Accountability.State.CONFIRMED and record.decided_by == supervisor
    page.screenshot(path=str(SCREENS / "supervision-accountability.png"), full_page=True)

    page.goto(f"{live_server.url}{reverse('analytics:stats')}?from=2026-01-01&to=2026-12-31")
    expect(page.get_by_role("heading", name="绩效统计")).to_be_visible()
    charts = page.locator("main img[src*='charts']")
    assert charts.count() >= 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()  # the charts load lazily
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=str(SCREENS / "analytics-stats.png"), full_page=True)
