"""Applying: drafts with prefill, materials, pre-review, agents' authorizations.

Submission (``application_submit``) lives in ``services_submit``; the case's life after that in
``services_actions``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User
from govhall.cases import formdef, permissions
from govhall.cases.letters import letter_check
from govhall.cases.models import AgentAuthorization, Application, Case, Upload
from govhall.cases.uploads import upload_inspect, upload_store
from govhall.catalog.models import Item, Material
from govhall.catalog.selectors import item_get_public
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.identifiers import normalize_id_number, normalize_uscc
from govhall.exchange.services_prefill import prefill_read

ONLINE_DEPTH = 3  # 网上办理深度 III and IV take applications online
LICENSE_INDEX = "license_index"  # e-licenses of persons, by 身份证号
# e-licenses of legal persons, by USCC: read beside the persons' index and treated as one
ENTERPRISE_LICENSE_INDEX = "enterprise_license_index"
LICENSE_INDEXES = {LICENSE_INDEX, ENTERPRISE_LICENSE_INDEX}
MAX_FORM_BYTES = 256 * 1024


def _source_resources(definition: dict[str, Any]) -> set[str]:
    """The registry resources a form's fields name as their source."""
    codes: set[str] = set()
    for section in definition.get("sections", []):
        sources = [section.get("source") or {}] + [
            f.get("source") or {} for f in section.get("fields", [])
        ]
        codes.update(s["resource"] for s in sources if isinstance(s.get("resource"), str))
        if any(s.get("license") for s in sources):
            codes.update(LICENSE_INDEXES)
    return codes


def form_definition(version: Any) -> dict[str, Any]:
    """The item version's form, or the generic applicant form."""
    if version.form:
        return version.form
    target = "2" if "1" not in (version.service_targets or ["1"]) else "1"
    return formdef.default_formdef(item_name=version.name, target=target)


def item_for_application(code: str) -> Item:
    item = item_get_public(code=code)
    if item.published_version.online_depth < ONLINE_DEPTH:
        raise errors.ValidationError(
            _("该事项暂不支持网上申报,请按办事指南到窗口办理。"), code="item_not_online"
        )
    return item


def _check_target(item: Item, applicant: Any) -> None:
    targets = set(item.published_version.service_targets or [])
    wanted = "1" if applicant.kind == User.Kind.CITIZEN else None
    if wanted == "1" and targets and "1" not in targets:
        raise errors.ValidationError(
            _("该事项的服务对象不包括自然人,请以法人身份申报。"), code="wrong_target"
        )
    if applicant.kind == User.Kind.ENTERPRISE and targets == {"1"}:
        raise errors.ValidationError(_("该事项仅面向自然人办理。"), code="wrong_target")


def authorization_for(*, agent: Any, principal_key: str, item: Item) -> AgentAuthorization:
    """The agent's valid authorization from the person behind ``principal_key`` for ``item``."""
    key = (principal_key or "").strip().upper()
    authorization = (
        AgentAuthorization.objects.select_related("principal")
        .filter(agent=agent, item=item, principal__username=key, revoked_at__isnull=True)
        .filter(valid_until__gte=timezone.localdate())
        .order_by("-created_at")
        .first()
    )
    if authorization is None:
        raise errors.PermissionDenied(
            _("没有该申请人对该事项的有效代办授权,请先登记授权委托书。"), code="no_authorization"
        )
    return authorization


@dataclass
class MaterialState:
    material: Material
    satisfied: dict[str, Any] | None  # how the registries / e-licenses answer it
    uploads: list[Upload] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return self.material.necessity == "1"

    @property
    def by_form(self) -> bool:
        return self.material.source_channel == Material.SourceChannel.ONLINE_FORM

    @property
    def missing(self) -> bool:
        return self.required and not self.by_form and not self.satisfied and not self.uploads


def _satisfied_materials(
    materials: list[Material], read: Any, subject_key: str
) -> dict[str, dict[str, Any]]:
    """Materials the registries or the e-license library answer (免提交), with the record behind."""
    own = read.of(subject_key)
    satisfied: dict[str, dict[str, Any]] = {}
    for material in materials:
        view = read.views.get(material.resource_code) if material.resource_code else None
        if view is not None:
            records = sum(len(read.of(key).get(view.code, [])) for key in read.household or [])
            satisfied[str(material.pk)] = {
                "kind": "resource",
                "resource": view.code,
                "resource_name": view.name,
                "provider": view.provider,
                "records": records,
                "note": _("已由%(provider)s共享数据核验,免提交。") % {"provider": view.provider},
            }
            continue
        indexes = [code for code in sorted(LICENSE_INDEXES) if code in read.views]
        if material.license_type_code and indexes:
            licenses = [
                (code, row)
                for code in indexes
                for row in own.get(code, [])
                if row.data.get("license_type") == material.license_type_code
            ]
            if licenses:
                code, first = licenses[0]
                satisfied[str(material.pk)] = {
                    "kind": "license",
                    "license_type": material.license_type_code,
                    "license_number": first.data.get("license_number", ""),
                    "provider": read.views[code].provider,
                    "records": len(licenses),
                    "note": _("已从电子证照库调取,免提交。"),
                }
    return satisfied


def _prefill_sources(read: Any, applicant: Any) -> formdef.PrefillSources:
    def records(key: str) -> dict[str, list[formdef.SourceRecord]]:
        found: dict[str, list[formdef.SourceRecord]] = {}
        for code, rows in read.of(key).items():
            # the legal persons' license index joins the persons' one, where form definitions
            # look for licenses (``{"license": type}`` sources)
            target = LICENSE_INDEX if code == ENTERPRISE_LICENSE_INDEX else code
            found.setdefault(target, []).extend(
                formdef.SourceRecord(
                    data=row.data,
                    resource_name=read.views[code].name,
                    provider=read.views[code].provider,
                    updated_at=row.updated_at,
                    record_key=row.record_key,
                )
                # newest first (a tax year, a later record): "the first record" means the latest
                for row in sorted(rows, key=lambda r: r.record_key, reverse=True)
            )
        return found

    account = {
        "name": applicant.name,
        "id_number": applicant.id_number or "",
        "uscc": applicant.uscc or "",
        "phone": applicant.phone,
        "email": applicant.email,
        "legal_representative": applicant.legal_representative,
    }
    household = [
        formdef.HouseholdMember(subject_key=key, records=records(key)) for key in read.household
    ]
    labels = {
        code: formdef.ResourceLabel(name=view.name, provider=view.provider)
        for code, view in read.views.items()
    }
    return formdef.PrefillSources(
        account=account, records=records(read.subject_key), household=household, resources=labels
    )


@dataclass
class PrefillView:
    definition: dict[str, Any]
    values: dict[str, Any]
    sources: dict[str, Any]
    satisfied: dict[str, dict[str, Any]]


def application_prefill(
    *, actor: Any, applicant: Any, item: Item, channel: str = "page"
) -> PrefillView:
    """The form as the registries fill it for ``applicant``, and the materials they answer."""
    version = item.published_version
    definition = form_definition(version)
    materials = list(version.materials.all())
    codes = sorted(
        {m.resource_code for m in materials if m.resource_code}
        | _source_resources(definition)
        | (LICENSE_INDEXES if any(m.license_type_code for m in materials) else set())
    )
    subject_key = applicant.id_number or applicant.uscc or ""
    read = prefill_read(
        applicant=actor,
        subject_key=subject_key,
        department_id=item.department_id,
        item_code=item.implementation_code,
        resource_codes=codes,
        channel=channel,
    )
    prefill = formdef.prefill_values(definition, _prefill_sources(read, applicant))
    satisfied = _satisfied_materials(materials, read, subject_key)
    return PrefillView(definition, prefill.values, prefill.sources, satisfied)


def applicant_for(actor: Any, item: Item, on_behalf_of: str | None) -> tuple[Any, Any]:
    if permissions.is_public_applicant(actor):
        if on_behalf_of:
            raise errors.ValidationError(_("只有代办员可以代他人申报。"), code="not_an_agent")
        return actor, None
    if permissions.is_agent(actor):
        if not on_behalf_of:
            raise errors.ValidationError(
                _("代办申报须填写委托人的身份证号或统一社会信用代码。"),
                code="principal_required",
                fields={"on_behalf_of": [_("必填")]},
            )
        authorization = authorization_for(agent=actor, principal_key=on_behalf_of, item=item)
        return authorization.principal, authorization
    raise errors.PermissionDenied(
        _("请以自然人、法人或代办员身份登录后申报。"), code="cannot_apply"
    )


@transaction.atomic
def application_create(
    *,
    actor: Any,
    item_code: str,
    form: dict[str, Any] | None = None,
    on_behalf_of: str | None = None,
    channel: str = "pc",
) -> Application:
    """A draft application, prefilled from the registries for the applicant."""
    item = item_for_application(item_code)
    applicant, authorization = applicant_for(actor, item, on_behalf_of)
    _check_target(item, applicant)
    prefill = application_prefill(
        actor=actor, applicant=applicant, item=item, channel="api" if channel == "api" else "page"
    )
    values = dict(prefill.values)
    if form:
        _check_form_size(form)
        values = _merge(values, form)
    application = Application.objects.create(
        item=item,
        version=item.published_version,
        applicant=applicant,
        created_by=actor,
        authorization=authorization,
        channel="agent" if authorization else channel,
        form=values,
        prefill={"values": prefill.values, "sources": prefill.sources},
        satisfied=prefill.satisfied,
    )
    audit_record(
        actor=actor,
        action="cases.application_create",
        obj=application,
        after={"item": item.implementation_code, "applicant": applicant.pk},
    )
    return application


def _merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _check_form_size(form: Any) -> None:
    import json

    if not isinstance(form, dict):
        raise errors.ValidationError(_("表单数据应为对象。"), code="invalid_form")
    if len(json.dumps(form, ensure_ascii=False).encode()) > MAX_FORM_BYTES:
        raise errors.ValidationError(_("表单数据过大。"), code="form_too_large")


def _require_editable(actor: Any, application: Application) -> None:
    if actor.pk not in {application.applicant_id, application.created_by_id}:
        raise errors.NotFound(_("申请不存在。"), code="application_not_found")
    if application.state == Application.State.SUBMITTED:
        raise errors.Conflict(_("申请已提交,不能再修改。"), code="already_submitted")
    if application.state == Application.State.PREREVIEW:
        raise errors.Conflict(_("申请正在预审,请等待预审结果。"), code="in_prereview")


@transaction.atomic
def application_update(
    *, actor: Any, application: Application, form: dict[str, Any]
) -> Application:
    """Save the draft (validated in full only at submission)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_editable(actor, application)
    _check_form_size(form)
    if form != application.form:  # a passed pre-review holds only for the form it saw
        application.prereview_passed_at = None
    application.form = form
    application.state = Application.State.DRAFT
    application.save(update_fields=["form", "prereview_passed_at", "state", "updated_at"])
    audit_record(actor=actor, action="cases.application_update", obj=application)
    return application


def _material_of(application: Application, material_id: Any) -> Material:
    try:
        return application.version.materials.get(pk=int(material_id))
    except (TypeError, ValueError, Material.DoesNotExist):
        raise errors.ValidationError(
            _("该事项没有这项材料。"), code="unknown_material", fields={"material": [_("无效")]}
        ) from None


def _upload_round(application: Application) -> int:
    """1 for a draft; during a correction (补正) the uploads of the next round."""
    case = getattr(application, "case", None)
    if application.state != Application.State.SUBMITTED:
        return 1
    if case is None or case.status != "correction":
        raise errors.Conflict(
            _("申请已提交,只有在补正期间才能补充材料。"), code="already_submitted"
        )
    return 2


def upload_add(*, actor: Any, application: Application, material_id: Any, file: Any) -> Upload:
    """Inspect (type by content, size, pages), normalize and store one file for a material."""
    material = _material_of(application, material_id)
    inspected = upload_inspect(file)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if actor.pk not in {application.applicant_id, application.created_by_id}:
            raise errors.NotFound(_("申请不存在。"), code="application_not_found")
        if application.state == Application.State.PREREVIEW:
            raise errors.Conflict(_("申请正在预审,请等待预审结果。"), code="in_prereview")
        round_ = _upload_round(application)
        letter_check(
            application=application,
            material=material,
            kind=inspected.kind,
            content=inspected.content,
        )
        stored = upload_store(inspected, folder=f"applications/{application.uuid}")
        upload = Upload.objects.create(
            application=application,
            material=material,
            file=stored,
            original_name=inspected.original_name,
            kind=inspected.kind,
            content_type=inspected.content_type,
            size=inspected.size,
            pages=inspected.pages,
            sha256=inspected.sha256,
            round=round_,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="cases.upload_add",
            obj=upload,
            after={"material": material.pk, "sha256": inspected.sha256, "size": inspected.size},
        )
    return upload


@transaction.atomic
def upload_remove(*, actor: Any, application: Application, upload_id: Any) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    in_correction = (
        application.state == Application.State.SUBMITTED
        and Case.objects.filter(application=application, status=Case.Status.CORRECTION).exists()
    )
    uploads = application.uploads.filter(pk=upload_id, removed_at__isnull=True)
    if in_correction and actor.pk in {application.applicant_id, application.created_by_id}:
        uploads = uploads.filter(round__gt=1)  # only what this correction added
    else:
        _require_editable(actor, application)
    upload = uploads.first()
    if upload is None:
        raise errors.NotFound(_("文件不存在。"), code="upload_not_found")
    upload.removed_at = timezone.now()
    upload.save(update_fields=["removed_at"])
    audit_record(actor=actor, action="cases.upload_remove", obj=upload)


def material_states(application: Application) -> list[MaterialState]:
    uploads: dict[int, list[Upload]] = {}
    for upload in application.uploads.filter(removed_at__isnull=True):
        uploads.setdefault(upload.material_id, []).append(upload)
    return [
        MaterialState(m, application.satisfied.get(str(m.pk)), uploads.get(m.pk, []))
        for m in application.version.materials.all()
    ]


def application_check(application: Application) -> dict[str, Any]:
    """Validate the whole application; every problem at once (422)."""
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    try:
        cleaned = formdef.form_validate(form_definition(application.version), application.form)
    except errors.ValidationError as invalid:
        problems.update({f"form.{k}": v for k, v in (invalid.fields or {}).items()})
    for state in material_states(application):
        if state.missing:
            problems[f"materials.{state.material.pk}"] = [
                _("请上传「%(name)s」。") % {"name": state.material.name}
            ]
    if problems:
        raise errors.ValidationError(
            _("申请信息不完整,请按提示补充后再提交。"),
            code="application_incomplete",
            fields=problems,
        )
    return cleaned


@transaction.atomic
def application_prereview_request(*, actor: Any, application: Application) -> Application:
    """Send the application to pre-review (网上预审) where the item asks for it."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_editable(actor, application)
    if not application.version.prereview:
        raise errors.Conflict(_("该事项无需预审,可直接提交。"), code="no_prereview")
    application_check(application)
    application.state = Application.State.PREREVIEW
    application.save(update_fields=["state", "updated_at"])
    audit_record(actor=actor, action="cases.application_prereview_request", obj=application)
    return application


def can_prereview(actor: Any, application: Application) -> bool:
    return account_permissions.acts_for_department(
        actor, application.item.department_id
    ) and account_permissions.holds_post(actor, "acceptance")


@transaction.atomic
def application_prereview_decide(
    *, actor: Any, application: Application, passed: bool, opinion: str
) -> Application:
    """The window clerk's pre-review: passed (the applicant may submit) or returned with what to
    change."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=application.pk)
    )
    if not can_prereview(actor, application):
        raise errors.NotFound(_("申请不存在。"), code="application_not_found")
    if application.state != Application.State.PREREVIEW:
        raise errors.Conflict(_("该申请不在预审中。"), code="not_in_prereview")
    if not passed and not opinion.strip():
        raise errors.ValidationError(
            _("退回须写明需修改的内容。"), code="opinion_required", fields={"opinion": [_("必填")]}
        )
    application.state = Application.State.DRAFT if passed else Application.State.RETURNED
    application.prereview_passed_at = timezone.now() if passed else None
    application.prereview_opinion = opinion.strip()
    application.save(
        update_fields=["state", "prereview_passed_at", "prereview_opinion", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="cases.application_prereview_decide",
        obj=application,
        after={"passed": passed, "opinion": opinion},
    )
    from govhall.cases.notify import notify_prereview

    notify_prereview(application, passed=passed)
    return application


@transaction.atomic
def authorization_create(
    *,
    actor: Any,
    principal_key: str,
    item_code: str,
    letter: Any,
    valid_until: dt.date | None = None,
) -> AgentAuthorization:
    """An agent records the signed authorization letter (授权委托书) of the person they apply
    for."""
    if not permissions.is_agent(actor):
        raise errors.PermissionDenied(_("只有代办员可以登记代办授权。"), code="not_an_agent")
    item = item_for_application(item_code)
    key = (principal_key or "").strip().upper()
    try:
        key = normalize_id_number(key) if len(key) == 18 and key[:1].isdigit() else key
    except errors.ValidationError:
        key = normalize_uscc(key)
    principal = User.objects.filter(username=key, is_active=True).first()
    if principal is None or not permissions.is_public_applicant(principal):
        raise errors.ValidationError(
            _("委托人尚未实名注册,请先为其完成实名注册。"),
            code="principal_unknown",
            fields={"principal": [_("未注册")]},
        )
    today = timezone.localdate()
    valid_until = valid_until or today + dt.timedelta(days=90)
    if valid_until < today or valid_until > today + dt.timedelta(days=366):
        raise errors.ValidationError(
            _("授权有效期应在一年以内。"), code="invalid_validity", fields={"valid_until": ["!"]}
        )
    inspected = upload_inspect(letter)
    stored = upload_store(inspected, folder="authorizations")
    authorization = AgentAuthorization.objects.create(
        agent=actor,
        principal=principal,
        item=item,
        letter=stored,
        letter_sha256=inspected.sha256,
        valid_until=valid_until,
    )
    audit_record(
        actor=actor,
        action="cases.authorization_create",
        obj=authorization,
        after={"principal": principal.pk, "item": item.implementation_code},
    )
    from govhall.cases.notify import notify_authorization

    notify_authorization(authorization)
    return authorization


@transaction.atomic
def authorization_revoke(*, actor: Any, authorization: AgentAuthorization) -> AgentAuthorization:
    if actor.pk not in {authorization.principal_id, authorization.agent_id}:
        raise errors.NotFound(_("授权不存在。"), code="authorization_not_found")
    if authorization.revoked_at is None:
        authorization.revoked_at = timezone.now()
        authorization.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="cases.authorization_revoke", obj=authorization)
    return authorization
