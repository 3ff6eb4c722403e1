"""One household, one 公租房 application: refused at submission when the applicant or a member
named in the form is already listed or housed, or in another open application of the item."""

from __future__ import annotations

import pytest

from govhall.cases import services_apply, services_submit
from govhall.cases.models import Application, Case
from govhall.cases.tests.factories import (
    application_complete,
    application_draft,
    online_item,
    pdf_file,
)
from govhall.catalog.models import ItemVersion
from govhall.core import errors
from govhall.core.identifiers import id_number_with_check
from govhall.housing.tests.factories import housed

pytestmark = pytest.mark.django_db
FORM_DEFINITION = {
    "title": "公共租赁住房保障资格申请表",
    "sections": [
        {
            "key": "members",
            "title": "家庭成员",
            "repeat": {"min": 1, "max": 20, "key": "id_number"},
            "fields": [
                {"key": "name", "label": "姓名", "type": "text", "required": True},
                {"key": "id_number", "label": "身份证号", "type": "id_number", "required": True},
            ],
        },
        {
            "key": "delivery",
            "title": "送达",
            "fields": [
                {
                    "key": "method",
                    "label": "方式",
                    "type": "select",
                    "options": [{"value": "pickup", "label": "自取"}],
                }
            ],
        },
    ],
}
SPOUSE = id_number_with_check("34160219850202002")


def item_with_members(department) -> ItemVersion:
    version = online_item(department)
    ItemVersion.objects.filter(pk=version.pk).update(form=FORM_DEFINITION)
    return ItemVersion.objects.get(pk=version.pk)


@pytest.fixture
def item(housing_department):
    return item_with_members(housing_department)


def ready(person, item, members: list[str]) -> Application:
    """A complete draft whose form names ``members`` (ID numbers)."""
    application = application_draft(person, item)
    form = {
        "members": [{"name": f"成员{i}", "id_number": key} for i, key in enumerate(members)],
        "delivery": {"method": "pickup"},
    }
    application = services_apply.application_update(
        actor=person, application=application, form=form
    )
    for state in services_apply.material_states(application):
        if state.missing:
            services_apply.upload_add(
                actor=person,
                application=application,
                material_id=state.material.pk,
                file=pdf_file(),
            )
    return application


def _submit(person, item, members: list[str]) -> Case:
    return services_submit.application_submit(
        actor=person, application=ready(person, item, members)
    )


def test_a_clean_application_is_submitted(applicant, item):
    case = _submit(applicant, item, [applicant.id_number, SPOUSE])
    assert case.status == Case.Status.SUBMITTED
    assert [m["id_number"] for m in case.application.form["members"]] == [
        applicant.id_number,
        SPOUSE,
    ]


@pytest.fixture
def generic_item(housing_department):
    """The same item with the generic form (what the test shortcut ``housed`` fills)."""
    return online_item(housing_department)


def test_already_housed_applicant_is_refused(applicant, item, generic_item, approver):
    housed(applicant, generic_item, approver)
    with pytest.raises(errors.Conflict) as refused:
        _submit(applicant, item, [applicant.id_number])
    assert refused.value.code == "household_already_housed"
    assert refused.value.status == 409
    assert "轮候名单" in refused.value.message


def test_member_of_a_housed_household_is_refused(
    applicant, other_applicant, item, generic_item, approver
):
    housed(applicant, generic_item, approver)
    with pytest.raises(errors.Conflict) as refused:
        _submit(other_applicant, item, [other_applicant.id_number, applicant.id_number])
    assert refused.value.code == "household_already_housed"


def test_applicant_already_applying_is_refused(applicant, item):
    first = _submit(applicant, item, [applicant.id_number])
    with pytest.raises(errors.Conflict) as refused:
        _submit(applicant, item, [applicant.id_number])
    assert refused.value.code == "household_already_applying"
    assert first.number in refused.value.message
    assert Case.objects.count() == 1


def test_member_in_another_open_application_is_refused(applicant, other_applicant, item):
    _submit(applicant, item, [applicant.id_number, SPOUSE])
    with pytest.raises(errors.Conflict) as refused:
        _submit(other_applicant, item, [other_applicant.id_number, SPOUSE.lower()])
    assert refused.value.code == "household_already_applying"
    assert "另一份" in refused.value.message  # another household's case number is not shown


def test_applicant_named_as_member_elsewhere_is_refused(applicant, other_applicant, item):
    _submit(applicant, item, [applicant.id_number, other_applicant.id_number])
    with pytest.raises(errors.Conflict):
        _submit(other_applicant, item, [other_applicant.id_number])


def test_after_the_case_closes_the_household_may_apply_again(applicant, item):
    first = _submit(applicant, item, [applicant.id_number])
    Case.objects.filter(pk=first.pk).update(status=Case.Status.DENIED)
    assert _submit(applicant, item, [applicant.id_number]).status == Case.Status.SUBMITTED


def test_other_items_are_not_checked(applicant, housing_department, item):
    other = online_item(housing_department, name="公共租赁住房租金减免申请")
    _submit(applicant, item, [applicant.id_number])
    application = application_complete(applicant, application_draft(applicant, other))
    case = services_submit.application_submit(actor=applicant, application=application)
    assert case.status == Case.Status.SUBMITTED
