"""prefill_values and form_merge: the flagship form filled from the account, the registries
(household rows, aggregates, mapped values) and the e-license index; what the applicant changed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from govhall.cases.formdef import (
    HouseholdMember,
    Prefill,
    PrefillSources,
    ResourceLabel,
    SourceRecord,
    default_formdef,
    form_merge,
    form_validate,
    prefill_values,
)
from govhall.core.identifiers import id_number_with_check, uscc_with_check

FORMS = json.loads(
    (Path(__file__).resolve().parents[2] / "demo" / "data" / "forms.json").read_text("utf-8")
)["forms"]
HOUSING = FORMS["10001"]
ME = id_number_with_check("34160219900101123")
WIFE = id_number_with_check("34160219920202234")
SON = id_number_with_check("34160220150303345")
NEPHEW = id_number_with_check("34160220180404456")
POLICE, ESTATE, TAX = "亳州市公安局", "亳州市不动产登记中心", "国家税务总局亳州市税务局"
UPDATED = dt.datetime(2026, 10, 1, 2, 30, tzinfo=dt.UTC)


def rec(resource: str, provider: str, key: str = "", **data) -> SourceRecord:
    return SourceRecord(
        data=data, resource_name=resource, provider=provider, updated_at=UPDATED, record_key=key
    )


def person(name: str, sex: str, relation: str) -> SourceRecord:
    return rec(
        "人口基础信息", POLICE, name=name, sex=sex, birth_date="1990-01-01",
        address="亳州市谯城区薛阁街道魏武大道1号", household_number="341602001", relation=relation,
    )  # fmt: skip


HOME = rec("不动产登记信息", ESTATE, "皖(2020)亳州市不动产权第0000001号",
           certificate_number="皖(2020)亳州市不动产权第0000001号", location="谯城区汤王大道8号",
           area="45.5", usage="住宅", ownership="共同共有")  # fmt: skip
SHOP = rec("不动产登记信息", ESTATE, "皖(2021)亳州市不动产权第0000002号",
           certificate_number="皖(2021)亳州市不动产权第0000002号", location="谯城区药都路2号",
           area=20, usage="商业", ownership="单独所有")  # fmt: skip
CARD = SourceRecord(
    data={"license_type": "disability_card", "license_name": "残疾人证",
          "license_number": f"{WIFE}42", "issuer": "亳州市残疾人联合会", "status": "有效"},
    resource_name="电子证照目录", provider="亳州市数据资源管理局",
    updated_at=dt.date(2024, 3, 1), record_key="1.2.156.3005.2.0103.x",
)  # fmt: skip
OLD_CARD = SourceRecord(
    data={"license_type": "disability_card", "license_name": "残疾人证",
          "license_number": "OLD", "issuer": "亳州市残疾人联合会", "status": "注销"},
)  # fmt: skip

MY_RECORDS = {
    "population": [person("张三", "1", "head")],
    "household": [rec("户籍信息", POLICE, household_type="城镇", member_count=3)],
    "marriage": [rec("婚姻登记信息", "亳州市民政局", marital_status="已婚", spouse_name="李四",
                     spouse_id_number=WIFE, registered_on="2014-05-01")],
    "income_tax": [rec("个人所得税纳税信息", TAX, year=2025, annual_income="36000")],
    "real_estate": [HOME, SHOP],
    "vehicle": [],
    "disability": [],
    "subsistence_allowance": [],
    "license_index": [],
}  # fmt: skip
WIFE_RECORDS = {
    "population": [person("李四", "2", "spouse")],
    "income_tax": [rec("个人所得税纳税信息", TAX, year=2025, annual_income=24000.5)],
    "real_estate": [HOME],
    "vehicle": [rec("机动车登记信息", POLICE, "皖S12345", plate_number="皖S12345",
                    vehicle_type="小型轿车", purchase_price="89000")],
    "disability": [rec("残疾人信息", "亳州市残疾人联合会", grade=4, category="肢体")],
    "license_index": [OLD_CARD, CARD],
}  # fmt: skip
SON_RECORDS = {"population": [person("张小明", "1", "child")], "real_estate": [], "vehicle": []}


@pytest.fixture
def sources() -> PrefillSources:
    return PrefillSources(
        account={"name": "张三", "id_number": ME, "phone": "13955880000"},
        records=MY_RECORDS,
        household=[
            HouseholdMember(WIFE, WIFE_RECORDS),
            HouseholdMember(SON, SON_RECORDS),
            HouseholdMember(ME, MY_RECORDS),
        ],
        resources={"subsistence_allowance": ResourceLabel("最低生活保障信息", "亳州市民政局")},
    )


def test_plain_fields_from_the_account_and_the_registries(sources):
    prefill = prefill_values(HOUSING, sources)
    applicant = prefill.values["applicant"]
    assert applicant["name"] == "张三"
    assert applicant["id_number"] == ME
    assert applicant["sex"] == "1"
    assert applicant["household_type"] == "urban"  # mapped from 城镇
    assert applicant["marital"] == "20"  # mapped from 已婚
    assert applicant["spouse_name"] == "李四"
    assert prefill.sources["applicant.name"]["kind"] == "account"
    assert prefill.sources["applicant.name"]["label"] == "来自 实名认证信息"
    meta = prefill.sources["applicant.register_address"]
    assert meta["kind"] == "resource"
    assert meta["resource"] == "population"
    assert meta["provider"] == POLICE
    assert meta["resource_name"] == "人口基础信息"
    assert meta["updated_at"].startswith("2026-10-01T10:30")  # Asia/Shanghai
    assert meta["label"] == "来自 亳州市公安局·人口基础信息 2026-10-01"
    assert "employer" not in applicant  # social_security was not read
    assert "applicant.employer" not in prefill.sources


def test_household_rows_with_the_applicant_first(sources):
    rows = prefill_values(HOUSING, sources).values["members"]
    assert [row["id_number"] for row in rows] == [ME, WIFE, SON]
    me, wife, son = rows
    assert me["relation"] == "head" and wife["relation"] == "spouse"
    assert me["annual_income"] == "36000.00"
    assert wife["annual_income"] == "24000.50"
    assert "annual_income" not in son  # income_tax not read for him
    assert me["property_count"] == 2 and me["property_area"] == "65.50"
    assert son["property_count"] == 0 and son["vehicle_count"] == 0
    assert wife["vehicle_count"] == 1
    assert wife["disabled"] is True and wife["disability_grade"] == "4"
    assert me["disabled"] is False


def test_sources_of_rows_and_aggregates(sources):
    prefill = prefill_values(HOUSING, sources)
    area = prefill.sources["members.0.property_area"]
    assert area["aggregate"] == "sum" and area["record_key"] is None
    assert area["provider"] == ESTATE
    identity = prefill.sources["members.1.id_number"]
    assert identity["resource"] == "population" and identity["field"] == "subject_key"
    special = prefill.values["special"]
    assert special["subsistence"] is False  # read, no record: a confirmed "no"
    label = prefill.sources["special.subsistence"]["label"]
    assert label == "来自 亳州市民政局·最低生活保障信息"


def test_rows_per_record_once_across_the_household(sources):
    prefill = prefill_values(HOUSING, sources)
    homes = prefill.values["properties"]
    assert [h["certificate_number"] for h in homes] == [HOME.record_key, SHOP.record_key]
    assert homes[0]["owner_id_number"] == ME and homes[0]["area"] == "45.50"
    assert prefill.sources["properties.1.location"]["record_key"] == SHOP.record_key
    cars = prefill.values["vehicles"]
    assert cars == [
        {"plate_number": "皖S12345", "owner_id_number": WIFE, "vehicle_type": "小型轿车",
         "purchase_price": "89000.00"}
    ]  # fmt: skip


def test_licenses_valid_ones_first():
    definition = {"sections": [{"key": "s", "title": "t", "fields": [
        {"key": "card", "label": "残疾人证号", "type": "text",
         "source": {"license": "disability_card", "field": "license_number"}},
        {"key": "has", "label": "持证", "type": "boolean",
         "source": {"license": "disability_card", "aggregate": "exists"}},
        {"key": "other", "label": "其他证", "type": "text",
         "source": {"license": "real_estate_certificate", "field": "license_number"}},
    ]}]}  # fmt: skip
    prefill = prefill_values(definition, PrefillSources(records=WIFE_RECORDS))
    assert prefill.values["s"] == {"card": f"{WIFE}42", "has": True}
    meta = prefill.sources["s.card"]
    assert meta["kind"] == "license" and meta["license"] == "disability_card"
    assert meta["provider"] == "亳州市残疾人联合会" and meta["resource_name"] == "残疾人证"
    assert meta["label"] == "来自 亳州市残疾人联合会·残疾人证 2024-03-01"


def test_a_registry_value_that_does_not_fit_is_not_prefilled():
    definition = {"sections": [{"key": "s", "title": "t", "fields": [
        {"key": "sex", "label": "性别", "type": "select",
         "options": [{"value": "M", "label": "男"}],
         "source": {"resource": "population", "field": "sex"}},
        {"key": "status", "label": "婚姻", "type": "select",
         "options": [{"value": "20", "label": "已婚"}],
         "source": {"resource": "marriage", "field": "marital_status", "map": {"离婚": "40"}}},
    ]}]}  # fmt: skip
    assert prefill_values(definition, PrefillSources(records=MY_RECORDS)).values == {}


def test_nothing_known_nothing_filled():
    prefill = prefill_values(HOUSING, PrefillSources())
    assert prefill.values == {} and prefill.sources == {}


def test_prefilled_values_validate(sources):
    prefill = prefill_values(HOUSING, sources)
    data = json.loads(json.dumps(prefill.values))
    data["housing"] = {"situation": "dorm", "current_address": "x"}
    data["special"]["disability"] = False
    data["members"][2]["annual_income"] = "0"  # no tax record: the applicant types it
    data["bank"] = {"account_name": "张三", "bank": "icbc", "account_number": "6222020000000000"}
    data["delivery"] = {"method": "pickup"}
    data["commitment"] = {"truthful": True, "authorize": True}
    cleaned = form_validate(HOUSING, data)
    assert cleaned["members"][1]["disability_grade"] == "4"
    assert cleaned["applicant"]["spouse_id_number"] == WIFE


def test_default_form_prefill_for_an_enterprise():
    definition = default_formdef(item_name="x", target="2")
    uscc = uscc_with_check("91341600MA2T00001")
    company = rec("法人基础信息", "亳州市市场监督管理局", address="亳州市谯城区药都大道1号")
    sources = PrefillSources(
        account={"name": "亳州药都科技有限公司", "uscc": uscc, "legal_representative": "王五"},
        records={"legal_person": [company]},
    )
    prefill = prefill_values(definition, sources)
    assert prefill.values["applicant"]["uscc"] == uscc
    assert prefill.values["delivery"]["address"] == "亳州市谯城区药都大道1号"


# --- form_merge -----------------------------------------------------------------------------------


def test_merge_tells_confirmed_changed_and_typed_values(sources):
    prefill = prefill_values(HOUSING, sources)
    submitted = json.loads(json.dumps(prefill.values))
    submitted["applicant"]["phone"] = "13800000000"  # changed
    submitted["applicant"]["employer"] = "亳州某公司"  # typed
    submitted["applicant"]["marital"] = "10"  # changed; spouse fields now hidden, dropped
    del submitted["applicant"]["spouse_name"], submitted["applicant"]["spouse_id_number"]
    del submitted["applicant"]["divorced_on"]  # hidden all along (shown for 离婚 only)
    me, wife, _son = submitted["members"]
    wife["annual_income"] = "30000.00"
    submitted["members"] = [wife, me]  # reordered; the son removed
    submitted["members"].append({"name": "王六", "id_number": NEPHEW})  # added

    merge = form_merge(HOUSING, prefill, submitted)
    fields = merge["fields"]
    assert fields["applicant.name"]["origin"] == "prefill"
    assert fields["applicant.phone"] == {
        "value": "13800000000",
        "prefilled": "13955880000",
        "origin": "changed",
        "source": prefill.sources["applicant.phone"],
    }
    assert fields["applicant.employer"]["origin"] == "typed"
    assert fields["members.0.annual_income"]["origin"] == "changed"  # matched by ID number
    assert fields["members.0.name"]["origin"] == "prefill"
    assert fields["members.1.property_area"]["origin"] == "prefill"
    assert fields["members.2.name"]["origin"] == "typed"
    assert set(merge["changed"]) == {
        "applicant.phone",
        "applicant.marital",
        "members.0.annual_income",
    }
    dropped = {entry["path"] for entry in merge["dropped"]}
    assert {"applicant.spouse_name", "applicant.spouse_id_number", "members.2.name"} <= dropped
    assert "applicant.employer" not in dropped  # never prefilled


def test_merge_accepts_a_stored_prefill(sources):
    prefill = prefill_values(HOUSING, sources)
    stored = json.loads(json.dumps(prefill.as_dict()))
    merge = form_merge(HOUSING, stored, prefill.values)
    assert merge["changed"] == [] and merge["dropped"] == []
    assert merge["fields"]["members.2.id_number"]["origin"] == "prefill"
    assert isinstance(Prefill(**stored), Prefill)
