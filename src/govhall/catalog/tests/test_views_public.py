"""Public catalog pages: home, search and browsing, the guide, the one-time notification sheet,
form downloads; drafts and cancelled items are not found; no page refers to another host."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from govhall.catalog import services
from govhall.catalog.lists import LISTS
from govhall.catalog.models import ItemVersion, Material
from govhall.catalog.tests.factories import (
    draft_item,
    guide_data,
    material_rows,
    published_item,
    responsibility_rows,
)
from govhall.organizations.models import Region
from govhall.organizations.tests.factories import RegionFactory
from govhall.portal.tests.conftest import external_hosts

pytestmark = pytest.mark.django_db

_codes = iter(range(90000, 99999))


def publish(department, *, materials=None, responsibilities=None, **overrides: Any):
    """A published version built through the services (the guide rules apply)."""
    data = guide_data(**overrides)
    version = services.item_create(
        actor=None,
        department=department,
        basic_code=f"00{data['item_type']}{next(_codes):05d}000",
        data=data,
        materials=material_rows() if materials is None else materials,
        responsibilities=(
            (responsibility_rows() if data["item_type"] != "20" else [])
            if responsibilities is None
            else responsibilities
        ),
    )
    services.version_submit(actor=None, version=version)
    return services.version_review(actor=None, version=version, approve=True)


@pytest.fixture
def catalog(housing_department, police_department) -> dict[str, Any]:
    """Published items on every list, a draft-only item and a cancelled one."""
    township = RegionFactory(code="341602001000", name="花戏楼街道", level=Region.Level.TOWNSHIP)
    housing = published_item(
        housing_department,
        faq=[{"question": "外地户籍可以申请吗?", "answer": "在本市稳定就业满一年即可。"}],
        common_errors=["承诺书未签名"],
        themes_legal=[],
    )
    real_estate = publish(
        housing_department,
        name="不动产转移登记",
        item_type="07",
        themes_person=["房产交易"],
        themes_legal=["开办企业"],
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
                "waivable": True,
                "waiver_basis": "小微企业免收",
            }
        ],
        online_payment=True,
        intermediary_services=[{"name": "不动产测绘", "basis": "不动产登记暂行条例实施细则"}],
        materials=[
            *material_rows(),
            {
                "name": "婚姻状况证明",
                "source_channel": "2",
                "issuing_body": "亳州市民政局",
                "material_type": "1",
                "material_form": "1",
                "original_count": 1,
                "copy_count": 2,
                "filling_notes": "需加盖出具单位公章",
                "common_errors": ["复印件未签字"],
            },
        ],
    )
    social = publish(
        police_department,
        name="居住证办理",
        item_type="20",
        themes_person=["户籍身份"],
        online_depth=2,
        visits=2,
        visit_reason="首次办理需现场采集人像和指纹",
        channels=["1"],
        region=township.code,
        exercise_level="5",
        steps=[{"name": "受理", "post": "acceptance", "days": 0}],
        statutory_limit_days=15,
        promised_limit_days=5,
    )
    draft = draft_item(housing_department, name="仅有草稿的事项")
    in_review = draft_item(housing_department, name="审核中的事项")
    services.version_submit(actor=None, version=in_review)
    cancelled = published_item(housing_department, name="已取消的事项")
    services.item_cancel(actor=None, item=cancelled.item, reason="上级决定取消")
    return {
        "housing": housing,
        "real_estate": real_estate,
        "social": social,
        "draft": draft,
        "in_review": in_review,
        "cancelled": cancelled,
        "township": township,
    }


def code_of(version: ItemVersion) -> str:
    return version.item.implementation_code


def text_of(response) -> str:
    """The visible text of a page, tags removed, whitespace collapsed."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", response.content.decode())
    html = re.sub(r"</?(mark|strong|code|span|a)\b[^>]*>", "", html)  # inline: no space
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- home ---------------------------------------------------------------------------------------


def test_home_offers_search_themes_departments_lists_levels_and_figures(client_as, catalog):
    response = client_as().get(reverse("catalog:home"))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert 'role="search"' in html and 'name="q"' in html and 'hx-get="/catalog/"' in html
    # themes with counts: 住房保障 1 (person), 开办企业 1 (legal); cancelled items not counted
    assert re.search(r"住房保障\s*1\b", text) and re.search(r"开办企业\s*1\b", text)
    assert "?theme=%E4%BD%8F%E6%88%BF%E4%BF%9D%E9%9A%9C" in html
    # departments with counts (2 published 住建局 items; the draft and the cancelled not)
    assert re.search(r"亳州市住房和城乡建设局\s*2\b", text)
    assert re.search(r"亳州市公安局\s*1\b", text)
    # lists with counts, level/region browsing with 就近办
    assert re.search(r"收费清单\s*1\b", text) and re.search(r"负面清单\s*1\b", text)
    assert "乡镇(街道)就近办" in text and re.search(r"花戏楼街道\s*1\b", text)
    # 不见面 / 最多跑一次 figures: 1 of 3 and 2 of 3
    assert re.search(r"不见面审批清单\s*1\s*项\s*占全部事项的 33.3%", text)
    assert re.search(r"最多跑一次清单\s*2\s*项\s*占全部事项的 66.7%", text)


def test_search_without_javascript_and_as_an_htmx_partial(client_as, catalog):
    client = client_as()
    page = client.get(reverse("catalog:home"), {"q": "公租房"})
    assert page.status_code == 200
    text = text_of(page)
    assert "“公租房”的搜索结果" in text
    results = text.split("“公租房”的搜索结果")[1].split("不见面和最多跑一次")[0]
    # best match first (the others only match through the result name they share)
    assert results.index("公共租赁住房保障资格申请") < results.index("不动产转移登记")
    assert "按主题办事" in text  # the full page, with the browsing below
    narrow = text_of(client.get(reverse("catalog:home"), {"q": "居住证"}))
    results = narrow.split("搜索结果")[1].split("不见面和最多跑一次")[0]
    assert "居住证办理" in results and "不动产转移登记" not in results
    partial = client.get(reverse("catalog:home"), {"q": "公租房"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and "按主题办事" not in body
    assert "公共租赁住房保障资格申请" in text_of(partial)
    assert "HX-Request" in partial["Vary"]


def test_search_finds_nothing_drafts_or_cancelled(client_as, catalog):
    client = client_as()
    for q in ["仅有草稿", "审核中的事项", "已取消的事项"]:
        text = text_of(client.get(reverse("catalog:home"), {"q": q}))
        assert "没有找到符合条件的事项" in text, q


def test_browse_by_theme_department_list_and_region(client_as, catalog, housing_department):
    client = client_as()
    cases = [
        ({"theme": "住房保障"}, ["公共租赁住房保障资格申请"], ["不动产转移登记", "居住证办理"]),
        ({"department": housing_department.pk}, ["不动产转移登记"], ["居住证办理"]),
        ({"list": "fee"}, ["不动产转移登记"], ["居住证办理", "公共租赁住房保障"]),
        ({"region": "341602001000"}, ["居住证办理"], ["不动产转移登记"]),
        ({"level": "5"}, ["居住证办理"], ["不动产转移登记"]),
    ]
    for params, present, absent in cases:
        response = client.get(reverse("catalog:home"), params, headers={"HX-Request": "true"})
        assert response.status_code == 200, params
        body = response.content.decode()
        for name in present:
            assert name in body, (params, name)
        for name in absent:
            assert name not in body, (params, name)
    labels = text_of(client.get(reverse("catalog:home"), {"region": "341602001000"}))
    assert "区域:花戏楼街道" in labels


def test_odd_search_input_is_safe(client_as, catalog):
    client = client_as()
    for params in [
        {"q": "<script>alert(1)</script>"},
        {"q": "公" * 5000},
        {"q": "' OR 1=1 --"},
        {"department": "abc", "list": "nope", "region": "x", "level": "9", "page": "-1"},
    ]:
        response = client.get(reverse("catalog:home"), params)
        assert response.status_code == 200, params
        assert "<script>alert(1)</script>" not in response.content.decode()


# --- guide --------------------------------------------------------------------------------------


def test_guide_shows_every_element_with_labels(client_as, catalog):
    version = catalog["real_estate"]
    response = client_as().get(reverse("catalog:item", args=[code_of(version)]))
    assert response.status_code == 200
    text = text_of(response)
    for expected in [
        "不动产转移登记",
        "行政确认",  # item type label, not "07"
        "市级",  # exercise level label
        "法定本级行使",
        "自然人",  # service target label
        code_of(version),
        version.item.basic_code,
        "亳州市住房和城乡建设局",
        "法定机关",
        "《公共租赁住房管理办法》",
        "住房和城乡建设部令第11号",
        "申请条件",
        "在本市有稳定就业或户籍",
        "禁止性要求",
        "在本市已有住房的不予受理",
        "不动产测绘",  # intermediary service
        "居民身份证",
        "免提交(共享数据自动获取)",
        "婚姻状况证明",
        "原件",
        "纸质",
        "必要",
        "政府部门核发",
        "亳州市民政局",
        "原件1份",
        "复印件2份",
        "需加盖出具单位公章",  # filling notes
        "复印件未签字",  # material's common errors
        "法定办结时限 20个工作日",
        "承诺办结时限 10个工作日",
        "承诺件",
        "不动产登记费",
        "住宅类每件80元",
        "发改价格规〔2016〕2559号",
        "可减免",
        "受理",
        "审核",
        "审批",
        "一键核查共享数据",
        "PC端网上办理",
        "移动端办理",
        "1 次",
        "现场核验原件并领取不动产权证书",
        "三级:网上提交或预审,现场核验",
        "亳州市政务服务中心住建局窗口",
        "周一至周五 9:00-12:00 13:30-17:30",
        "0558-5512345",
        "0558-12345",
        "证照",
        "公共租赁住房保障资格证明",
        "责任事项",
        "对符合条件的申请不予受理的",
        "市监察委员会、市住建局",
        "《中华人民共和国行政许可法》第七十二条",
        "第 1 版",
        "收费清单",
        "中介服务清单",
        "证明材料清单",
    ]:
        assert expected in text, expected
    assert "2 materials" not in text
    # 3 of 4 materials to bring, 2 fetched from shared data
    assert "共 4 项材料,其中 2 项由部门通过共享数据自动获取" in text
    html = response.content.decode()
    assert f'href="/catalog/changes/?item={code_of(version)}"' in html
    assert f'href="/catalog/items/{code_of(version)}/notice/"' in html


def test_guide_flow_chart_is_inline_svg(client_as, catalog):
    response = client_as().get(reverse("catalog:item", args=[code_of(catalog["housing"])]))
    html = response.content.decode()
    svg = re.search(r"<svg class=\"flowchart\".*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    text = "".join(root.itertext())
    for name in ["受理", "审核", "审批", "受理 · 1个工作日"]:
        assert name in text
    assert "<script" not in html.split("<body")[1].replace('<script src="/static/', "")


def test_guide_with_faq_and_no_fee(client_as, catalog):
    response = client_as().get(reverse("catalog:item", args=[code_of(catalog["housing"])]))
    text = text_of(response)
    assert "外地户籍可以申请吗?" in text and "在本市稳定就业满一年即可。" in text
    assert "承诺书未签名" in text
    assert "不收费" in text and "0 次(不见面)" in text and "四级:全程网办" in text


def test_apply_button_leads_to_the_online_application(client_as, catalog):
    code = code_of(catalog["housing"])
    response = client_as().get(reverse("catalog:item", args=[code]))
    assert "在线办理" in text_of(response)
    assert f'href="{reverse("cases:apply")}?item={code}"' in response.content.decode()


def test_apply_button_for_online_items_once_cases_apply_exists(client_as, catalog, monkeypatch):
    from govhall.catalog import views_public

    monkeypatch.setattr(
        views_public, "_apply_url", lambda code: f"/apply/{code}/"
    )  # what the cases app will resolve
    client = client_as()
    housing = client.get(reverse("catalog:item", args=[code_of(catalog["housing"])]))
    assert f'href="/apply/{code_of(catalog["housing"])}/"' in housing.content.decode()
    social = client.get(reverse("catalog:item", args=[code_of(catalog["social"])]))
    assert "在线办理" not in text_of(social)  # online depth 2: guide only, no button


@pytest.mark.parametrize("which", ["draft", "in_review", "cancelled"])
def test_drafts_items_in_review_and_cancelled_items_are_not_found(client_as, catalog, which):
    code = code_of(catalog[which])
    client = client_as()
    for name in ["catalog:item", "catalog:notice"]:
        response = client.get(reverse(name, args=[code]))
        assert response.status_code == 404
        assert "您访问的页面不存在" in text_of(response)


def test_unknown_code_is_not_found(client_as, catalog):
    for code in ["nope", "1" * 31, "<script>"]:
        assert client_as().get(f"/catalog/items/{code}/").status_code == 404


def test_code_is_case_insensitive(client_as, catalog):
    code = code_of(catalog["housing"]).lower()
    assert client_as().get(reverse("catalog:item", args=[code])).status_code == 200


def test_a_new_version_replaces_the_guide(client_as, catalog):
    item = catalog["housing"].item
    draft = services.version_new_draft(actor=None, item=item, reason="压缩承诺时限")
    services.version_update(actor=None, version=draft, data={"promised_limit_days": 5})
    client = client_as()
    before = text_of(client.get(reverse("catalog:item", args=[item.implementation_code])))
    assert "承诺办结时限 10个工作日" in before  # the draft is not public
    services.version_submit(actor=None, version=draft)
    services.version_review(actor=None, version=draft, approve=True)
    after = text_of(client.get(reverse("catalog:item", args=[item.implementation_code])))
    assert "承诺办结时限 5个工作日" in after and "第 2 版" in after


# --- one-time notification sheet ----------------------------------------------------------------


def test_notice_lists_everything_to_bring_and_prints_on_a4(client_as, catalog):
    version = catalog["real_estate"]
    response = client_as().get(reverse("catalog:notice", args=[code_of(version)]))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "一次性告知单" in text and code_of(version) in text
    for material in version.materials.all():
        assert material.name in text, material.name
    assert "需要您提交的材料 2 项" in text
    assert "以下 2 项材料由部门通过共享数据或电子证照库自动获取,您无需提交" in text
    for expected in [
        "在本市有稳定就业或户籍",
        "在本市已有住房的不予受理",
        "法定办结时限:20个工作日",
        "承诺办结时限:10个工作日",
        "不动产登记费:住宅类每件80元",
        "亳州市政务服务中心住建局窗口",
        "0558-5512345",
        "0558-12345",
        "告知日期",
        "受理 → 审核 → 审批",
    ]:
        assert expected in text, expected
    assert re.search(r"告知日期:\d{4}年\d{1,2}月\d{1,2}日", text)
    # the print button (shown by a script) and the print style sheet
    assert re.search(r"<button[^>]*data-print[^>]*>打印</button>", html)
    assert '<script src="/static/catalog/js/print.js" defer>' in html
    link = re.search(r'<link rel="stylesheet" href="([^"]+print\.css)" media="print">', html)
    assert link


def test_print_style_sheet_is_a4_without_site_chrome(client_as):
    from django.contrib.staticfiles import finders

    with open(finders.find("catalog/css/print.css"), encoding="utf-8") as file:
        css = file.read()
    assert "size: A4" in css
    for selector in [".site-header", ".site-footer", ".breadcrumbs", ".no-print"]:
        assert selector in css.split("display: none")[0]
    response = client_as().get("/static/catalog/css/print.css")
    assert response.status_code == 200


# --- downloads ----------------------------------------------------------------------------------


@pytest.fixture
def forms_on_disk(catalog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    material = catalog["real_estate"].materials.get(name="婚姻状况证明")
    material.blank_form.save("婚姻状况证明.docx", ContentFile(b"blank form"), save=False)
    material.sample.save("婚姻状况证明-样表.pdf", ContentFile(b"%PDF sample"), save=False)
    material.save()
    return material


def test_blank_form_and_sample_downloads(client_as, catalog, forms_on_disk):
    client = client_as()
    guide = client.get(reverse("catalog:item", args=[code_of(catalog["real_estate"])]))
    html = guide.content.decode()
    blank_url = reverse("catalog:material_blank", args=[forms_on_disk.pk])
    sample_url = reverse("catalog:material_sample", args=[forms_on_disk.pk])
    assert f'href="{blank_url}"' in html and f'href="{sample_url}"' in html
    blank = client.get(blank_url)
    assert blank.status_code == 200 and b"".join(blank.streaming_content) == b"blank form"
    assert blank["Content-Disposition"].startswith("attachment")
    sample = client.get(sample_url)
    assert sample.status_code == 200 and b"".join(sample.streaming_content) == b"%PDF sample"


def test_downloads_only_for_public_guides_with_files(client_as, catalog, forms_on_disk):
    client = client_as()
    no_file = catalog["real_estate"].materials.get(name="居民身份证")
    assert client.get(reverse("catalog:material_blank", args=[no_file.pk])).status_code == 404
    cancelled = Material.objects.filter(version=catalog["cancelled"]).first()
    cancelled.blank_form = forms_on_disk.blank_form.name
    cancelled.save()
    assert client.get(reverse("catalog:material_blank", args=[cancelled.pk])).status_code == 404
    assert client.get("/catalog/materials/999999/sample/").status_code == 404


# --- every page, every persona, no other hosts --------------------------------------------------


def public_urls(catalog) -> list[str]:
    code = code_of(catalog["real_estate"])
    return [
        reverse("catalog:home"),
        reverse("catalog:home") + "?q=不动产",
        reverse("catalog:home") + "?theme=住房保障",
        reverse("catalog:item", args=[code]),
        reverse("catalog:notice", args=[code]),
        reverse("catalog:lists"),
        *[reverse("catalog:list", args=[key]) for key in LISTS],
        reverse("catalog:changes"),
        reverse("catalog:changes") + f"?item={code}&list=fee",
    ]


def test_pages_have_no_external_urls(client_as, catalog, applicant, clerk):
    for user in (None, applicant, clerk):
        client = client_as(user)
        for url in public_urls(catalog):
            response = client.get(url)
            assert response.status_code == 200, url
            assert external_hosts(response.content.decode()) == set(), url
    not_found = client_as().get(reverse("catalog:item", args=[code_of(catalog["draft"])]))
    assert external_hosts(not_found.content.decode()) == set()


def test_pages_are_read_only(client_as, catalog):
    url = reverse("catalog:item", args=[code_of(catalog["housing"])])
    assert client_as().post(url).status_code == 405


def test_plain_listing_when_the_search_module_is_absent(client_as, catalog, monkeypatch):
    from govhall.catalog import views_public

    monkeypatch.setattr(views_public, "_search_function", lambda: None)
    client = client_as()
    cases = [
        ({"q": "居住证"}, ["居住证办理"], ["不动产转移登记"]),
        ({"theme": "住房保障"}, ["公共租赁住房保障资格申请"], ["不动产转移登记"]),
        ({"theme": "住房"}, [], ["公共租赁住房保障资格申请"]),  # a theme is matched whole
        ({"list": "fee"}, ["不动产转移登记"], ["居住证办理"]),
        ({"q": "仅有草稿"}, [], ["仅有草稿的事项"]),
    ]
    for params, present, absent in cases:
        body = text_of(client.get(reverse("catalog:home"), params, headers={"HX-Request": "true"}))
        for name in present:
            assert name in body, (params, name)
        for name in absent:
            assert name not in body, (params, name)
