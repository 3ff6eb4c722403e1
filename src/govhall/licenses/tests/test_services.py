"""Issuance on completion, signatures, the lifecycle, the exchange index and the bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govhall.cases import services_apply
from govhall.core import errors
from govhall.core.models import AuditEntry
from govhall.exchange.models import Record, Resource
from govhall.exchange.tests.factories import GrantFactory, ResourceFactory
from govhall.licenses import keys, selectors, services, verification
from govhall.licenses.models import License, LicenseUse, SigningKey
from govhall.licenses.tests.conftest import INDEX_FIELDS
from govhall.organizations.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _index(license):
    return Record.objects.get(record_key=license.identifier)


def test_completing_a_license_case_issues_a_signed_license_in_the_index(completed_case, applicant):
    license = License.objects.get(case=completed_case)
    assert license.holder_key == applicant.id_number and license.version == 1
    assert license.identifier.startswith("1.2.156.3005.2.ZJJ0011.")
    assert license.face["holder"] == applicant.name
    assert license.valid_until == license.valid_from.replace(year=license.valid_from.year + 3) - (
        dt.timedelta(days=1)
    )
    assert verification.verification_of(license).outcome == "valid"
    row = _index(license)
    assert row.subject_key == applicant.id_number and row.data["status"] == "有效"
    assert row.load.source == "system"  # the system's own write, not a seed or an upload
    assert AuditEntry.objects.filter(action="license_issue").exists()


def test_case_without_a_registered_type_issues_nothing(applicant, clerk, housing_department):
    from govhall.cases.tests.factories import case_submitted, online_item

    version = online_item(
        housing_department, result_type="10", result_name="证", license_type_code="unknown_type"
    )
    case = case_submitted(applicant, version)
    assert services.license_issue_for_case(case, actor=clerk) is None
    assert not License.objects.exists()


def test_one_changed_byte_breaks_the_signature(license):
    License.objects.filter(pk=license.pk).update(face={**license.face, "kind": "公租房 "})
    result = verification.verification_of(License.objects.get(pk=license.pk))
    assert result.outcome == "signature_invalid" and not result.signature_ok
    assert "篡改" in result.reasons[0]


def test_another_departments_key_is_refused(license):
    foreign = keys.active_key(DepartmentFactory(name="别的局"))
    forged = License.objects.get(pk=license.pk)
    forged.signing_key = foreign
    forged.signature = keys.sign(foreign, forged.signed_payload())
    forged.save()
    assert verification.verification_of(forged).outcome == "signature_invalid"


def test_rotation_keeps_old_signatures_verifiable(license, clerk, rental_type, applicant):
    old_key = license.signing_key
    new_key = keys.key_rotate(actor=clerk, department=license.issuer)
    assert new_key.key_id != old_key.key_id
    assert SigningKey.objects.filter(department=license.issuer, is_active=True).get() == new_key
    assert verification.verification_of(License.objects.get(pk=license.pk)).valid
    second = services.license_issue(
        actor=clerk,
        license_type=rental_type,
        holder_name="王五",
        holder_key=applicant.id_number,
        face={"holder": "王五", "id_number": applicant.id_number},
    )
    assert second.signing_key == new_key and verification.verification_of(second).valid


def test_wrong_persona_cannot_rotate_or_manage(license, other_clerk, applicant):
    with pytest.raises(errors.PermissionDenied):
        keys.key_rotate(actor=other_clerk, department=license.issuer)
    with pytest.raises(errors.PermissionDenied):
        services.license_revoke(actor=other_clerk, license=license, reason="x")
    with pytest.raises(errors.PermissionDenied):
        services.license_change(actor=applicant, license=license, face={"kind": "y"}, reason="x")


def test_change_makes_a_new_version_linked_to_the_old(license, clerk):
    new = services.license_change(
        actor=clerk, license=license, face={"kind": "廉租房"}, reason="保障类型调整"
    )
    old = License.objects.get(pk=license.pk)
    assert (old.status, new.previous, new.version, new.serial) == ("superseded", old, 2, old.serial)
    assert new.identifier.endswith(".002." + new.identifier[-1])
    assert verification.verification_of(old).outcome == "superseded"
    assert verification.verification_of(new).valid
    assert _index(old).data["status"] == "已变更" and _index(new).data["status"] == "有效"
    with pytest.raises(errors.Conflict):
        services.license_change(actor=clerk, license=old, face={"kind": "x"}, reason="again")
    with pytest.raises(errors.ValidationError):
        services.license_change(actor=clerk, license=new, face={"nope": "x"}, reason="r")


def test_revocation_shows_at_once_and_leaves_the_index(license, clerk):
    with pytest.raises(errors.ValidationError):
        services.license_revoke(actor=clerk, license=license, reason="  ")
    services.license_revoke(actor=clerk, license=license, reason="骗取资格")
    result = verification.verification_of(License.objects.get(pk=license.pk))
    assert result.outcome == "revoked" and "骗取资格" in result.reasons[0]
    row = _index(license)
    assert row.data["status"] == "已注销" and row.valid_to < timezone.localdate()


def _old_license(rental_type, holder):
    return services.license_issue(
        actor=None,
        license_type=rental_type,
        holder_name=holder.name,
        holder_key=holder.id_number,
        face={"holder": holder.name, "id_number": holder.id_number},
        issued_on=timezone.localdate() - dt.timedelta(days=4 * 365),
    )


def test_expiry_job_and_renewal(rental_type, applicant, license_index, clerk):
    license = stale = _old_license(rental_type, applicant)
    assert verification.verification_of(stale).outcome == "expired"  # even before the job
    assert services.licenses_expire() == 1 and services.licenses_expire() == 0
    assert License.objects.get(pk=license.pk).status == "expired"
    renewed = services.license_renew(actor=clerk, license=stale)
    assert renewed.valid_until > timezone.localdate() and renewed.previous_id == license.pk


def test_annual_inspection(license, clerk):
    before = license.inspected_until
    inspected = services.license_inspect(actor=clerk, license=license, passed=True)
    assert inspected.inspected_until > before
    failed = services.license_inspect(actor=clerk, license=inspected, passed=False, note="不合格")
    assert failed.status == "revoked"


def test_bad_identifiers_are_refused_with_reasons(license):
    wrong = license.identifier[:-1] + ("A" if license.identifier[-1] != "A" else "B")
    for value, code in [("nonsense", "malformed_identifier"), (wrong, "wrong_check_character")]:
        with pytest.raises(errors.ValidationError) as caught:
            verification.license_by_identifier(value)
        assert caught.value.code == code
    from govhall.licenses.identifiers import identifier_build

    unknown = identifier_build("ZJJ0011", license.issuer.uscc, "99999999", 1)
    with pytest.raises(errors.NotFound):
        verification.license_by_identifier(unknown)


def test_presenting_in_an_application(license, applicant, other_applicant, clerk):
    used = verification.license_present(
        actor=applicant, identifier=license.identifier, purpose="申请公租房", reference="APP1"
    )
    assert used == license
    assert LicenseUse.objects.get().purpose == "申请公租房"
    with pytest.raises(errors.PermissionDenied) as caught:
        verification.license_present(
            actor=other_applicant, identifier=license.identifier, purpose="冒用"
        )
    assert caught.value.code == "not_holder"
    services.license_revoke(actor=clerk, license=license, reason="注销")
    with pytest.raises(errors.Conflict) as caught:
        verification.license_present(actor=applicant, identifier=license.identifier, purpose="再用")
    assert caught.value.code == "license_revoked"


def test_expired_license_presented_is_refused(rental_type, applicant, license_index):
    license = _old_license(rental_type, applicant)
    with pytest.raises(errors.Conflict) as caught:
        verification.license_present(actor=applicant, identifier=license.identifier, purpose="用")
    assert caught.value.code == "license_expired"


def test_a_later_application_reuses_the_license_and_the_holder_sees_it(
    completed_case, applicant, housing_department, clerk
):
    from govhall.catalog.models import Item, Material
    from govhall.catalog.tests.factories import published_item

    version = published_item(housing_department, name="公租房租赁补贴申请")
    Material.objects.filter(version=version).update(
        license_type_code="public_rental_qualification", resource_code=""
    )
    item = Item.objects.get(pk=version.item_id)
    prefill = services_apply.application_prefill(actor=applicant, applicant=applicant, item=item)
    kinds = [s["kind"] for s in prefill.satisfied.values()]
    assert "license" in kinds
    uses = selectors.uses_for_holder(actor=applicant)
    assert any(use.channel == "电子证照库调取" for use in uses)
    license = License.objects.get(case=completed_case)
    services.license_revoke(actor=clerk, license=license, reason="注销")
    again = services_apply.application_prefill(actor=applicant, applicant=applicant, item=item)
    assert "license" not in [s["kind"] for s in again.satisfied.values()]


def test_issue_refuses_a_holder_code_that_is_neither_id_number_nor_uscc(rental_type):
    with pytest.raises(errors.ValidationError) as caught:
        services.license_issue(
            actor=None,
            license_type=rental_type,
            holder_name="某人",
            holder_key="12345",
            face={"holder": "某人", "id_number": "1"},
        )
    assert caught.value.code == "invalid_holder"


def test_enterprise_licenses_go_to_the_legal_persons_index_and_are_reused(
    rental_type, enterprise, license_index, housing_department, clerk
):
    from govhall.catalog.models import Item, Material
    from govhall.catalog.tests.factories import published_item

    enterprise_index = ResourceFactory(
        code="enterprise_license_index",
        name="法人电子证照目录",
        provider=license_index.provider,
        subject_kind=Resource.SubjectKind.USCC,
        sharing_type=Resource.SharingType.UNCONDITIONAL,
        record_key_field="license_identifier",
        field_specs=INDEX_FIELDS,
    )
    GrantFactory(resource=enterprise_index, consumer=housing_department)
    license = services.license_issue(
        actor=None,
        license_type=rental_type,
        holder_name=enterprise.name,
        holder_key=enterprise.uscc,
        face={"holder": enterprise.name, "id_number": enterprise.uscc},
    )
    assert license.holder_key_type == "uscc"
    record = Record.objects.get(record_key=license.identifier)
    assert (record.resource, record.subject_key) == (enterprise_index, enterprise.uscc)
    assert list(selectors.wallet_list(actor=enterprise)) == [license]

    version = published_item(housing_department, name="企业资质申请")
    Material.objects.filter(version=version).update(
        license_type_code="public_rental_qualification", resource_code=""
    )
    item = Item.objects.get(pk=version.item_id)
    prefill = services_apply.application_prefill(actor=enterprise, applicant=enterprise, item=item)
    reused = [s for s in prefill.satisfied.values() if s["kind"] == "license"]
    assert reused and reused[0]["license_number"] == license.number
    assert any(u.channel == "电子证照库调取" for u in selectors.uses_for_holder(actor=enterprise))
    services.license_revoke(actor=clerk, license=license, reason="注销")
    again = services_apply.application_prefill(actor=enterprise, applicant=enterprise, item=item)
    assert "license" not in [s["kind"] for s in again.satisfied.values()]


def test_signing_with_a_key_sealed_under_another_secret_is_a_clear_conflict(
    license, clerk, settings
):
    settings.GOVHALL_LICENSE_KEY_SECRET = "changed"
    with pytest.raises(errors.Conflict) as caught:
        services.license_change(actor=clerk, license=license, face={"kind": "新"}, reason="r")
    assert caught.value.code == "signing_key_unavailable"
    assert verification.verification_of(License.objects.get(pk=license.pk)).valid
