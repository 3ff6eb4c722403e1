"""A visitor in the system Chromium: searches the catalog, reads a guide with its flow chart and
prints the one-time notification sheet (一次性告知单).

Screenshots of the guide (1280 px and 390 px wide), the home page with results and the sheet as
printed are written to <tmp>/govhall-screens/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest

from govhall.catalog.tests.factories import material_rows, published_item
from govhall.organizations.tests.factories import DepartmentFactory
from govhall.tests.browser import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]


@pytest.fixture
def guides(transactional_db) -> dict[str, object]:
    housing = DepartmentFactory(name="亳州市住房和城乡建设局", short_name="住建局")
    police = DepartmentFactory(name="亳州市公安局", short_name="公安局")
    rental = published_item(
        housing,
        faq=[{"question": "外地户籍可以申请吗?", "answer": "在本市稳定就业满一年即可申请。"}],
    )
    published_item(
        housing,
        name="不动产转移登记",
        item_type="07",
        themes_person=["房产交易"],
        result_name="不动产权证书",
        online_depth=3,
        visits=1,
        visit_reason="现场核验原件并领取不动产权证书",
        fee_charged=True,
        fee_basis="《不动产登记收费标准》",
        fees=[
            {
                "name": "不动产登记费",
                "standard": "住宅类每件80元",
                "basis": "发改价格规〔2016〕2559号",
            }
        ],
        online_payment=True,
    )
    published_item(
        police,
        name="居住证办理",
        item_type="20",
        themes_person=["户籍身份"],
        result_name="居住证",
        online_depth=2,
        visits=2,
        visit_reason="首次办理需现场采集人像和指纹",
        channels=["1"],
    )
    assert len(material_rows()) == 3
    return {"rental": rental}


def test_visitor_finds_reads_and_prints_a_guide(page_for, live_server, guides):
    from playwright.sync_api import expect

    code = guides["rental"].item.implementation_code
    page = page_for(1280, 900)
    page.goto(f"{live_server.url}/catalog/")
    expect(page.get_by_role("heading", name="办事指南", exact=True)).to_be_visible()
    expect(page.locator(".figure-card").first).to_contain_text("不见面审批清单")

    # search with htmx: the results replace the results area, the address follows
    page.get_by_role("searchbox", name="搜索事项").fill("公租房")
    page.get_by_role("button", name="搜索").click()
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("“公租房”的搜索结果")
    expect(page).to_have_url(f"{live_server.url}/catalog/?q=%E5%85%AC%E7%A7%9F%E6%88%BF")
    first = results.locator(".item-card").first
    expect(first).to_contain_text("公共租赁住房保障资格申请")
    page.screenshot(path=SCREENS / "catalog-search-1280.png", full_page=True)

    # the guide, with its flow chart
    first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/catalog/items/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("公共租赁住房保障资格申请")
    chart = page.get_by_role("img", name="办理流程图")
    expect(chart).to_be_visible()
    expect(chart.locator("g.flow-step")).to_have_count(3)
    assert chart.bounding_box()["height"] > 300
    expect(page.locator("#materials")).to_contain_text("免提交(共享数据自动获取)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=SCREENS / "catalog-guide-1280.png", full_page=True)
    for section in ("head", "materials", "process"):  # close-ups at full resolution
        locator = page.locator(".guide-head" if section == "head" else f"#{section}")
        locator.screenshot(path=SCREENS / f"catalog-guide-{section}-1280.png")

    # the one-time notification sheet and its print view
    page.get_by_role("link", name="一次性告知单").click()
    expect(page).to_have_url(f"{live_server.url}/catalog/items/{code}/notice/")
    expect(page.get_by_role("button", name="打印")).to_be_visible()  # shown by print.js
    sheet = page.locator(".notice-sheet")
    expect(sheet).to_contain_text("公共租赁住房申请承诺书")
    expect(sheet).to_contain_text(code)
    page.screenshot(path=SCREENS / "catalog-notice-1280.png", full_page=True)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    expect(sheet).to_be_visible()
    page.screenshot(path=SCREENS / "catalog-notice-print.png", full_page=True)
    pdf = page.pdf(path=SCREENS / "catalog-notice.pdf", prefer_css_page_size=True)
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert pdf.startswith(b"%PDF") and boxes
    for width, height in boxes:  # A4 portrait: 595 x 842 pt
        assert round(float(width)) == 595 and round(float(height)) == 842


def test_guide_on_a_phone(page_for, live_server, guides):
    from playwright.sync_api import expect

    code = guides["rental"].item.implementation_code
    page = page_for(390, 844)
    page.goto(f"{live_server.url}/catalog/items/{code}/")
    expect(page.get_by_role("img", name="办理流程图")).to_be_visible()
    # nothing is wider than the phone's screen (tables scroll inside their own box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    chart = page.get_by_role("img", name="办理流程图").bounding_box()
    assert chart["width"] <= 390
    page.screenshot(path=SCREENS / "catalog-guide-390.png", full_page=True)
    for section in ("materials", "process"):
        page.locator(f"#{section}").screenshot(path=SCREENS / f"catalog-guide-{section}-390.png")
    page.goto(f"{live_server.url}/catalog/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENS / "catalog-home-390.png", full_page=True)


def test_browsing_a_theme_without_search(page_for, live_server, guides):
    from playwright.sync_api import expect

    page = page_for(1280, 900)
    page.goto(f"{live_server.url}/catalog/")
    page.get_by_role("link", name="户籍身份 1").click()
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("居住证办理")
    expect(results).not_to_contain_text("不动产转移登记")
    page.screenshot(path=SCREENS / "catalog-home-1280.png", full_page=True)
