"""The applicant's pages of applying (views_portal): 网上办理, starting an application with the
registries' data, the form and its materials, pre-review and submission; each page refuses the
wrong persona.

The fixtures at the top (registry, agent, fee_item) are shared with test_views_portal_cases.py and
test_browser_apply.py, which import them.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govhall.accounts.models import User
from govhall.accounts.tests.factories import UserFactory
from govhall.cases import formdef, services_apply
from govhall.cases.models import AgentAuthorization, Application, Case
from govhall.cases.tests.factories import (
    FORM,
    application_complete,
    application_draft,
    online_item,
    pdf_file,
)
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.tests.factories import (
    GrantFactory,
    population_resource,
    real_estate_resource,
    record_put,
)

ADDRESS = "亳州市谯城区药都路1号"
FEES = [
    {
        "name": "证书工本费",
        "standard": "每证10元",
        "basis": "《行政事业性收费标准》",
        "waivable": True,
    }
]


# --- shared fixtures --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads and rendered notices go to a folder of the test."""
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def registry(applicant, housing_department, police_department):
    """住建局 reads the population registry (the applicant's address) and the real estate
    registry, so that 居民身份证 and 不动产登记信息 need not be submitted."""
    population = population_resource(provider=police_department)
    real_estate = real_estate_resource()
    record_put(
        population,
        applicant.id_number,
        {
            "name": applicant.name,
            "sex": "1",
            "birth_date": "1985-03-01",
            "address": ADDRESS,
            "household_number": "341602000123",
            "relation": "head",
        },
    )
    GrantFactory(resource=population, consumer=housing_department)
    GrantFactory(resource=real_estate, consumer=housing_department)
    return population


@pytest.fixture
def agent(db):
    return UserFactory(kind=User.Kind.AGENT, username="agent_liu", name="代办员刘")


@pytest.fixture
def fee_item(housing_department):
    return online_item(
        housing_department,
        fee_charged=True,
        fee_basis="《行政事业性收费标准》",
        fees=FEES,
        online_payment=True,
    )


def login_url(path: str) -> str:
    return f"{reverse('portal:login')}?next={path}"


def posted(application: Application, **changes: dict) -> dict[str, str]:
    """The application form as the browser posts it (with the page's marker), with changes."""
    data = {**application.form}
    for section, values in changes.items():
        data[section] = {**(data.get(section) or {}), **values}
    definition = services_apply.form_definition(application.version)
    return {"_form": "1", **dict(formdef.form_post_items(definition, data))}


# --- 网上办理 -----------------------------------------------------------------------------------


def test_apply_lists_online_items_only_for_everyone(client, item, housing_department):
    offline = online_item(housing_department, name="住房公积金缴存证明", online_depth=2)
    response = client.get(reverse("cases:apply"))
    assert response.status_code == 200
    page = response.content.decode()
    assert item.name in page
    assert offline.name not in page
    assert reverse("cases:apply_item", args=[item.item.implementation_code]) in page


def test_apply_searches_and_filters_by_department(client, item, police_department):
    other = online_item(police_department, name="居住证签注")
    page = client.get(reverse("cases:apply"), {"q": "居住证"}).content.decode()
    assert other.name in page and item.name not in page
    page = client.get(
        reverse("cases:apply"), {"department": item.item.department_id}
    ).content.decode()
    assert item.name in page and other.name not in page


def test_apply_with_htmx_answers_the_results_only(client, item):
    response = client.get(reverse("cases:apply"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert item.name in response.content.decode()


def test_apply_item_parameter_redirects_to_the_item(client, item):
    code = item.item.implementation_code
    response = client.get(reverse("cases:apply"), {"item": code})
    assert response.status_code == 302
    assert response.url == reverse("cases:apply_item", args=[code])


def test_apply_listing_reads_no_registry(client_as, applicant, item, registry):
    client_as(applicant).get(reverse("cases:apply"))
    assert AccessLogEntry.objects.count() == 0


# --- 开始申报 -------------------------------------------------------------------------------------


def test_apply_start_sends_the_anonymous_to_login(client, item):
    path = reverse("cases:apply_item", args=[item.item.implementation_code])
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == login_url(path)
    assert client.post(path).status_code == 302
    assert Application.objects.count() == 0


def test_apply_start_shows_what_is_filled_in_and_what_need_not_be_submitted(
    client_as, applicant, item, registry
):
    response = client_as(applicant).get(
        reverse("cases:apply_item", args=[item.item.implementation_code])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert applicant.id_number in page  # the applicant's own data, unmasked
    assert ADDRESS in page
    assert "人口基础信息" in page  # the source of the address
    assert page.count(">免提交</span>") == 2  # 居民身份证, 不动产登记信息
    assert "开始申报" in page
    # the prefill read is logged (我的数据被谁用了)
    assert AccessLogEntry.objects.filter(purpose_reference__startswith="PREFILL").exists()


def test_apply_start_post_creates_the_draft(client_as, applicant, item, registry):
    client = client_as(applicant)
    response = client.post(reverse("cases:apply_item", args=[item.item.implementation_code]))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:application", args=[application.pk])
    assert application.applicant == applicant
    assert application.form["applicant"]["address"] == ADDRESS


def test_apply_start_refuses_staff(client_as, clerk, item):
    response = client_as(clerk).get(
        reverse("cases:apply_item", args=[item.item.implementation_code])
    )
    assert response.status_code == 403
    assert "开始申报" not in response.content.decode()
    response = client_as(clerk).post(
        reverse("cases:apply_item", args=[item.item.implementation_code])
    )
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_apply_start_of_an_item_not_online_is_refused(client_as, applicant, housing_department):
    offline = online_item(housing_department, online_depth=2)
    response = client_as(applicant).get(
        reverse("cases:apply_item", args=[offline.item.implementation_code])
    )
    assert response.status_code == 422
    assert "暂不支持网上申报" in response.content.decode()


def test_apply_start_shows_why_the_applicant_cannot_apply(client_as, enterprise, item):
    path = reverse("cases:apply_item", args=[item.item.implementation_code])
    response = client_as(enterprise).post(path)
    assert response.status_code == 422
    assert "该事项仅面向自然人办理" in response.content.decode()
    assert Application.objects.count() == 0


def test_apply_start_of_an_unknown_item_is_404(client_as, applicant, db):
    response = client_as(applicant).get(reverse("cases:apply_item", args=["NOSUCHITEM"]))
    assert response.status_code == 404


def test_agent_needs_an_authorization_to_apply(client_as, agent, applicant, item):
    client = client_as(agent)
    path = reverse("cases:apply_item", args=[item.item.implementation_code])
    page = client.get(path).content.decode()
    assert 'name="on_behalf_of"' in page
    assert "可免提交" in page  # the registries are read for the principal once applying
    response = client.post(path, {"on_behalf_of": applicant.id_number})
    assert response.status_code == 403
    assert "没有该申请人对该事项的有效代办授权" in response.content.decode()
    assert Application.objects.count() == 0


def test_agent_applies_on_behalf_of_the_principal(client_as, agent, applicant, item):
    services_apply.authorization_create(
        actor=agent,
        principal_key=applicant.id_number,
        item_code=item.item.implementation_code,
        letter=pdf_file("委托书.pdf"),
    )
    response = client_as(agent).post(
        reverse("cases:apply_item", args=[item.item.implementation_code]),
        {"on_behalf_of": applicant.id_number},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.applicant == applicant and application.created_by == agent
    assert application.authorization == AgentAuthorization.objects.get()


# --- the application page ---------------------------------------------------------------------


@pytest.fixture
def draft(applicant, item, registry):
    return application_draft(applicant, item)


def test_application_shows_the_form_with_sources_and_materials(client_as, applicant, draft):
    response = client_as(applicant).get(reverse("cases:application", args=[draft.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="applicant.name"' in page
    assert f'value="{ADDRESS}"' in page
    assert "来自" in page and "人口基础信息" in page  # the address's source badge
    assert "cases/formdef.js" in page
    assert page.count(">免提交</span>") == 2
    assert 'name="file"' in page  # the commitment letter is to be uploaded
    assert "提交申请" in page and "保存草稿" in page


@pytest.mark.parametrize("persona", ["other_applicant", "clerk", "supervisor", "agent"])
def test_application_of_someone_else_is_404(client_as, draft, persona, request):
    client = client_as(request.getfixturevalue(persona))
    for name in ("application", "application_upload", "application_submit"):
        path = reverse(f"cases:{name}", args=[draft.pk])
        response = client.get(path) if name == "application" else client.post(path)
        assert response.status_code == 404, name
    assert not Case.objects.exists()


def test_application_sends_the_anonymous_to_login(client, draft):
    path = reverse("cases:application", args=[draft.pk])
    assert client.get(path).url == login_url(path)


def test_save_draft(client_as, applicant, draft):
    client = client_as(applicant)
    data = posted(draft, request={"description": "家中无房,申请公租房"})
    response = client.post(reverse("cases:application", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form["request"]["description"] == "家中无房,申请公租房"
    assert draft.form["applicant"]["address"] == ADDRESS


def test_upload_a_material(client_as, applicant, draft):
    client = client_as(applicant)
    letter = services_apply.material_states(draft)[2].material
    response = client.post(
        reverse("cases:application_upload", args=[draft.pk]),
        {"material": letter.pk, "file": pdf_file("承诺书.pdf")},
    )
    assert response.status_code == 302
    upload = draft.uploads.get()
    assert upload.material == letter and upload.kind == "pdf"
    page = client.get(response.url).content.decode()
    assert "承诺书.pdf" in page
    assert reverse("cases:application_upload_remove", args=[draft.pk, upload.pk]) in page


def test_a_bad_upload_shows_the_error_at_its_material(client_as, applicant, draft):
    letter = services_apply.material_states(draft)[2].material
    fake = SimpleUploadedFile("承诺书.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client_as(applicant).post(
        reverse("cases:application_upload", args=[draft.pk]), {"material": letter.pk, "file": fake}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="file-{letter.pk}_error"' in page
    assert "不支持此文件格式" in page or "文件内容与文件扩展名不符" in page
    assert not draft.uploads.exists()


def test_an_upload_without_a_file_is_refused(client_as, applicant, draft):
    letter = services_apply.material_states(draft)[2].material
    response = client_as(applicant).post(
        reverse("cases:application_upload", args=[draft.pk]), {"material": letter.pk}
    )
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()


def test_an_upload_for_a_material_of_another_item_is_refused(client_as, applicant, draft, case):
    other = case.application.uploads.first().material
    page = client_as(applicant).post(
        reverse("cases:application_upload", args=[draft.pk]),
        {"material": other.pk + 1000, "file": pdf_file()},
    )
    assert page.status_code == 422
    assert "该事项没有这项材料" in page.content.decode()
    assert not draft.uploads.exists()


def test_a_bad_upload_through_htmx_is_answered_with_the_materials(client_as, applicant, draft):
    letter = services_apply.material_states(draft)[2].material
    fake = SimpleUploadedFile("scan.pdf", b"", "application/pdf")
    response = client_as(applicant).post(
        reverse("cases:application_upload", args=[draft.pk]),
        {"material": letter.pk, "file": fake},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # htmx swaps successful answers only
    assert 'id="materials"' in response.content.decode()


def test_remove_an_upload(client_as, applicant, draft):
    letter = services_apply.material_states(draft)[2].material
    upload = services_apply.upload_add(
        actor=applicant, application=draft, material_id=letter.pk, file=pdf_file()
    )
    response = client_as(applicant).post(
        reverse("cases:application_upload_remove", args=[draft.pk, upload.pk])
    )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.removed_at is not None


def test_another_applicant_cannot_remove_my_upload(client_as, applicant, other_applicant, draft):
    letter = services_apply.material_states(draft)[2].material
    upload = services_apply.upload_add(
        actor=applicant, application=draft, material_id=letter.pk, file=pdf_file()
    )
    response = client_as(other_applicant).post(
        reverse("cases:application_upload_remove", args=[draft.pk, upload.pk])
    )
    assert response.status_code == 404
    upload.refresh_from_db()
    assert upload.removed_at is None


# --- submission -----------------------------------------------------------------------------


def test_submit_an_incomplete_application_shows_every_problem(client_as, applicant, draft):
    response = client_as(applicant).post(
        reverse("cases:application_submit", args=[draft.pk]), posted(draft)
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "申请信息不完整" in page
    assert 'id="fd-request-description_error"' in page  # the form's error at its field
    letter = services_apply.material_states(draft)[2].material
    assert f'id="file-{letter.pk}_error"' in page  # the missing commitment letter
    assert not Case.objects.exists()


def test_submit_saves_the_posted_form_and_creates_the_case(client_as, applicant, draft):
    letter = services_apply.material_states(draft)[2].material
    services_apply.upload_add(
        actor=applicant, application=draft, material_id=letter.pk, file=pdf_file()
    )
    client = client_as(applicant)
    data = posted(draft, request={"description": "申请公租房"}, delivery={"method": "pickup"})
    response = client.post(reverse("cases:application_submit", args=[draft.pk]), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:my_case", args=[case.number])
    assert case.application.form["request"]["description"] == "申请公租房"
    page = client.get(response.url).content.decode()
    assert case.number in page and case.query_password in page


def test_double_submit_gives_one_case(client_as, applicant, item):
    application = application_complete(applicant, application_draft(applicant, item))
    client = client_as(applicant)
    path = reverse("cases:application_submit", args=[application.pk])
    first = client.post(path, posted(application))
    second = client.post(path, posted(application))
    assert Case.objects.count() == 1
    assert first.url == second.url == reverse("cases:my_case", args=[Case.objects.get().number])


def test_a_submitted_application_redirects_to_its_case(client_as, applicant, case):
    response = client_as(applicant).get(reverse("cases:application", args=[case.application_id]))
    assert response.status_code == 302
    assert response.url == reverse("cases:my_case", args=[case.number])


def test_staff_cannot_submit_an_application(client_as, applicant, clerk, item):
    application = application_complete(applicant, application_draft(applicant, item))
    response = client_as(clerk).post(reverse("cases:application_submit", args=[application.pk]))
    assert response.status_code == 404
    assert not Case.objects.exists()


# --- pre-review -----------------------------------------------------------------------------


@pytest.fixture
def prereview_item(housing_department):
    return online_item(housing_department, prereview=True)


def test_prereview_item_goes_through_prereview_before_submission(
    client_as, applicant, clerk, prereview_item
):
    application = application_complete(
        applicant, application_draft(applicant, prereview_item), form=FORM
    )
    client = client_as(applicant)
    page = client.get(reverse("cases:application", args=[application.pk])).content.decode()
    assert "提交预审" in page and "提交申请" not in page

    response = client.post(
        reverse("cases:application_prereview", args=[application.pk]), posted(application)
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.PREREVIEW
    page = client.get(reverse("cases:application", args=[application.pk])).content.decode()
    assert "预审中" in page and '<fieldset class="plain-fieldset" disabled>' in page

    services_apply.application_prereview_decide(
        actor=clerk, application=application, passed=False, opinion="请补充申请事项说明的细节"
    )
    page = client.get(reverse("cases:application", args=[application.pk])).content.decode()
    assert "请补充申请事项说明的细节" in page

    application.refresh_from_db()
    client.post(reverse("cases:application_prereview", args=[application.pk]), posted(application))
    application.refresh_from_db()
    services_apply.application_prereview_decide(
        actor=clerk, application=application, passed=True, opinion=""
    )
    application.refresh_from_db()
    page = client.get(reverse("cases:application", args=[application.pk])).content.decode()
    assert "预审已通过" in page and "提交申请" in page
    # the unchanged form is posted with 提交申请: not saved again, so the pre-review holds
    response = client.post(
        reverse("cases:application_submit", args=[application.pk]), posted(application)
    )
    assert response.status_code == 302
    assert Case.objects.filter(application=application).exists()


def test_submit_without_prereview_is_refused(client_as, applicant, prereview_item):
    application = application_complete(applicant, application_draft(applicant, prereview_item))
    response = client_as(applicant).post(
        reverse("cases:application_submit", args=[application.pk]), posted(application)
    )
    assert response.status_code == 409
    assert "须先通过网上预审" in response.content.decode()
