"""The whole path in the system Chromium (issue 5's "done when"): a citizen applies with
prefilled data, uploads one document and submits; the clerk accepts; the reviewer agrees; a
parallel approval runs across 公安局 and 消防; the approver approves; the clerk completes and hands
the result over; the citizen followed every step on the timeline and got each SMS in the gateway
log. Screenshots go to <tmp>/govhall-screens/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.cases.models import Case
from govhall.cases.tests import test_views_portal as shared
from govhall.cases.tests.factories import pdf_file
from govhall.notifications.dispatch import notifications_dispatch
from govhall.notifications.models import SmsMessage
from govhall.tests.browser import SCREENS, case_act, login

_media = shared._media
registry = shared.registry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


def test_citizen_applies_and_the_case_runs_through_parallel_approval_to_delivery(
    page_for,
    live_server,
    password,
    applicant,
    joint_item,
    registry,
    clerk,
    reviewer,
    approver,
    police_reviewer,
    fire_reviewer,
):
    from playwright.sync_api import expect

    letter = joint_item.materials.get(name="公共租赁住房申请承诺书")
    citizen = page_for(1280, 900)
    start = reverse("cases:apply_item", args=[joint_item.item.implementation_code])
    login(citizen, live_server, applicant, password, start)
    citizen.get_by_role("button", name="开始申报").click()
    expect(citizen.locator("#fd-applicant-address")).to_have_value(shared.ADDRESS)
    citizen.locator("#fd-request-description").fill("申请公共租赁住房保障资格")
    row = citizen.locator(f"#material-{letter.pk}")
    row.locator("input[type=file]").set_input_files(
        {"name": "承诺书.pdf", "mimeType": "application/pdf", "buffer": pdf_file().read()}
    )
    row.get_by_role("button", name="上传").click()
    expect(citizen.locator(f"#material-{letter.pk}")).to_contain_text("承诺书.pdf")
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.locator("#case-number")).to_be_visible()
    number = Case.objects.get().number

    case_act(page_for, live_server, clerk, password, number, "受理", "材料齐全,予以受理")
    case_act(page_for, live_server, reviewer, password, number, "同意", "符合条件")
    case_act(page_for, live_server, police_reviewer, password, number, "同意", "户籍信息属实")
    case_act(page_for, live_server, fire_reviewer, password, number, "同意", "无消防意见")
    case_act(page_for, live_server, approver, password, number, "准予许可", "准予")
    case_act(page_for, live_server, clerk, password, number, "办结")
    case_act(page_for, live_server, clerk, password, number, "确认送达")

    case = Case.objects.get(number=number)
    assert case.status == Case.Status.COMPLETED and case.on_time
    citizen.goto(f"{live_server.url}{reverse('cases:my_case', args=[number])}")
    timeline = citizen.locator("#timeline")
    for text in [
        "提交申请",
        "受理",
        "会签意见",
        "户籍信息属实",
        "无消防意见",
        "准予",
        "办结",
        "送达",
    ]:
        expect(timeline).to_contain_text(text)
    citizen.screenshot(path=SCREENS / "case-path-citizen-1280.png", full_page=True)

    notifications_dispatch(limit=1000)
    texts = list(SmsMessage.objects.filter(phone=applicant.phone).values_list("text", flat=True))
    for word in ["已提交", "已受理", "并联审批", "审批通过", "已办结", "已送达"]:
        assert any(word in text for text in texts), (word, texts)
