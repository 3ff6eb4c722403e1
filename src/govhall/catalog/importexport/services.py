"""Import and export of the lists: the services the pages, the API and the commands call.

``catalog_import`` reads a file, checks every row and either imports all of it as drafts (through
``catalog.services``: item_create / version_new_draft / version_update, which check permissions
and write their own audit rows) or nothing, raising ``ImportInvalid`` with every problem located
by sheet, row and column. It never publishes: drafts go through review.

``catalog_export`` writes the published catalog (or, for its editors, the latest versions) in
the same format, so that export → import creates nothing; ``fmt="gbt39046"`` writes the
GB/T 39046 exchange JSON instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.catalog import permissions
from govhall.catalog import services as catalog_services
from govhall.catalog.importexport.columns import ITEMS, header_of
from govhall.catalog.importexport.comparison import differences
from govhall.catalog.importexport.gbt39046 import gbt39046_item
from govhall.catalog.importexport.reading import RowError, file_error, read_file
from govhall.catalog.importexport.validation import ItemPlan, problem_position, validate
from govhall.catalog.importexport.writing import (
    version_record,
    write_csv_zip,
    write_json,
    write_xlsx,
)
from govhall.catalog.models import Item, ItemVersion, Material
from govhall.catalog.permissions import is_catalog_manager
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.organizations.models import Department

FORMATS = ("xlsx", "csv", "json", "gbt39046")
INCLUDES = ("published", "latest")
MAX_REPORTED_PROBLEMS = 5000
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "json": "application/json",
    "gbt39046": "application/json",
}
EXTENSIONS = {"xlsx": "xlsx", "csv": "zip", "json": "json", "gbt39046": "json"}


class ImportInvalid(errors.ValidationError):
    """The file has errors; nothing was imported. ``fields["rows"]`` lists every problem as
    ``{"sheet", "row", "column", "message"}`` (row is null for a whole sheet)."""

    code = "import_invalid"

    def __init__(self, problems: list[RowError]) -> None:
        total = len(problems)
        message = _("导入文件有 %(n)d 处错误,未导入任何数据。请按错误清单修改后重新导入。") % {
            "n": total
        }
        if total > MAX_REPORTED_PROBLEMS:
            message += _("(仅列出前 %(max)d 处)") % {"max": MAX_REPORTED_PROBLEMS}
        super().__init__(message)
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        self.total = total
        # The project's error body keeps its shape; the row list sits under fields["rows"].
        self.fields = {"rows": [problem.as_dict() for problem in self.problems]}  # type: ignore[dict-item]


@dataclass
class ImportedRow:
    sheet: str
    row: int
    implementation_code: str
    name: str
    action: str  # created | updated | unchanged
    version: ItemVersion | None = None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    drafts: list[ItemVersion] = field(default_factory=list)
    rows: list[ImportedRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def can_import_catalog(actor: Any) -> bool:
    """Catalog managers import (rows are then checked per department)."""
    return is_catalog_manager(actor)


def require_importer(actor: Any) -> None:
    if not can_import_catalog(actor):
        raise errors.PermissionDenied()


# --- import -----------------------------------------------------------------------------------


def catalog_import(
    *,
    actor: Any,
    department_or_none: Department | None,
    file_bytes: bytes,
    filename: str,
    reason: str,
) -> ImportReport:
    """Import the lists from a file: all rows as drafts, or nothing (``ImportInvalid``)."""
    require_importer(actor)
    reason = (reason or "").strip()
    if not reason:
        message = _("请填写导入原因(将作为修订稿的变更原因)。")
        raise errors.ValidationError(message, fields={"reason": [message]})
    parsed = read_file(file_bytes, filename)
    plans, problems = validate(parsed, actor=actor, department=department_or_none)
    problems = sorted([*parsed.problems, *problems], key=problem_position)
    if problems:
        raise ImportInvalid(problems)
    if not plans:
        raise file_error(_("文件中没有事项数据。"))
    return _apply(
        actor=actor,
        plans=plans,
        reason=reason[:500],
        audit={
            "filename": filename,
            "sha256": hashlib.sha256(file_bytes).hexdigest(),
            "department": department_or_none.uscc if department_or_none else "",
            "reason": reason,
        },
    )


@transaction.atomic
def _apply(
    *, actor: Any, plans: list[ItemPlan], reason: str, audit: dict[str, Any]
) -> ImportReport:
    report = ImportReport()
    problems: list[RowError] = []
    for plan in plans:
        try:
            version = _apply_plan(actor=actor, plan=plan, reason=reason)
        except errors.ApplicationError as exc:
            problems.extend(_service_problems(plan, exc))
            continue
        except IntegrityError:
            message = _("与他人同时修改了该事项,请稍后重试。")
            problems.append(RowError(plan.row.sheet, plan.row.row, "实施编码", message))
            continue
        action = {"create": "created", "unchanged": "unchanged"}.get(plan.action, "updated")
        setattr(report, action, getattr(report, action) + 1)
        if version is not None:
            report.drafts.append(version)
        report.rows.append(
            ImportedRow(plan.row.sheet, plan.row.row, plan.code, plan.data["name"], action, version)
        )
    if problems:
        raise ImportInvalid(problems)  # rolls back everything written above
    audit_record(
        actor=actor,
        action="catalog.import",
        object_type="catalog.import",
        object_id=audit["sha256"][:16],
        after={**report.as_dict(), **audit},
        extra={"drafts": [v.item.implementation_code for v in report.drafts][:200]},
    )
    return report


def _service_problems(plan: ItemPlan, exc: errors.ApplicationError) -> list[RowError]:
    if not exc.fields:
        return [RowError(plan.row.sheet, plan.row.row, "", exc.message)]
    return [
        RowError(plan.row.sheet, plan.row.row, header_of(ITEMS, name), message)
        for name, messages in exc.fields.items()
        for message in messages
    ]


def _apply_plan(*, actor: Any, plan: ItemPlan, reason: str) -> ItemVersion | None:
    if plan.action == "unchanged":
        return None
    if plan.action == "create":
        return catalog_services.item_create(
            actor=actor,
            department=plan.department,
            basic_code=plan.basic_code,
            data=dict(plan.data),
            materials=plan.materials or [],
            responsibilities=plan.responsibilities or [],
        )
    assert plan.base is not None and plan.item is not None
    files = _material_files(plan.base)
    draft = plan.base
    if plan.action == "new_draft":
        draft = catalog_services.version_new_draft(actor=actor, item=plan.item, reason=reason)
    changed, materials_changed, responsibilities_changed = differences(
        draft, plan.data, plan.materials, plan.responsibilities
    )
    version = catalog_services.version_update(
        actor=actor,
        version=draft,
        data={name: plan.data[name] for name in changed},
        materials=plan.materials if materials_changed else None,
        responsibilities=plan.responsibilities if responsibilities_changed else None,
    )
    if materials_changed:
        _restore_material_files(version, files)
    return version


def _material_files(version: ItemVersion) -> dict[str, tuple[str, str]]:
    """Blank forms and samples by material name: files travel in no export format."""
    return {
        m.name: (m.blank_form.name, m.sample.name)
        for m in version.materials.all()
        if m.blank_form or m.sample
    }


def _restore_material_files(version: ItemVersion, files: dict[str, tuple[str, str]]) -> None:
    for material in version.materials.filter(name__in=list(files)):
        blank, sample = files[material.name]
        Material.objects.filter(pk=material.pk).update(blank_form=blank, sample=sample)


# --- export -----------------------------------------------------------------------------------


def _visible_items(*, actor: Any, department: Department | None, include: str) -> QuerySet[Item]:
    items = Item.objects.exclude(status=Item.Status.CANCELLED)
    if department is not None:
        items = items.filter(department=department)
    if include == "published":
        return items.filter(status=Item.Status.ACTIVE, published_version__isnull=False)
    # Drafts are seen only by who may edit them (the same rule as editing).
    if department is not None:
        permissions.require_catalog_editor(actor, department.pk)
        return items
    if actor is None or isinstance(actor, str) or account_permissions.is_system_admin(actor):
        return items
    if can_import_catalog(actor):
        return items.filter(department_id=actor.department_id)
    raise errors.PermissionDenied()


def export_versions(
    *, department: Department | None = None, include: str = "published", actor: Any = None
) -> list[ItemVersion]:
    """The versions an export holds, in implementation-code order."""
    if include not in INCLUDES:
        raise errors.ValidationError(_("导出范围应为 published 或 latest。"), code="invalid")
    items = _visible_items(actor=actor, department=department, include=include)
    if include == "published":
        ids = items.values("published_version_id")
    else:
        latest = ItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number")
        ids = items.annotate(latest=Subquery(latest.values("pk")[:1])).values("latest")
    return list(
        ItemVersion.objects.filter(pk__in=ids)
        .select_related("item__department")
        .prefetch_related("materials", "responsibilities")
        .order_by("item__implementation_code")
    )


def render_records(fmt: str, records: list[dict[str, Any]], *, example: bool = False) -> bytes:
    if fmt not in FORMATS:
        message = _("不支持的格式“%(fmt)s”,可选:%(formats)s。") % {
            "fmt": fmt,
            "formats": "、".join(FORMATS),
        }
        raise errors.ValidationError(message, fields={"format": [message]})
    if fmt == "xlsx":
        return write_xlsx(records, example=example)
    if fmt == "csv":
        return write_csv_zip(records)
    if fmt == "json":
        return write_json(records)
    return write_json([gbt39046_item(record) for record in records])


def catalog_export(
    *,
    fmt: str,
    department: Department | None = None,
    include: str = "published",
    actor: Any = None,
) -> bytes:
    """The catalog in ``fmt`` (xlsx | csv (a zip of three CSVs) | json | gbt39046).

    ``include="published"``: the published versions of items in force (public data);
    ``"latest"``: the newest version of every item, drafts included, for who may edit them.
    """
    if fmt not in FORMATS:
        return render_records(fmt, [])  # raises the format error
    versions = export_versions(department=department, include=include, actor=actor)
    return render_records(fmt, [version_record(version) for version in versions])


def export_filename(fmt: str, department: Department | None = None) -> str:
    stem = "catalog-gbt39046" if fmt == "gbt39046" else "catalog"
    if department is not None:
        stem += f"-{department.uscc}"
    return f"{stem}.{EXTENSIONS.get(fmt, 'bin')}"
