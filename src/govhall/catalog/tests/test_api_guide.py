"""``GET /api/v1/items/{code}``: the full published guide as JSON; 404 in the error format."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from govhall.catalog import services
from govhall.catalog.tests import test_views_public as public
from govhall.catalog.tests.test_views_public import code_of

catalog = public.catalog  # the shared fixture

pytestmark = pytest.mark.django_db


def url(code: str) -> str:
    return f"/api/v1/items/{code}"


def test_the_full_guide(api_client, catalog):
    version = catalog["real_estate"]
    response = api_client.get(url(code_of(version)))
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == code_of(version) and data["basic_code"] == version.item.basic_code
    assert data["name"] == "不动产转移登记" and data["status"] == "active"
    assert data["version"] == 1 and data["published_at"]
    assert data["item_type"] == {"code": "07", "label": "行政确认"}
    assert data["exercise_level"] == {"code": "3", "label": "市级"}
    assert data["case_type"] == {"code": "2", "label": "承诺件"}
    assert data["online_depth"] == {"code": "3", "label": "三级:网上提交或预审,现场核验"}
    assert data["service_targets"] == [{"code": "1", "label": "自然人"}]
    assert data["channels"] == [
        {"code": "2", "label": "PC端网上办理"},
        {"code": "3", "label": "移动端办理"},
    ]
    assert data["cross_area_scope"] is None
    assert data["department"]["name"] == "亳州市住房和城乡建设局"
    assert data["department"]["nature"] == {"code": "1", "label": "法定机关"}
    assert data["region"] == {"code": "341600000000", "name": "亳州市"}
    assert data["themes_person"] == ["房产交易"] and data["themes_legal"] == ["开办企业"]
    assert data["legal_basis"][0]["law"] == "公共租赁住房管理办法"
    assert data["conditions"] == [
        {"type": {"code": "1", "label": "申请条件"}, "text": "在本市有稳定就业或户籍"},
        {"type": {"code": "2", "label": "禁止性要求"}, "text": "在本市已有住房的不予受理"},
    ]
    assert data["statutory_limit_days"] == 20 and data["promised_limit_days"] == 10
    assert data["visits"] == 1 and data["visit_reason"].startswith("现场核验原件")
    assert data["fee_charged"] is True and data["fees"][0]["name"] == "不动产登记费"
    assert data["intermediary_services"] == [
        {"name": "不动产测绘", "basis": "不动产登记暂行条例实施细则"}
    ]
    assert data["result_type"] == {"code": "10", "label": "证照"}
    assert data["steps"][0] == {
        "order": 1,
        "name": "受理",
        "post": "acceptance",
        "post_name": "受理",
        "days": 1,
        "criteria": "材料齐全",
        "outcome": "受理或一次性告知",
    }
    assert {row["key"] for row in data["lists"]} == {
        "power",
        "responsibility",
        "fee",
        "intermediary",
        "certificate",
        "one_visit",
    }
    assert {"key": "fee", "name": "收费清单"} in data["lists"]
    assert data["links"]["guide"].endswith(f"/catalog/items/{code_of(version)}/")
    assert data["links"]["notice"].endswith(f"/catalog/items/{code_of(version)}/notice/")
    assert data["responsibilities"] == [
        {
            "order": 1,
            "matter": "受理责任:公示申请条件和材料,一次性告知补正",
            "situations": "对符合条件的申请不予受理的",
            "accountable_body": "市监察委员会、市住建局",
            "basis": "《中华人民共和国行政许可法》第七十二条",
            "liability": "责令改正;情节严重的,依法给予处分",
        }
    ]


def test_materials_with_labels_and_sources(api_client, catalog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    material = catalog["real_estate"].materials.get(name="婚姻状况证明")
    material.blank_form.save("blank.docx", ContentFile(b"x"))
    data = api_client.get(url(code_of(catalog["real_estate"]))).json()
    materials = {m["name"]: m for m in data["materials"]}
    assert list(materials) == [
        "居民身份证",
        "不动产登记信息",
        "公共租赁住房申请承诺书",
        "婚姻状况证明",
    ]
    id_card = materials["居民身份证"]
    assert id_card["is_fetched"] is True and id_card["resource_code"] == "population"
    assert id_card["source_channel"] == {"code": "3", "label": "调取共享数据或电子证照库"}
    assert id_card["license_type_code"] == "" and isinstance(id_card["id"], int)
    certificate = materials["婚姻状况证明"]
    assert certificate["is_fetched"] is False
    assert certificate["material_type"] == {"code": "1", "label": "原件"}
    assert certificate["material_form"] == {"code": "1", "label": "纸质"}
    assert certificate["necessity"] == {"code": "1", "label": "必要"}
    assert certificate["source_channel"] == {"code": "2", "label": "政府部门核发"}
    assert certificate["original_count"] == 1 and certificate["copy_count"] == 2
    assert certificate["blank_form_url"] == (
        f"http://testserver/catalog/materials/{material.pk}/blank/"
    )
    assert certificate["sample_url"] is None
    assert certificate["common_errors"] == ["复印件未签字"]


@pytest.mark.parametrize("which", ["draft", "in_review", "cancelled"])
def test_unpublished_and_cancelled_items_are_not_found(api_client, catalog, which):
    response = api_client.get(url(code_of(catalog[which])))
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "未找到该事项,或该事项尚未发布、已取消。",
            "fields": {},
        }
    }


def test_unknown_code_is_not_found(api_client, catalog):
    response = api_client.get(url("NOPE"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_public_for_every_persona(api_client, client_for, catalog, applicant, clerk):
    code = code_of(catalog["housing"])
    assert api_client.get(url(code)).status_code == 200
    for user in (applicant, clerk):
        assert client_for(user).get(url(code)).status_code == 200


def test_the_published_version_not_the_draft(api_client, catalog):
    item = catalog["housing"].item
    draft = services.version_new_draft(actor=None, item=item, reason="压缩承诺时限")
    services.version_update(actor=None, version=draft, data={"promised_limit_days": 5})
    data = api_client.get(url(item.implementation_code)).json()
    assert data["version"] == 1 and data["promised_limit_days"] == 10


def test_read_only(api_client, catalog):
    response = api_client.post(url(code_of(catalog["housing"])), {})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
