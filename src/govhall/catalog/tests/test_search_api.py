"""GET /api/v1/items: public, paginated, filters validated (400), odd input answered (200)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.catalog.tests.test_search_selectors import TOWN, build_catalog, code

URL = "/api/v1/items"


def test_the_path_is_the_contract():
    assert reverse("api:items") == URL


@pytest.fixture
def catalog(housing_department, police_department):
    return build_catalog(housing_department, police_department)


def _codes(response) -> list[str]:
    return [row["implementation_code"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_anonymous_visitors_search_and_get_the_contract(api_client, catalog):
    response = api_client.get(URL, {"q": "公租房申请"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results", "query"}
    first = body["results"][0]
    assert first == {
        "implementation_code": code(catalog.rental),
        "name": "公共租赁住房保障资格申请",
        "department": {"id": catalog.housing.pk, "name": catalog.housing.name},
        "item_type": "01",
        "region": "341600000000",
        "online_depth": 4,
        "visits": 0,
        "promised_limit_days": 10,
        "statutory_limit_days": 20,
        "themes": ["住房保障"],
        "targets": ["1"],
        "highlight": "<mark>公共租赁住房</mark>保障资格<mark>申请</mark>",
    }
    assert body["query"] == {
        "text": "公租房申请",
        "terms": ["公租房", "申请"],
        "truncated": False,
        "relaxed": False,
        "ignored": False,
        "message": "",
    }
    assert code(catalog.cancelled) not in _codes(response)


@pytest.mark.django_db
def test_the_schema_documents_the_filters(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/items" in schema and "online_depth" in schema and "max_visits" in schema


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["gzf", "gongzufang", "gong zu fang"])
def test_pinyin_and_initials(api_client, catalog, q):
    response = api_client.get(URL, {"q": q})
    assert _codes(response)[0] == code(catalog.rental)


@pytest.mark.django_db
def test_signed_in_users_get_the_same_answer(client_for, applicant, clerk, catalog):
    for user in (applicant, clerk):
        assert _codes(client_for(user).get(URL, {"q": "gzf"}))[0] == code(catalog.rental)


@pytest.mark.django_db
def test_filters_and_pagination(api_client, catalog):
    params = {"theme": "住房保障"}
    assert _codes(api_client.get(URL, params)) == [code(catalog.rental)]
    assert _codes(api_client.get(URL, {"list": "negative"})) == [code(catalog.residence)]
    by_department = api_client.get(URL, {"department": catalog.market.pk, "target": "2"})
    assert _codes(by_department) == [code(catalog.company)]
    assert _codes(api_client.get(URL, {"online_depth": 2, "max_visits": 2})) == [
        code(catalog.residence)
    ]
    nearby = _codes(api_client.get(URL, {"q": "低保", "region": TOWN}))
    assert nearby == [code(catalog.dibao)]
    assert api_client.get(URL, {"region": "341602"}).status_code == 200  # six digits padded
    # Unset filters arrive empty from forms: ignored, not refused.
    blank = api_client.get(URL, {"q": "", "department": "", "list": "", "page_size": 5})
    body = blank.json()
    assert blank.status_code == 200 and body["count"] == 11 and len(body["results"]) == 5
    assert body["next"] and api_client.get(body["next"]).json()["previous"] is not None


@pytest.mark.django_db
def test_facets_on_request(api_client, catalog):
    body = api_client.get(URL, {"q": "居住证", "facets": "1"}).json()
    assert body["facets"]["department"] == [
        {"id": catalog.police.pk, "name": catalog.police.name, "count": 4}
    ]
    assert "facets" not in api_client.get(URL, {"q": "居住证"}).json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department": "abc"}, "department"),
        ({"department": "999999"}, "department"),
        ({"target": "9"}, "target"),
        ({"list": "nonsense"}, "list"),
        ({"max_visits": "-1"}, "max_visits"),
        ({"online_depth": "5"}, "online_depth"),
        ({"online_depth": "IV"}, "online_depth"),
        ({"region": "1234"}, "region"),
        ({"region": "999999000000"}, "region"),
        ({"facets": "maybe"}, "facets"),
    ],
)
def test_invalid_filters_answer_400_in_the_error_format(api_client, catalog, params, field):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"] and error["message"]


@pytest.mark.django_db
def test_a_nul_character_in_the_query_is_a_clear_400(api_client, catalog):
    """NUL cannot reach PostgreSQL text: every request carrying one is refused the same way."""
    response = api_client.get(URL, {"q": "公租\x00房"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_characters"


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "%",
        "_",
        "%%__%%",
        "' OR 1=1 --",
        "😀🏠",
        "!!!???。,、",
        "\\",
        "公租房" * 500,
        "a" * 5000,
        "火星移民局",
        "<script>alert(1)</script>",
        "\u202e\u200b公租房\ufeff",
        "ｇｚｆ",
    ],
)
def test_odd_input_answers_200_clearly(api_client, catalog, q):
    response = api_client.get(URL, {"q": q})
    assert response.status_code == 200
    body = response.json()
    info = body["query"]
    assert len(info["text"]) <= 50
    if not info["terms"]:  # nothing searchable: every item, and says so when something was typed
        assert body["count"] == 11
        assert info["ignored"] == bool(q.strip()) and (not q.strip() or info["message"])
    if body["count"] == 0:
        assert "未找到" in info["message"]
    if len(q) > 50 and info["terms"]:
        assert info["truncated"] and "过长" in info["message"]
    assert "<script>" not in response.content.decode()
