"""Catalog writes: drafting, editing, review, publication, scheduling and cancellation of items.

Lifecycle of a version: draft → (submit) in_review → (review) published | scheduled | rejected;
rejected → (edit) → submit again; a scheduled version is published on its effective date by the
worker. A published version is never edited: ``version_new_draft`` copies it into the next number.
Only catalog administrators (清单管理) of the item's department edit; a different catalog
administrator of that department (or a system administrator) reviews: four eyes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.catalog import permissions
from govhall.catalog.codes import implementation_code, validate_basic_code
from govhall.catalog.lists import lists_of
from govhall.catalog.models import CatalogChange, Item, ItemVersion, Material, Responsibility
from govhall.catalog.rules import guide_problems, problems_as_fields
from govhall.catalog.search import build_search_text
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.organizations.models import Department

# The elements a catalog administrator edits (everything of a version but its bookkeeping).
VERSION_FIELDS = [
    f.name
    for f in ItemVersion._meta.get_fields()
    if getattr(f, "concrete", False)
    and not f.auto_created
    and f.name
    not in {
        "id",
        "item",
        "number",
        "state",
        "change_reason",
        "review_opinion",
        "created_by",
        "reviewed_by",
        "published_at",
        "search_text",
        "created_at",
        "updated_at",
    }
]
MATERIAL_FIELDS = [
    f.name
    for f in Material._meta.get_fields()
    if getattr(f, "concrete", False) and f.name not in {"id", "version", "blank_form", "sample"}
]
RESPONSIBILITY_FIELDS = ["order", "matter", "situations", "accountable_body", "basis", "liability"]


def _check_keys(data: dict[str, Any], allowed: list[str], field: str) -> None:
    unknown = sorted(set(data) - set(allowed) - {"region_id"})
    if unknown:
        message = _("未知的要素:%(names)s") % {"names": ", ".join(unknown)}
        raise errors.ValidationError(message, fields={field: [message]})


def _apply(version: ItemVersion, data: dict[str, Any]) -> None:
    _check_keys(data, VERSION_FIELDS, "version")
    for key, value in data.items():
        setattr(version, "region_id" if key == "region" and isinstance(value, str) else key, value)


def _replace_children(
    version: ItemVersion,
    materials: list[dict[str, Any]] | None,
    responsibilities: list[dict[str, Any]] | None,
) -> None:
    if materials is not None:
        for row in materials:
            _check_keys(row, MATERIAL_FIELDS, "materials")
        # A row replaces the material of the same name but keeps every field it does not give
        # (counts, notes, blank form and sample files...): editors that show a few columns, and
        # imports without files, never wipe the rest.
        previous = {m.name: m for m in version.materials.all()}
        kept = [*MATERIAL_FIELDS, "blank_form", "sample"]
        rows = []
        for i, row in enumerate(materials, 1):
            base = previous.get(row.get("name", ""))
            values = {f: getattr(base, f) for f in kept} if base else {}
            values.update({"order": i, **row})
            rows.append(Material(version=version, **values))
        version.materials.all().delete()
        Material.objects.bulk_create(rows)
    if responsibilities is not None:
        for row in responsibilities:
            _check_keys(row, RESPONSIBILITY_FIELDS, "responsibilities")
        version.responsibilities.all().delete()
        Responsibility.objects.bulk_create(
            [
                Responsibility(version=version, **{"order": i, **row})
                for i, row in enumerate(responsibilities, 1)
            ]
        )


def _full_clean(version: ItemVersion) -> None:
    try:
        version.full_clean(exclude=["item", "created_by", "reviewed_by", "search_text"])
    except DjangoValidationError as exc:  # a shape problem in the element values
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"version": exc.messages}
        first = next(iter(fields.values()))[0]
        raise errors.ValidationError(first, fields=fields) from exc


def _snapshot(version: ItemVersion) -> dict[str, Any]:
    return {
        "item": version.item.implementation_code,
        "version": version.number,
        "state": version.state,
    }


@transaction.atomic
def item_create(
    *,
    actor: Any,
    department: Department,
    basic_code: str,
    data: dict[str, Any],
    materials: list[dict[str, Any]] | None = None,
    responsibilities: list[dict[str, Any]] | None = None,
) -> ItemVersion:
    """A new item with its first draft version. The implementation code is derived from the
    department's USCC, the exercise level and the basic code."""
    permissions.require_catalog_editor(actor, department.pk)
    level = str(data.get("exercise_level", ""))
    basic_code = validate_basic_code(basic_code, item_type=data.get("item_type"))
    code = implementation_code(uscc=department.uscc, exercise_level=level, basic_code=basic_code)
    if Item.objects.filter(implementation_code=code).exists():
        message = _("实施编码 %(code)s 已存在。") % {"code": code}
        raise errors.Conflict(message, fields={"basic_code": [message]})
    try:
        with transaction.atomic():
            item = Item.objects.create(
                implementation_code=code, basic_code=basic_code, department=department
            )
    except IntegrityError as exc:
        raise errors.Conflict(_("实施编码 %(code)s 已存在。") % {"code": code}) from exc
    version = ItemVersion(
        item=item, number=1, created_by=_user(actor), region_id=department.region_id
    )
    _apply(version, data)
    _full_clean(version)
    version.search_text = build_search_text(version, materials or [])
    version.save()
    _replace_children(version, materials or [], responsibilities or [])
    audit_record(actor=actor, action="catalog.item_create", obj=version, after=_snapshot(version))
    return version


def _user(actor: Any):
    return actor if account_permissions.is_authenticated_user(actor) else None


def _require_editable(version: ItemVersion) -> None:
    if not version.is_editable:
        raise errors.Conflict(_("该版本已提交或已发布,不能修改;请基于现行版本新建修订稿。"))


@transaction.atomic
def version_update(
    *,
    actor: Any,
    version: ItemVersion,
    data: dict[str, Any],
    materials: list[dict[str, Any]] | None = None,
    responsibilities: list[dict[str, Any]] | None = None,
) -> ItemVersion:
    version = ItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    permissions.require_catalog_editor(actor, version.item.department_id)
    _require_editable(version)
    _apply(version, data)
    _full_clean(version)
    if version.state == ItemVersion.State.REJECTED:
        version.state = ItemVersion.State.DRAFT
    rows = materials if materials is not None else list(version.materials.values(*MATERIAL_FIELDS))
    version.search_text = build_search_text(version, rows)
    version.save()
    _replace_children(version, materials, responsibilities)
    audit_record(
        actor=actor,
        action="catalog.version_update",
        obj=version,
        after=_snapshot(version),
        extra={"fields": sorted(data)},
    )
    return version


@transaction.atomic
def version_new_draft(*, actor: Any, item: Item, reason: str) -> ItemVersion:
    """Copy the published version into a new draft, the only way to change a published guide."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    permissions.require_catalog_editor(actor, item.department_id)
    if not reason.strip():
        raise errors.ValidationError(
            _("请填写变更原因。"), fields={"change_reason": [_("请填写变更原因。")]}
        )
    source = item.published_version
    if source is None:
        raise errors.Conflict(_("该事项尚无已发布版本,请直接修改草稿。"))
    if item.versions.filter(state__in=["draft", "in_review", "rejected", "scheduled"]).exists():
        raise errors.Conflict(_("该事项已有未发布的修订稿。"))
    number = (item.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    draft = ItemVersion.objects.get(pk=source.pk)
    draft.pk = draft.id = None
    draft._state.adding = True
    draft.number = number
    draft.state = ItemVersion.State.DRAFT
    draft.change_reason = reason.strip()[:500]
    draft.review_opinion = ""
    draft.created_by = _user(actor)
    draft.reviewed_by = None
    draft.published_at = None
    draft.effective_from = None
    draft.save(force_insert=True)
    materials = list(source.materials.values(*MATERIAL_FIELDS, "blank_form", "sample"))
    Material.objects.bulk_create([Material(version=draft, **row) for row in materials])
    responsibilities = list(source.responsibilities.values(*RESPONSIBILITY_FIELDS))
    Responsibility.objects.bulk_create(
        [Responsibility(version=draft, **row) for row in responsibilities]
    )
    audit_record(
        actor=actor,
        action="catalog.version_new_draft",
        obj=draft,
        after=_snapshot(draft),
        extra={"reason": reason},
    )
    return draft


# Checks other apps add for the parts of a version they run (the cases app: the process
# definition and the application form): ``check(version) -> dict[field, list[message]]``.
_version_checks: list[Callable[[ItemVersion], dict[str, list[str]]]] = []


def register_version_check(check: Callable[[ItemVersion], dict[str, list[str]]]) -> None:
    if check not in _version_checks:
        _version_checks.append(check)


def version_check(version: ItemVersion) -> None:
    """Raise ValidationError listing every broken guide rule (rule and field), if any."""
    problems = guide_problems(version, responsibilities=list(version.responsibilities.all()))
    fields = problems_as_fields(problems)
    for check in _version_checks:
        for field, messages in check(version).items():
            fields.setdefault(field, []).extend(messages)
    if fields:
        raise errors.ValidationError(
            _("办事指南有 %(n)d 处不符合要素规范,请修改后再提交。")
            % {"n": sum(len(m) for m in fields.values())},
            code="guide_rules",
            fields=fields,
        )


@transaction.atomic
def version_submit(*, actor: Any, version: ItemVersion) -> ItemVersion:
    version = ItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    permissions.require_catalog_editor(actor, version.item.department_id)
    _require_editable(version)
    if version.number > 1 and not version.change_reason.strip():
        raise errors.ValidationError(
            _("请填写变更原因。"), fields={"change_reason": [_("请填写变更原因。")]}
        )
    version_check(version)
    version.state = ItemVersion.State.IN_REVIEW
    version.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor, action="catalog.version_submit", obj=version, after=_snapshot(version)
    )
    return version


@transaction.atomic
def version_review(
    *,
    actor: Any,
    version: ItemVersion,
    approve: bool,
    opinion: str = "",
    today: dt.date | None = None,
) -> ItemVersion:
    """Approve (publish now, or schedule for its effective date) or send back with an opinion."""
    version = ItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    permissions.require_catalog_reviewer(actor, version)
    if version.state != ItemVersion.State.IN_REVIEW:
        raise errors.Conflict(_("该版本不在待审核状态。"))
    version.reviewed_by = _user(actor)
    version.review_opinion = opinion.strip()[:500]
    if not approve:
        if not version.review_opinion:
            raise errors.ValidationError(
                _("退回时请填写审核意见。"), fields={"opinion": [_("退回时请填写审核意见。")]}
            )
        version.state = ItemVersion.State.REJECTED
        version.save(update_fields=["state", "reviewed_by", "review_opinion", "updated_at"])
        audit_record(
            actor=actor, action="catalog.version_reject", obj=version, after=_snapshot(version)
        )
        return version
    version_check(version)
    today = today or timezone.localdate()
    if version.effective_from and version.effective_from > today:
        version.state = ItemVersion.State.SCHEDULED
        version.save(update_fields=["state", "reviewed_by", "review_opinion", "updated_at"])
        audit_record(
            actor=actor, action="catalog.version_schedule", obj=version, after=_snapshot(version)
        )
        return version
    return _publish(actor=actor, version=version)


def _changed_fields(old: ItemVersion, new: ItemVersion) -> list[str]:
    changed = [
        name
        for name in VERSION_FIELDS
        if getattr(old, name) != getattr(new, name) and name != "effective_from"
    ]
    old_materials = list(old.materials.values(*MATERIAL_FIELDS))
    new_materials = list(new.materials.values(*MATERIAL_FIELDS))
    if old_materials != new_materials:
        changed.append("materials")
    if list(old.responsibilities.values(*RESPONSIBILITY_FIELDS)) != list(
        new.responsibilities.values(*RESPONSIBILITY_FIELDS)
    ):
        changed.append("responsibilities")
    return changed


def _publish(*, actor: Any, version: ItemVersion) -> ItemVersion:
    item = Item.objects.select_for_update().get(pk=version.item_id)
    previous = item.published_version
    now = timezone.now()
    if previous is not None:
        ItemVersion.objects.filter(pk=previous.pk).update(state=ItemVersion.State.SUPERSEDED)
    version.state = ItemVersion.State.PUBLISHED
    version.published_at = now
    version.save(
        update_fields=["state", "published_at", "reviewed_by", "review_opinion", "updated_at"]
    )
    item.published_version = version
    item.status = Item.Status.ACTIVE
    item.save(update_fields=["published_version", "status", "updated_at"])
    kind = CatalogChange.Kind.CHANGED if previous else CatalogChange.Kind.ADDED
    CatalogChange.objects.create(
        item=item,
        version=version,
        kind=kind,
        lists=sorted(set(lists_of(version)) | (set(lists_of(previous)) if previous else set())),
        reason=version.change_reason or _("新增事项"),
        changed_fields=_changed_fields(previous, version) if previous else [],
        happened_at=now,
        actor=_user(actor),
    )
    audit_record(
        actor=actor, action="catalog.version_publish", obj=version, after=_snapshot(version)
    )
    return version


@transaction.atomic
def item_cancel(
    *, actor: Any, item: Item, reason: str, on: dt.date | None = None, today: dt.date | None = None
) -> Item:
    """Cancel an item now, or schedule its cancellation for ``on``."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    permissions.require_catalog_editor(actor, item.department_id)
    if not reason.strip():
        raise errors.ValidationError(
            _("请填写取消原因。"), fields={"reason": [_("请填写取消原因。")]}
        )
    if item.status == Item.Status.CANCELLED:
        raise errors.Conflict(_("该事项已取消。"))
    today = today or timezone.localdate()
    item.cancel_reason = reason.strip()[:500]
    if on and on > today:
        item.cancel_on = on
        item.save(update_fields=["cancel_on", "cancel_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="catalog.item_schedule_cancel",
            obj=item,
            after={"cancel_on": on, "reason": reason},
        )
        return item
    return _cancel(actor=actor, item=item)


def _cancel(*, actor: Any, item: Item) -> Item:
    item.status = Item.Status.CANCELLED
    item.cancel_on = item.cancel_on or timezone.localdate()
    item.save(update_fields=["status", "cancel_on", "cancel_reason", "updated_at"])
    version = item.published_version
    if version is not None:
        CatalogChange.objects.create(
            item=item,
            version=version,
            kind=CatalogChange.Kind.REMOVED,
            lists=lists_of(version),
            reason=item.cancel_reason,
            happened_at=timezone.now(),
            actor=_user(actor),
        )
    audit_record(
        actor=actor, action="catalog.item_cancel", obj=item, after={"reason": item.cancel_reason}
    )
    return item


def catalog_apply_schedules(*, today: dt.date | None = None) -> tuple[int, int]:
    """Publish scheduled versions and cancel items whose date has come (idempotent; the worker
    runs it daily). Returns (published, cancelled)."""
    today = today or timezone.localdate()
    published = cancelled = 0
    due_versions = ItemVersion.objects.filter(
        state=ItemVersion.State.SCHEDULED, effective_from__lte=today
    )
    for version_id in due_versions.values_list("id", flat=True):
        with transaction.atomic():
            version = ItemVersion.objects.select_for_update().get(pk=version_id)
            if version.state == ItemVersion.State.SCHEDULED:
                _publish(actor="worker", version=version)
                published += 1
    due_items = Item.objects.filter(cancel_on__lte=today).exclude(status=Item.Status.CANCELLED)
    for item_id in due_items.values_list("id", flat=True):
        with transaction.atomic():
            item = Item.objects.select_for_update().get(pk=item_id)
            if item.status != Item.Status.CANCELLED:
                _cancel(actor="worker", item=item)
                cancelled += 1
    return published, cancelled
