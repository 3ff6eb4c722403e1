from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.catalog.models import Item, ItemVersion
from govhall.catalog.tests.factories import draft_item, published_item


@pytest.fixture
def editor(housing_department):
    return StaffFactory(
        username="zjj_catalog", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def colleague(housing_department):
    return StaffFactory(
        username="zjj_catalog2", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def police_editor(police_department):
    return StaffFactory(
        username="gaj_catalog", department=police_department, posts=["catalog_admin"]
    )


def _form(department, **overrides):
    data = {
        "new-department": department.pk,
        "new-basic_code": "000100099000",
        "name": "住房公积金缴存证明开具",
        "item_type": "01",
        "exercise_level": "3",
        "power_source": "1",
        "service_targets": ["1"],
        "themes_person": "住房保障、公积金",
        "legal_basis": "住房公积金管理条例|国务院令第262号|第五条|住房公积金应当用于……",
        "conditions": "1|已在本市缴存住房公积金",
        "statutory_limit_days": "10",
        "promised_limit_days": "3",
        "case_type": "2",
        "steps": "受理|acceptance|1|材料齐全|受理\n审批|approval|2|符合规定|出具证明",
        "channels": ["2"],
        "visits": "0",
        "online_depth": "4",
        "online_url": "/apply/",
        "express_delivery": "on",
        "result_type": "30",
        "result_name": "缴存证明",
        "place": "公积金中心窗口",
        "hours": "工作日",
        "enquiry_phone": "0558-1111111",
        "complaint_phone": "0558-12345",
        "materials": "居民身份证|3|1|population\n缴存证明申请表|4|1",
        "responsibilities": (
            "受理责任|不予受理符合条件的申请|市纪委监委|行政许可法第七十二条|依法追责"
        ),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_catalog_admin_creates_edits_submits_and_a_colleague_publishes(
    client_as, editor, colleague, housing_department
):
    client = client_as(editor)
    assert client.get("/catalog/manage/").status_code == 200
    response = client.post("/catalog/manage/new/", _form(housing_department))
    assert response.status_code == 302, response.content.decode()[-2000:]
    version = ItemVersion.objects.get()
    assert version.steps[1] == {
        "name": "审批",
        "post": "approval",
        "days": 2,
        "criteria": "符合规定",
        "outcome": "出具证明",
    }
    assert version.themes_person == ["住房保障", "公积金"]
    assert [m.name for m in version.materials.all()] == ["居民身份证", "缴存证明申请表"]
    page = client.get(f"/catalog/manage/versions/{version.pk}/")
    assert page.status_code == 200 and "住房公积金缴存证明开具" in page.content.decode()
    assert client.post(f"/catalog/manage/versions/{version.pk}/submit/").status_code == 302
    assert ItemVersion.objects.get().state == "in_review"
    review = client_as(colleague).post(
        f"/catalog/manage/versions/{version.pk}/review/", {"decision": "approve", "opinion": "同意"}
    )
    assert review.status_code == 302
    assert Item.objects.get().status == "active"


@pytest.mark.django_db
def test_malformed_lines_are_reported_at_the_field(client_as, editor, housing_department):
    response = client_as(editor).post(
        "/catalog/manage/new/",
        _form(housing_department, steps="受理|acceptance|一天|材料齐全|受理"),
    )
    assert response.status_code == 400
    assert "第1行的时限应为整数" in response.content.decode()
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_rule_problems_are_listed_on_the_edit_page(client_as, editor, housing_department):
    version = draft_item(housing_department, actor=editor, complaint_phone="0558-5512345")
    page = client_as(editor).get(f"/catalog/manage/versions/{version.pk}/").content.decode()
    assert "[R05]" in page
    submit = client_as(editor).post(f"/catalog/manage/versions/{version.pk}/submit/", follow=True)
    assert "[R05]" in submit.content.decode()
    assert ItemVersion.objects.get().state == "draft"


@pytest.mark.django_db
def test_wrong_personas_are_refused(
    client_as, editor, police_editor, clerk, applicant, housing_department
):
    version = draft_item(housing_department, actor=editor)
    url = f"/catalog/manage/versions/{version.pk}/"
    assert client_as(police_editor).get(url).status_code == 404
    assert client_as(clerk).get("/catalog/manage/").status_code == 404
    assert client_as(applicant).get("/catalog/manage/").status_code == 403
    assert client_as(None).get("/catalog/manage/").status_code == 302
    assert (
        client_as(police_editor).post(f"/catalog/manage/versions/{version.pk}/submit/").status_code
        == 404
    )
    created = client_as(police_editor).post(
        "/catalog/manage/new/", _form(housing_department, **{"new-basic_code": "000100098000"})
    )
    assert created.status_code == 400  # 住建局 is not among the departments offered to 公安局
    assert Item.objects.count() == 1


@pytest.mark.django_db
def test_revision_and_cancellation_from_the_list(client_as, editor, housing_department):
    version = published_item(housing_department)
    code = version.item.implementation_code
    client = client_as(editor)
    response = client.post(f"/catalog/manage/items/{code}/drafts/", {"reason": "精简材料"})
    draft = ItemVersion.objects.get(number=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/versions/{draft.pk}/")
    client.post(f"/catalog/manage/items/{code}/cancel/", {"reason": "国务院取消"})
    assert Item.objects.get().status == "cancelled"


@pytest.mark.django_db
def test_a_published_version_offers_its_public_guide_and_a_revision(
    client_as, editor, housing_department
):
    version = published_item(housing_department)
    html = client_as(editor).get(f"/catalog/manage/versions/{version.pk}/").content.decode()
    code = version.item.implementation_code
    assert f'href="/catalog/items/{code}/"' in html
    assert f'action="/catalog/manage/items/{code}/drafts/"' in html and "新建修订稿" in html
    assert 'name="steps"' not in html  # nothing editable on a published version
