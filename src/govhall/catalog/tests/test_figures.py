"""Catalog figures: hand-computed values on a small catalog, what is not counted, the department
filter, an empty catalog, one query; the public page and the public API show the same numbers."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.urls import reverse

from govhall.catalog import services
from govhall.catalog.figures import catalog_figures
from govhall.catalog.tests.factories import draft_item, published_item
from govhall.core import errors

pytestmark = pytest.mark.django_db

FEE = {
    "fee_charged": True,
    "fee_basis": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》",
    "fees": [{"name": "不动产登记费", "standard": "80元/件", "basis": "发改价格规〔2016〕2559号"}],
}


@pytest.fixture
def catalog(housing_department, police_department):
    """Five published items (four of 住建局, one of 公安局) with known elements.

    A: 行政许可, IV, 0 visits, 承诺件 20/10   B: 行政确认, III, 1 visit, 即办件 5/1
    C: 行政处罚, I, 0 visits, 90/60          D: 公共服务, II, 2 visits, 10/10, charged
    E (公安局): 行政许可, IV, 0 visits, 30/15
    """
    return {
        "A": published_item(housing_department),
        "B": published_item(
            housing_department,
            item_type="07",
            online_depth=3,
            visits=1,
            visit_reason="须本人到场采集人像",
            case_type="1",
            statutory_limit_days=5,
            promised_limit_days=1,
        ),
        "C": published_item(
            housing_department,
            item_type="02",
            online_depth=1,
            online_url="",
            statutory_limit_days=90,
            promised_limit_days=60,
        ),
        "D": published_item(
            housing_department,
            item_type="20",
            online_depth=2,
            visits=2,
            visit_reason="现场勘查",
            statutory_limit_days=10,
            promised_limit_days=10,
            **FEE,
        ),
        "E": published_item(police_department, statutory_limit_days=30, promised_limit_days=15),
    }


def test_city_wide_figures_match_the_hand_computed_values(catalog):
    totals = catalog_figures()["totals"]
    assert totals["items"] == 5
    assert totals["application_items"] == 4  # C, a penalty, is not applied for
    assert totals["online_items"] == 3  # A, B, E
    assert totals["online_rate"] == pytest.approx(3 / 4)
    assert totals["full_online_rate"] == pytest.approx(2 / 5)  # A, E
    assert totals["instant_rate"] == pytest.approx(1 / 5)  # B
    assert (totals["statutory_days"], totals["promised_days"]) == (155, 96)
    assert totals["time_compression"] == pytest.approx(float(Fraction(155 - 96, 155)))
    assert totals["visits"] == 3
    assert totals["mean_visits"] == pytest.approx(3 / 5)
    assert totals["one_visit_rate"] == pytest.approx(4 / 5)  # A, B, C, E
    assert totals["zero_visit_rate"] == pytest.approx(3 / 5)  # A, C, E
    assert totals["lists"] == {
        "power": 4,
        "responsibility": 4,
        "fee": 1,
        "public_service": 1,
        "intermediary": 0,
        "certificate": 0,
        "one_visit": 4,
        "zero_visit": 3,
        "negative": 1,
    }


def test_department_rows_are_grouped_and_add_up_to_the_totals(
    catalog, housing_department, police_department
):
    figures = catalog_figures()
    rows = {row["department"]["id"]: row for row in figures["departments"]}
    assert set(rows) == {housing_department.pk, police_department.pk}
    housing = rows[housing_department.pk]
    assert housing["department"]["name"] == housing_department.name
    assert (housing["items"], housing["application_items"], housing["online_items"]) == (4, 3, 2)
    assert housing["online_rate"] == pytest.approx(2 / 3)
    assert housing["full_online_rate"] == pytest.approx(1 / 4)
    assert housing["time_compression"] == pytest.approx(44 / 125)
    assert housing["mean_visits"] == pytest.approx(3 / 4)
    police = rows[police_department.pk]
    assert (police["items"], police["online_rate"], police["zero_visit_rate"]) == (1, 1.0, 1.0)
    for key in ("items", "statutory_days", "promised_days", "visits", "zero_visit_items"):
        assert housing[key] + police[key] == figures["totals"][key]


def test_drafts_revisions_and_cancelled_items_are_not_counted(catalog, housing_department):
    before = catalog_figures()
    draft_item(housing_department, name="仅有草稿的事项")
    cancelled = published_item(housing_department, name="已取消的事项")
    services.item_cancel(actor=None, item=cancelled.item, reason="职能调整")
    in_review = draft_item(housing_department, name="审核中的事项")
    services.version_submit(actor=None, version=in_review)
    # a revision of A in draft: A still counts once, with its published elements
    revision = services.version_new_draft(actor=None, item=catalog["A"].item, reason="调整跑动次数")
    services.version_update(
        actor=None, version=revision, data={"online_depth": 3, "visits": 1, "visit_reason": "核验"}
    )
    assert catalog_figures() == before


def test_the_department_filter(catalog, police_department):
    figures = catalog_figures(department_id=police_department.pk)
    assert figures["department"] == {
        "id": police_department.pk,
        "name": police_department.name,
        "short_name": police_department.short_name,
    }
    assert [row["department"]["id"] for row in figures["departments"]] == [police_department.pk]
    totals = figures["totals"]
    assert (totals["items"], totals["statutory_days"], totals["promised_days"]) == (1, 30, 15)
    assert totals["time_compression"] == pytest.approx(0.5)
    assert totals["lists"]["power"] == 1 and totals["lists"]["fee"] == 0


def test_an_unknown_department_is_not_found(catalog):
    with pytest.raises(errors.NotFound):
        catalog_figures(department_id=999_999)


def test_an_empty_catalog_gives_zeros(police_department):
    for figures in (catalog_figures(), catalog_figures(department_id=police_department.pk)):
        totals = figures["totals"]
        assert figures["departments"] == []
        assert totals["items"] == totals["statutory_days"] == 0
        for key in (
            "online_rate",
            "full_online_rate",
            "instant_rate",
            "time_compression",
            "mean_visits",
            "one_visit_rate",
            "zero_visit_rate",
        ):
            assert totals[key] == 0.0
        assert set(totals["lists"].values()) == {0}


def test_one_grouped_query_whatever_the_size(catalog, django_assert_num_queries):
    with django_assert_num_queries(1):
        catalog_figures()


# --- the public API ---------------------------------------------------------------------------

API = "/api/v1/stats/catalog"


def test_the_api_is_public_and_returns_the_same_numbers(catalog, api_client, client_for, applicant):
    expected = catalog_figures()
    for client in (api_client, client_for(applicant)):
        response = client.get(API)
        assert response.status_code == 200
        body = response.json()
        assert body["department"] is None
        assert body["totals"]["items"] == 5
        assert body["totals"]["online_rate"] == 0.75
        assert body["totals"]["time_compression"] == round(
            expected["totals"]["time_compression"], 4
        )
        assert body["totals"]["mean_visits"] == 0.6
        assert body["totals"]["lists"] == expected["totals"]["lists"]
        assert len(body["departments"]) == 2
        row = body["departments"][0]
        assert {"id", "name", "short_name", "region", "region_name"} <= set(row["department"])


def test_the_api_department_filter(catalog, api_client, police_department):
    response = api_client.get(API, {"department": police_department.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["department"]["id"] == police_department.pk
    assert body["totals"]["items"] == 1 and body["totals"]["time_compression"] == 0.5


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5"])
def test_the_api_refuses_a_malformed_department(api_client, value):
    response = api_client.get(API, {"department": value})
    assert response.status_code == 400
    assert "department" in response.json()["error"]["fields"]


def test_the_api_answers_not_found_for_an_unknown_department(api_client, db):
    response = api_client.get(API, {"department": 999_999})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_on_an_empty_catalog(api_client, db):
    body = api_client.get(API).json()
    assert body["totals"]["items"] == 0 and body["totals"]["online_rate"] == 0.0
    assert body["departments"] == []


# --- the public page --------------------------------------------------------------------------


def test_the_page_is_public_and_shows_the_figures(
    catalog, client_as, applicant, housing_department, police_department
):
    url = reverse("catalog:figures")
    assert url == "/catalog/figures/"
    for client in (client_as(None), client_as(applicant)):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert housing_department.name in page and police_department.name in page
        assert "75.0%" in page  # 网上可办率 3/4
        assert "38.1%" in page  # 承诺时限压缩比 59/155 = 38.06%
        assert "66.7%" in page  # 住建局 网上可办率 2/3
        assert "3 / 4" in page  # the computation shown next to the rate
        assert "依申请事项指行政处罚、行政强制、行政检查以外的事项" in page  # the definition
        assert "0.60" in page  # mean visits


def test_the_page_on_an_empty_catalog(client_as, db):
    response = client_as(None).get(reverse("catalog:figures"))
    assert response.status_code == 200
    assert "暂无已公布的事项" in response.content.decode()


def test_the_page_only_answers_reads(client_as, db):
    assert client_as(None).post(reverse("catalog:figures")).status_code == 405
