"""item_search: words, pinyin, initials, synonyms, filters, ranking and visibility."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from govhall.catalog import search, services
from govhall.catalog.models import Item, ItemVersion
from govhall.catalog.selectors_search import item_search, region_and_above
from govhall.catalog.tests.factories import draft_item, published_item
from govhall.core import errors
from govhall.organizations.models import Region
from govhall.organizations.tests.factories import DepartmentFactory, RegionFactory

CITY, COUNTY, TOWN, OTHER_TOWN, OTHER_COUNTY = (
    "341600000000",
    "341602000000",
    "341602001000",
    "341602002000",
    "341621000000",
)
AT_COUNTER = {"online_depth": 3, "visits": 1, "visit_reason": "需现场核验原件"}


def build_catalog(housing, police) -> SimpleNamespace:
    """A small catalog: every filter has an item inside and one outside."""
    city = RegionFactory(code=CITY)
    county = RegionFactory(code=COUNTY, name="谯城区", level=Region.Level.COUNTY, parent=city)
    town = RegionFactory(code=TOWN, name="花戏楼街道", level=Region.Level.TOWNSHIP, parent=county)
    RegionFactory(code=OTHER_TOWN, name="薛阁街道", level=Region.Level.TOWNSHIP, parent=county)
    RegionFactory(code=OTHER_COUNTY, name="涡阳县", level=Region.Level.COUNTY, parent=city)
    market = DepartmentFactory(name="亳州市市场监督管理局", short_name="市场监管局")
    county_hrss = DepartmentFactory(name="谯城区人力资源和社会保障局", region=county)
    street = DepartmentFactory(name="花戏楼街道办事处", short_name="花戏楼街道", region=town)
    c = SimpleNamespace(housing=housing, police=police, market=market, street=street)
    c.rental = published_item(housing)  # 公共租赁住房保障资格申请, city, 住房保障, level IV
    c.permit = published_item(
        housing,
        name="建筑工程施工许可证核发",
        themes_person=[],
        themes_legal=["工程建设"],
        service_targets=["2"],
        result_name="建筑工程施工许可证",
        **AT_COUNTER,
    )
    c.company = published_item(
        market,
        name="企业设立登记",
        item_type="07",
        themes_person=[],
        themes_legal=["开办企业"],
        service_targets=["2"],
        result_name="营业执照",
    )
    c.residence = published_item(
        police,
        name="居住证签发",
        themes_person=["户籍办理"],
        result_name="居住证",
        online_depth=2,
        visits=2,
        visit_reason="采集人像",
    )
    c.residence_change = published_item(
        police, name="居住证签发信息变更", themes_person=["户籍办理"], result_name="居住证"
    )
    c.floating = published_item(
        police, name="流动人口居住证签发", themes_person=["户籍办理"], result_name="居住证"
    )
    c.school = published_item(
        police,
        name="随迁子女入学资格审核",
        item_type="20",
        themes_person=["教育", "居住证签发"],
        result_name="入学资格审核意见",
    )
    c.pension = published_item(
        county_hrss,
        name="城乡居民基本养老保险参保登记",
        item_type="20",
        themes_person=["社会保障"],
        result_name="参保登记",
        region=COUNTY,
    )
    c.dibao = published_item(
        street,
        name="最低生活保障申请",
        item_type="05",
        themes_person=["社会救助"],
        result_name="最低生活保障待遇",
        region=TOWN,
    )
    c.other_town = published_item(
        street, name="临时救助申请", item_type="05", themes_person=["社会救助"], region=OTHER_TOWN
    )
    c.other_county = published_item(
        street,
        name="特困人员救助供养",
        item_type="05",
        themes_person=["社会救助"],
        region=OTHER_COUNTY,
    )
    cancelled = published_item(housing, name="公共租赁住房租金补贴申请")
    services.item_cancel(actor=None, item=cancelled.item, reason="政策调整")
    c.cancelled = cancelled
    c.draft = draft_item(housing, name="公共租赁住房退出申请")  # never published
    return c


@pytest.fixture
def catalog(housing_department, police_department) -> SimpleNamespace:
    return build_catalog(housing_department, police_department)


def codes(result) -> list[str]:
    return [item.implementation_code for item in result]


def code(version: ItemVersion) -> str:
    return version.item.implementation_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    ["公租房申请", "公租房", "公共租赁", "gzf", "GZF", "gongzufang", "gong zu fang", "租赁住房"],
)
def test_words_abbreviations_pinyin_and_initials_find_public_rental_housing(catalog, q):
    result = item_search(q=q)
    assert codes(result)[:1] == [code(catalog.rental)], q
    assert code(catalog.cancelled) not in codes(result)
    assert code(catalog.draft) not in codes(result)


@pytest.mark.django_db
def test_material_department_and_result_names_are_searched(catalog):
    assert code(catalog.company) in codes(item_search(q="营业执照"))
    assert code(catalog.company) in codes(item_search(q="yyzz"))
    assert code(catalog.company) in codes(item_search(q="市场监管局"))
    assert code(catalog.rental) in codes(item_search(q="居民身份证"))
    assert code(catalog.rental) in codes(item_search(q="身份证"))


@pytest.mark.django_db
def test_ranking_exact_name_then_prefix_then_contains_then_other_fields(catalog):
    ranked = codes(item_search(q="居住证签发"))
    expected = [catalog.residence, catalog.residence_change, catalog.floating, catalog.school]
    assert ranked == [code(v) for v in expected]
    by_initials = codes(item_search(q="jzzqf"))
    assert by_initials[:2] == [code(catalog.residence), code(catalog.residence_change)]


@pytest.mark.django_db
def test_every_word_must_match_and_otherwise_the_best_partial_matches_are_offered(catalog):
    assert not item_search(q="公租房 申请").relaxed
    either = item_search(q="施工许可证 营业执照")  # no item holds both
    assert either.relaxed and set(codes(either)) == {code(catalog.permit), code(catalog.company)}
    result = item_search(q="施工许可证 火星移民")
    assert result.relaxed and codes(result) == [code(catalog.permit)]


@pytest.mark.django_db
def test_filters(catalog):
    everything = codes(item_search())
    assert len(everything) == 11
    housing = codes(item_search(department=catalog.housing.pk))
    assert set(housing) == {code(catalog.rental), code(catalog.permit)}
    enterprises = codes(item_search(target="2"))
    assert set(enterprises) == {code(catalog.permit), code(catalog.company)}
    assert codes(item_search(theme="住房保障")) == [code(catalog.rental)]
    assert codes(item_search(theme="开办企业")) == [code(catalog.company)]  # a legal-person theme
    assert codes(item_search(theme="住房")) == []  # themes match whole
    assert codes(item_search(list_key="negative")) == [code(catalog.residence)]
    at_most_one = set(codes(item_search(max_visits=1)))
    assert code(catalog.residence) not in at_most_one and code(catalog.permit) in at_most_one
    assert set(codes(item_search(max_visits=0))) == set(everything) - {
        code(catalog.residence),
        code(catalog.permit),
    }
    assert codes(item_search(online_depth=2)) == [code(catalog.residence)]
    assert codes(item_search(q="建筑", online_depth=3, target="2")) == [code(catalog.permit)]
    assert codes(item_search(q="保障", department=catalog.police.pk)) == []


@pytest.mark.django_db
def test_region_shows_the_region_and_every_region_above_it(catalog):
    assert region_and_above(TOWN) == ["340000000000", CITY, COUNTY, TOWN]
    town = set(codes(item_search(region=TOWN)))
    assert {code(catalog.dibao), code(catalog.pension), code(catalog.rental)} <= town
    assert code(catalog.other_town) not in town and code(catalog.other_county) not in town
    city = set(codes(item_search(region=CITY)))
    assert code(catalog.rental) in city and code(catalog.dibao) not in city
    assert codes(item_search(q="低保", region=TOWN)) == [code(catalog.dibao)]
    assert codes(item_search(q="低保", region=OTHER_TOWN)) == []


@pytest.mark.django_db
def test_cancelled_unpublished_and_draft_changes_never_appear(catalog):
    for q in ["租金补贴", "退出申请", ""]:
        found = codes(item_search(q=q))
        assert code(catalog.cancelled) not in found and code(catalog.draft) not in found
    draft = services.version_new_draft(actor=None, item=catalog.rental.item, reason="更名")
    services.version_update(actor=None, version=draft, data={"name": "人才公寓配租申请"})
    assert codes(item_search(q="人才公寓")) == []
    assert codes(item_search(q="公租房"))[:1] == [code(catalog.rental)]
    assert item_search(q="公租房")[0].published_version.name == "公共租赁住房保障资格申请"


@pytest.mark.django_db
def test_unknown_list_is_refused(catalog):
    with pytest.raises(errors.ValidationError):
        item_search(list_key="nonsense")


@pytest.mark.django_db
def test_results_load_lazily_with_a_highlight_and_facets(catalog, django_assert_max_num_queries):
    result = item_search(q="社会保障")
    assert len(result) >= 1
    with django_assert_max_num_queries(2):
        page = result[0:20]
    assert page[0].search_highlight
    empty = item_search(q="")
    assert len(empty) == 11 and empty[0].search_highlight
    facets = item_search(q="居住证").facets()
    assert {"id": catalog.police.pk, "name": catalog.police.name, "count": 4} in facets[
        "department"
    ]
    assert sum(item_search().facets()["online_depth"].values()) == 11


@pytest.mark.django_db
def test_matching_reads_the_database_and_a_rebuild_gives_ranking_a_new_key(catalog):
    version = catalog.rental
    assert codes(item_search(q="gzf"))[:1] == [code(version)]
    ItemVersion.objects.filter(pk=version.pk).update(search_text="stale |")
    assert code(version) not in codes(item_search(q="gzf"))  # membership: always the rows
    before = Item.objects.get(pk=version.item_id).updated_at
    assert search.search_text_rebuild(ItemVersion.objects.filter(pk=version.pk)) == 1
    assert Item.objects.get(pk=version.item_id).updated_at > before
    assert codes(item_search(q="gzf"))[:1] == [code(version)]
    assert search.search_text_rebuild(ItemVersion.objects.filter(pk=version.pk)) == 0
