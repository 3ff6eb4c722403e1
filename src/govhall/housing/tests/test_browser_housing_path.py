"""公租房 end to end in the system Chromium (issue 8's "done when"): a citizen applies with only
the commitment letter (downloaded already filled in, uploaded as it is); the community accepts,
the street and the district review, each after a one-click verification that explains the
eligibility rules condition by condition; the public notice (公示) runs and closes; the district
approves and the case is completed, which puts the household on the waiting list; the household
is ranked, chooses a unit, signs the lease and pays the rent; a year later the registries say its
income rose and the re-verification flags it for a human decision. Screenshots go to
<tmp>/govhall-screens/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import CitizenFactory
from govhall.analytics.tests.rules_factories import household_put, parameters_make, registries_make
from govhall.cases.models import Application, Case
from govhall.cases.services_publicity import publicity_close_due
from govhall.cases.tests.factories import online_item
from govhall.cases.tests.publicity_fixtures import (  # noqa: F401 (fixtures)
    VILLAGE,
    community,
    community_clerk,
    regions,
    routed_process,
    street_office,
    street_reviewer,
)
from govhall.core.calendar import add_working_days
from govhall.housing import services_lease, services_list
from govhall.housing.models import Choice, ReverificationFlag, WaitingEntry
from govhall.housing.tests.factories import income_raise, stock
from govhall.notifications.dispatch import notifications_dispatch
from govhall.notifications.models import SmsMessage
from govhall.tests.browser import SCREENS, case_act, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]

HOUSEHOLD = {
    "家庭人数": "2",
    "各成员年收入(元)": "24000;12000",
    "房产面积(平方米;按证)": "",
    "车辆购置价(元)": "",
    "企业注册资本(元)": "",
    "户籍地区码": VILLAGE,
    "社保缴费月数": "36",
}


def _verify_and_act(page_for, live_server, user, password, number, button, opinion, shot=""):
    """One staff member opens the case, runs the one-click verification (the eligibility
    explanation must say 符合条件) and presses one button."""
    from playwright.sync_api import expect

    def verify(page) -> None:
        page.get_by_role("link", name="一键核查").click()
        section = page.locator(".eligibility-section")
        expect(section).to_contain_text("符合条件")
        expect(section.locator("tr[data-condition=income]")).to_contain_text("符合")
        expect(section.locator("tr[data-condition=not_housed]")).to_contain_text("符合")
        if shot:
            page.screenshot(path=SCREENS / shot, full_page=True)

    case_act(page_for, live_server, user, password, number, button, opinion, before=verify)


def test_a_household_applies_is_verified_at_three_levels_housed_and_reverified(
    page_for,
    live_server,
    password,
    settings,
    housing_department,
    clerk,
    reviewer,
    approver,
    community_clerk,  # noqa: F811
    street_reviewer,  # noqa: F811
):
    from playwright.sync_api import expect

    parameters_make()
    regs = registries_make(housing_department)
    settings.GOVHALL_HOUSING_REVERIFY_PURPOSE = regs.purpose
    key = household_put(regs, HOUSEHOLD)
    citizen_user = CitizenFactory(id_number=key, username=key, name="王秀兰", phone="13905580001")
    version = online_item(housing_department, process=routed_process(publicity=True))
    letter = version.materials.get(name="公共租赁住房申请承诺书")

    # The citizen applies: the form comes prefilled, the letter is generated with their data.
    citizen = page_for(1280, 900)
    start = reverse("cases:apply_item", args=[version.item.implementation_code])
    login(citizen, live_server, citizen_user, password, start)
    citizen.get_by_role("button", name="开始申报").click()
    citizen.locator("#fd-request-description").fill("申请公共租赁住房保障资格")
    for field, value in (("#fd-applicant-address", "花戏楼街道白布社区3号"),):
        if not citizen.locator(field).input_value():
            citizen.locator(field).fill(value)
    application = Application.objects.get(applicant=citizen_user)
    template = reverse("cases:material_template", args=[application.pk, letter.pk])
    signed = citizen.request.get(f"{live_server.url}{template}").body()
    row = citizen.locator(f"#material-{letter.pk}")
    row.locator("input[type=file]").set_input_files(
        {"name": "承诺书.pdf", "mimeType": "application/pdf", "buffer": signed}
    )
    row.get_by_role("button", name="上传").click()
    expect(citizen.locator(f"#material-{letter.pk}")).to_contain_text("承诺书.pdf")
    citizen.screenshot(path=SCREENS / "housing-apply-1280.png", full_page=True)
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.locator("#case-number")).to_be_visible()
    case = Case.objects.get(applicant=citizen_user)
    number = case.number
    assert case.residence_code == VILLAGE

    # Three levels, each verifying in one click with the rules explained.
    _verify_and_act(
        page_for, live_server, community_clerk, password, number, "受理", "", "housing-verify.png"
    )
    _verify_and_act(page_for, live_server, street_reviewer, password, number, "同意", "属实")
    _verify_and_act(page_for, live_server, reviewer, password, number, "同意", "符合条件")

    # 公示: the public board lists the household masked; the hourly job closes the period.
    board = page_for(1280, 900)
    board.goto(f"{live_server.url}{reverse('cases:publicity')}")
    expect(board.locator("main")).to_contain_text("王*")
    expect(board.locator("main")).not_to_contain_text("王秀兰")
    board.context.close()
    notice = Case.objects.get(number=number).publicity.get()
    assert publicity_close_due(today=add_working_days(notice.ends_on, 1)) == 1

    case_act(page_for, live_server, approver, password, number, "准予许可", "准予")
    case_act(page_for, live_server, clerk, password, number, "办结")
    assert Case.objects.get(number=number).status == Case.Status.COMPLETED
    entry = WaitingEntry.objects.get(case__number=number)  # listed by the completion

    # Ranked, a round opens, the household chooses, signs and pays on 我的公租房.
    services_list.waiting_list_rank(actor=approver, method="score", seed="")
    units = stock(2)
    services_list.round_open(
        actor=approver,
        name="首批选房",
        estate=units[0].building.estate,
        unit_ids=[u.pk for u in units],
    )
    citizen.goto(f"{live_server.url}{reverse('housing:mine')}")
    expect(citizen.locator("main")).to_contain_text("当前排名第 1 位")
    citizen.get_by_label(f"1号楼-{units[0].number}", exact=False).check()
    citizen.get_by_role("button", name="确认选房").click()
    expect(citizen.locator(".messages")).to_contain_text("选房成功")
    services_lease.lease_create(
        actor=approver, choice=Choice.objects.get(), start=dt.date(2026, 1, 1)
    )
    citizen.reload()
    citizen.get_by_role("button", name="我已阅读并签订合同").click()
    expect(citizen.locator(".messages")).to_contain_text("合同已签订")
    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    citizen.reload()
    citizen.locator("#bills").get_by_role("button", name="缴费").click()
    expect(citizen.locator(".messages")).to_contain_text("缴费成功")

    # The tax registry says the income rose: the yearly re-verification flags the household.
    income_raise(regs, key, "150000")
    staff = page_for(1280, 900)
    login(staff, live_server, approver, password, reverse("housing:reverification_runs"))
    staff.get_by_role("button", name="立即核查").click()
    expect(staff.locator("main")).to_contain_text("家庭人均年收入低于标准")
    staff.screenshot(path=SCREENS / "housing-reverification-1280.png", full_page=True)
    flag = ReverificationFlag.objects.get()
    assert flag.state == ReverificationFlag.State.OPEN
    assert "income" in str(flag.failed) and flag.entry_id == entry.pk
    citizen.reload()
    expect(citizen.locator("main")).to_contain_text("家庭人均年收入")

    notifications_dispatch(limit=1000)
    texts = list(SmsMessage.objects.filter(phone=citizen_user.phone).values_list("text", flat=True))
    for word in ["已受理", "区级审核", "已进入公示", "公示期满", "已办结", "动态核查"]:
        assert any(word in text for text in texts), (word, texts)
