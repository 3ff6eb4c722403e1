from __future__ import annotations

import datetime as dt

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.catalog import services
from govhall.catalog.lists import lists_of
from govhall.catalog.models import CatalogChange, Item, ItemVersion
from govhall.catalog.tests.factories import draft_item, guide_data, published_item
from govhall.core import errors
from govhall.core.models import AuditEntry


@pytest.fixture
def editor(housing_department):
    return StaffFactory(
        username="zjj_catalog", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def second_editor(housing_department):
    return StaffFactory(
        username="zjj_catalog2", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def police_editor(police_department):
    return StaffFactory(
        username="gaj_catalog", department=police_department, posts=["catalog_admin"]
    )


@pytest.mark.django_db
def test_draft_submit_review_publish(editor, second_editor, housing_department):
    version = draft_item(housing_department, actor=editor)
    item = version.item
    assert item.implementation_code == f"{housing_department.uscc}3{item.basic_code}"
    assert len(item.implementation_code) == 31
    services.version_submit(actor=editor, version=version)
    published = services.version_review(
        actor=second_editor, version=version, approve=True, opinion="同意"
    )
    item.refresh_from_db()
    assert published.state == ItemVersion.State.PUBLISHED and item.published_version == published
    assert item.status == Item.Status.ACTIVE
    change = CatalogChange.objects.get(item=item)
    assert change.kind == "added" and "power" in change.lists and "responsibility" in change.lists
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"catalog.item_create", "catalog.version_submit", "catalog.version_publish"} <= actions


@pytest.mark.django_db
def test_nobody_reviews_their_own_draft(editor, housing_department):
    version = draft_item(housing_department, actor=editor)
    services.version_submit(actor=editor, version=version)
    with pytest.raises(errors.PermissionDenied):
        services.version_review(actor=editor, version=version, approve=True)


@pytest.mark.django_db
def test_another_departments_catalog_admin_cannot_edit_or_review(
    editor, police_editor, clerk, housing_department
):
    version = draft_item(housing_department, actor=editor)
    for outsider in (police_editor, clerk):
        with pytest.raises(errors.PermissionDenied):
            services.version_update(actor=outsider, version=version, data={"name": "篡改"})
    services.version_submit(actor=editor, version=version)
    with pytest.raises(errors.PermissionDenied):
        services.version_review(actor=police_editor, version=version, approve=True)
    with pytest.raises(errors.PermissionDenied):
        draft_item(housing_department, actor=police_editor)


@pytest.mark.django_db
def test_published_versions_are_immutable_and_changes_need_a_reason(
    editor, second_editor, housing_department
):
    version = published_item(housing_department)
    with pytest.raises(errors.Conflict):
        services.version_update(actor=editor, version=version, data={"promised_limit_days": 5})
    with pytest.raises(errors.ValidationError):
        services.version_new_draft(actor=editor, item=version.item, reason=" ")
    draft = services.version_new_draft(actor=editor, item=version.item, reason="压缩承诺时限")
    assert (
        draft.number == 2 and draft.materials.count() == 3 and draft.responsibilities.count() == 1
    )
    with pytest.raises(errors.Conflict):
        services.version_new_draft(actor=editor, item=version.item, reason="again")
    services.version_update(actor=editor, version=draft, data={"promised_limit_days": 5})
    services.version_submit(actor=editor, version=draft)
    services.version_review(actor=second_editor, version=draft, approve=True)
    version.refresh_from_db()
    assert version.state == ItemVersion.State.SUPERSEDED and version.promised_limit_days == 10
    change = CatalogChange.objects.filter(kind="changed").get()
    assert change.reason == "压缩承诺时限" and change.changed_fields == ["promised_limit_days"]


@pytest.mark.django_db
def test_broken_guide_rules_name_the_rule_and_the_field(editor, housing_department):
    version = draft_item(
        housing_department,
        actor=editor,
        visits=1,
        fee_charged=True,
        complaint_phone="0558-5512345",
        promised_limit_days=30,
    )
    with pytest.raises(errors.ValidationError) as info:
        services.version_submit(actor=editor, version=version)
    fields = info.value.fields
    assert any("[R01]" in m for m in fields["visits"])  # level IV with a visit
    assert any("[R06]" in m for m in fields["visit_reason"])
    assert any("[R04]" in m for m in fields["fee_basis"]) and "fees" in fields
    assert any("[R05]" in m for m in fields["complaint_phone"])
    assert any("[R10]" in m for m in fields["promised_limit_days"])
    version.refresh_from_db()
    assert version.state == ItemVersion.State.DRAFT


@pytest.mark.django_db
def test_rejected_version_goes_back_with_an_opinion(editor, second_editor, housing_department):
    version = draft_item(housing_department, actor=editor)
    services.version_submit(actor=editor, version=version)
    with pytest.raises(errors.ValidationError):
        services.version_review(actor=second_editor, version=version, approve=False)
    rejected = services.version_review(
        actor=second_editor, version=version, approve=False, opinion="依据条款不全"
    )
    assert rejected.state == ItemVersion.State.REJECTED
    services.version_update(actor=editor, version=rejected, data={"hours": "工作日全天"})
    assert ItemVersion.objects.get(pk=version.pk).state == ItemVersion.State.DRAFT


@pytest.mark.django_db
def test_scheduled_publication_and_cancellation(editor, second_editor, housing_department):
    today = dt.date(2026, 11, 22)
    version = draft_item(housing_department, actor=editor, effective_from=dt.date(2027, 1, 1))
    services.version_submit(actor=editor, version=version)
    scheduled = services.version_review(
        actor=second_editor, version=version, approve=True, today=today
    )
    assert scheduled.state == ItemVersion.State.SCHEDULED
    assert services.catalog_apply_schedules(today=today) == (0, 0)
    assert services.catalog_apply_schedules(today=dt.date(2027, 1, 1)) == (1, 0)
    item = Item.objects.get(pk=version.item_id)
    services.item_cancel(
        actor=editor,
        item=item,
        reason="国务院决定取消",
        on=dt.date(2027, 3, 1),
        today=dt.date(2027, 1, 2),
    )
    assert Item.objects.get(pk=item.pk).status == Item.Status.ACTIVE
    assert services.catalog_apply_schedules(today=dt.date(2027, 3, 1)) == (0, 1)
    assert services.catalog_apply_schedules(today=dt.date(2027, 3, 2)) == (0, 0)
    assert Item.objects.get(pk=item.pk).status == Item.Status.CANCELLED
    assert CatalogChange.objects.filter(kind="removed", reason="国务院决定取消").exists()


@pytest.mark.django_db
def test_list_membership_is_derived_from_the_data(housing_department):
    power = published_item(housing_department)
    service = published_item(housing_department, item_type="20", name="住房公积金查询")
    negative = published_item(
        housing_department,
        name="建筑工程施工许可",
        online_depth=3,
        visits=2,
        visit_reason="需现场核验原件",
    )
    assert set(lists_of(power)) >= {"power", "responsibility", "one_visit", "zero_visit"}
    assert "public_service" in lists_of(service) and "power" not in lists_of(service)
    assert "negative" in lists_of(negative) and "one_visit" not in lists_of(negative)


@pytest.mark.django_db
def test_duplicate_codes_and_bad_codes_are_refused(housing_department):
    draft_item(housing_department)
    from govhall.catalog.services import item_create

    with pytest.raises(errors.ValidationError):
        item_create(
            actor=None, department=housing_department, basic_code="12345", data=guide_data()
        )
    existing = Item.objects.get()
    with pytest.raises(errors.Conflict):
        item_create(
            actor=None,
            department=housing_department,
            basic_code=existing.basic_code,
            data=guide_data(),
        )


@pytest.mark.django_db
def test_editing_materials_keeps_the_fields_the_editor_does_not_show(editor, housing_department):
    from django.core.files.base import ContentFile

    version = draft_item(housing_department, actor=editor)
    letter = version.materials.get(name="公共租赁住房申请承诺书")
    letter.material_type, letter.original_count, letter.filling_notes = "3", 2, "本人签字并按手印"
    letter.blank_form.save("承诺书.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    letter.save()
    services.version_update(
        actor=editor,
        version=version,
        data={},
        materials=[{"name": "公共租赁住房申请承诺书", "source_channel": "1", "necessity": "1"}],
    )
    kept = version.materials.get()
    assert (kept.material_type, kept.original_count, kept.filling_notes) == (
        "3",
        2,
        "本人签字并按手印",
    )
    assert kept.blank_form.name.endswith(".pdf")
