"""The lists pages (counts match the data) and the change log (filters by year and list)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.catalog import selectors, services
from govhall.catalog.lists import LISTS, lists_of
from govhall.catalog.models import CatalogChange, ItemVersion
from govhall.catalog.tests import test_views_public as public
from govhall.catalog.tests.test_views_public import code_of, text_of

catalog = public.catalog  # the shared fixture

pytestmark = pytest.mark.django_db


def expected_counts(catalog) -> dict[str, int]:
    """Counted from each public version's own list membership (``lists_of``)."""
    public = [catalog["housing"], catalog["real_estate"], catalog["social"]]
    return {key: sum(key in lists_of(v) for v in public) for key in LISTS}


def test_list_counts_match_the_data(catalog):
    counts = selectors.list_counts()
    assert counts == expected_counts(catalog)
    assert counts == {
        "power": 2,
        "responsibility": 2,
        "fee": 1,
        "public_service": 1,
        "intermediary": 1,
        "certificate": 1,
        "one_visit": 2,
        "zero_visit": 1,
        "negative": 1,
    }


def test_lists_index_shows_the_nine_lists_with_counts(client_as, catalog):
    response = client_as().get(reverse("catalog:lists"))
    assert response.status_code == 200
    html = response.content.decode()
    for key, count in expected_counts(catalog).items():
        assert f'data-list="{key}">{count}<' in html, key
        assert f'href="/catalog/lists/{key}/"' in html
    for name in LISTS.values():
        assert str(name) in text_of(response)


@pytest.mark.parametrize("key", list(LISTS))
def test_each_list_page_lists_its_items(client_as, catalog, key):
    response = client_as().get(reverse("catalog:list", args=[key]))
    assert response.status_code == 200
    text = text_of(response)
    public = [catalog["housing"], catalog["real_estate"], catalog["social"]]
    for version in public:
        assert (version.name in text) == (key in lists_of(version)), (key, version.name)
    for hidden in ("draft", "in_review", "cancelled"):
        assert catalog[hidden].name not in text
    assert f"共 {expected_counts(catalog)[key]} 项" in text


def test_responsibility_list_has_the_accountability_columns(client_as, catalog):
    text = text_of(client_as().get(reverse("catalog:list", args=["responsibility"])))
    for column in ["责任事项", "追责情形", "追责主体", "追责依据", "应负责任"]:
        assert column in text
    assert "对符合条件的申请不予受理的" in text and "市监察委员会、市住建局" in text
    assert "责令改正;情节严重的,依法给予处分" in text


def test_fee_certificate_intermediary_and_negative_lists_show_their_details(client_as, catalog):
    client = client_as()
    fee = text_of(client.get(reverse("catalog:list", args=["fee"])))
    assert "不动产登记费" in fee and "住宅类每件80元" in fee and "发改价格规〔2016〕2559号" in fee
    certificate = text_of(client.get(reverse("catalog:list", args=["certificate"])))
    assert "婚姻状况证明" in certificate and "亳州市民政局" in certificate
    assert "居民身份证" not in certificate  # fetched from shared data, not a certificate to bring
    intermediary = text_of(client.get(reverse("catalog:list", args=["intermediary"])))
    assert "不动产测绘" in intermediary
    negative = text_of(client.get(reverse("catalog:list", args=["negative"])))
    assert "首次办理需现场采集人像和指纹" in negative


def test_unknown_list_is_not_found(client_as, catalog):
    assert client_as().get("/catalog/lists/nope/").status_code == 404


def test_list_pages_are_paginated(client_as, catalog, monkeypatch):
    from govhall.catalog import views_public

    monkeypatch.setattr(views_public, "LIST_PAGE_SIZE", 1)
    client = client_as()
    first = text_of(client.get(reverse("catalog:list", args=["power"])))
    second = text_of(client.get(reverse("catalog:list", args=["power"]), {"page": 2}))
    assert "第 1 / 2 页" in first and "第 2 / 2 页" in second
    assert ("不动产转移登记" in first) != ("不动产转移登记" in second)


# --- change log ---------------------------------------------------------------------------------


@pytest.fixture
def history(catalog):
    """Last year: the housing item added; this year: the rest, a change and a cancellation."""
    now = timezone.now()
    last_year = now.replace(year=now.year - 1, month=6, day=1)
    CatalogChange.objects.filter(item=catalog["housing"].item).update(happened_at=last_year)
    item = catalog["real_estate"].item
    draft = services.version_new_draft(
        actor=None, item=item, reason="取消婚姻状况证明以外的纸质材料"
    )
    services.version_update(actor=None, version=draft, data={"promised_limit_days": 5})
    services.version_submit(actor=None, version=draft)
    services.version_review(actor=None, version=draft, approve=True)
    return {"this_year": now.year, "last_year": now.year - 1}


def test_change_log_selector_filters(catalog, history):
    this_year = selectors.change_log(year=history["this_year"])
    kinds = sorted(c.kind for c in this_year)
    # added: real estate, social, cancelled (before its removal); changed: real estate; removed
    assert kinds == ["added", "added", "added", "changed", "removed"]
    assert [c.item for c in selectors.change_log(year=history["last_year"])] == [
        catalog["housing"].item
    ]
    fee = selectors.change_log(list_key="fee")
    assert {c.item for c in fee} == {catalog["real_estate"].item}
    public_service = selectors.change_log(list_key="public_service")
    assert {c.item for c in public_service} == {catalog["social"].item}
    by_item = selectors.change_log(code=code_of(catalog["real_estate"]).lower())
    assert [c.kind for c in by_item] == ["changed", "added"]


def test_change_log_page_answers_what_changed_this_year(client_as, catalog, history):
    client = client_as()
    response = client.get(reverse("catalog:changes"), {"year": history["this_year"]})
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert re.search(r'data-kind="added">3<', html)
    assert re.search(r'data-kind="changed">1<', html)
    assert re.search(r'data-kind="removed">1<', html)
    assert "取消婚姻状况证明以外的纸质材料" in text  # the reason
    assert "承诺办结时限(工作日)" in text  # the changed element, by its label
    assert "上级决定取消" in text
    assert "公共租赁住房保障资格申请" not in text.split("变更要素")[1]  # last year's
    # the cancelled item is named but not linked
    assert "已取消的事项" in text
    assert f"/catalog/items/{code_of(catalog['cancelled'])}/" not in html
    assert f'href="/catalog/items/{code_of(catalog["real_estate"])}/"' in html
    last = text_of(client.get(reverse("catalog:changes"), {"year": history["last_year"]}))
    assert "公共租赁住房保障资格申请" in last.split("变更要素")[1]
    assert "不动产转移登记" not in last.split("变更要素")[1]


def test_change_log_page_filters_by_list_and_item(client_as, catalog, history):
    client = client_as()
    fee = text_of(client.get(reverse("catalog:changes"), {"list": "fee"}))
    rows = fee.split("变更要素")[1]
    assert "不动产转移登记" in rows and "居住证办理" not in rows
    code = code_of(catalog["social"])
    one = text_of(client.get(reverse("catalog:changes"), {"item": code}))
    assert f"仅显示事项 {code} 的变更" in one
    rows = one.split("变更要素")[1]
    assert "居住证办理" in rows and "不动产转移登记" not in rows


def test_change_log_ignores_bad_filters(client_as, catalog, history):
    for params in [{"year": "abc"}, {"year": "1999"}, {"list": "nope"}, {"page": "x"}]:
        assert client_as().get(reverse("catalog:changes"), params).status_code == 200


def test_year_options_come_from_the_data(catalog, history):
    assert selectors.change_years() == [history["this_year"], history["last_year"]]


def test_published_versions_count_once_on_the_lists(catalog):
    # the superseded first version of a changed item is not counted again
    item = catalog["real_estate"].item
    draft = services.version_new_draft(actor=None, item=item, reason="更新收费标准")
    services.version_submit(actor=None, version=draft)
    services.version_review(actor=None, version=draft, approve=True)
    assert ItemVersion.objects.filter(item=item).count() == 2
    assert selectors.list_counts()["fee"] == 1
    assert dt.date.today().year in selectors.change_years()
