"""What a resource's files hold: the targets of a load and how a file's header maps to them.

Columns of a file: ``subject_key`` (the subject's ID number, USCC or license identifier, by
``Resource.subject_kind``), one column per ``ResourceField.name``, and optionally ``valid_from``
and ``valid_to`` (ISO dates). A header may also use the Chinese labels: the field's ``label``,
主体标识 (or the subject kind's name, e.g. 公民身份号码) and 有效期起 / 有效期止. Names match
without regard to case; a trailing ``*`` (a template's "required" mark) is ignored, and so are
columns whose header is empty.

A header with unknown columns, a column given twice, or without a required column (the subject
key, the required fields and the resource's record-key field) refuses the whole load before any
row is read, naming the columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.exchange.ingest import values as V
from govhall.exchange.models import Resource, ResourceField

SUBJECT_KEY = "subject_key"
VALID_FROM = "valid_from"
VALID_TO = "valid_to"
SUBJECT_KEY_MAX = 40  # Record.subject_key
RECORD_KEY_MAX = 64  # Record.record_key
GROUP_KEY_MAX = 40  # Record.group_key

_SUBJECT_TYPES = {
    Resource.SubjectKind.ID_NUMBER: V.ID_NUMBER,
    Resource.SubjectKind.USCC: V.USCC,
    Resource.SubjectKind.LICENSE: V.TEXT,
}


@dataclass(frozen=True)
class Target:
    """One destination of a column: the subject key, a field, or a validity date."""

    name: str
    label: str
    type: str
    required: bool = False
    max_length: int | None = None
    key_max: int | None = None  # record key / group key: the stored text's limit
    is_key: bool = False  # subject key or record key: checked before duplicates


@dataclass(frozen=True)
class Schema:
    """The targets of a resource in check order: keys first, then fields, then validity."""

    targets: tuple[Target, ...]
    field_names: tuple[str, ...]  # the keys of ``data``, in position order
    record_key_field: str
    group_field: str

    def index(self, name: str) -> int:
        return next(i for i, target in enumerate(self.targets) if target.name == name)

    def target(self, name: str) -> Target:
        return self.targets[self.index(name)]


def _field_target(field: ResourceField, resource: Resource) -> Target:
    is_record_key = field.name == resource.record_key_field
    key_max = None
    if field.type == V.TEXT and is_record_key:
        key_max = RECORD_KEY_MAX
    elif field.type == V.TEXT and field.name == resource.group_field:
        key_max = GROUP_KEY_MAX
    return Target(
        name=field.name,
        label=field.label,
        type=field.type,
        required=field.required or is_record_key,
        max_length=field.max_length,
        key_max=key_max,
        is_key=is_record_key,
    )


def schema_for(resource: Resource) -> Schema:
    fields = list(resource.fields.order_by("position", "id"))
    subject = Target(
        name=SUBJECT_KEY,
        label=_("主体标识"),
        type=_SUBJECT_TYPES[resource.subject_kind],
        required=True,
        key_max=SUBJECT_KEY_MAX if resource.subject_kind == Resource.SubjectKind.LICENSE else None,
        is_key=True,
    )
    field_targets = [_field_target(field, resource) for field in fields]
    keys = [target for target in field_targets if target.is_key]
    others = [target for target in field_targets if not target.is_key]
    validity = [
        Target(name=VALID_FROM, label=_("有效期起"), type=V.DATE),
        Target(name=VALID_TO, label=_("有效期止"), type=V.DATE),
    ]
    return Schema(
        targets=(subject, *keys, *others, *validity),
        field_names=tuple(field.name for field in fields),
        record_key_field=resource.record_key_field,
        group_field=resource.group_field,
    )


@dataclass(frozen=True)
class ColumnPlan:
    """Which target each column of the file fills (``None``: an ignored, unnamed column)."""

    columns: tuple[int | None, ...]  # per file column: index into schema.targets

    def column_of(self, target_index: int) -> int | None:
        for position, index in enumerate(self.columns):
            if index == target_index:
                return position
        return None


def _header_names(resource: Resource, schema: Schema) -> dict[str, int]:
    """Every accepted header (folded) → target index; field names win over labels."""
    names: dict[str, int] = {}
    subject = schema.index(SUBJECT_KEY)
    for alias in (str(resource.get_subject_kind_display()), "主体标识"):
        names[_fold(alias)] = subject
    names[_fold(_("有效期起"))] = schema.index(VALID_FROM)
    names[_fold(_("有效期止"))] = schema.index(VALID_TO)
    for index, target in enumerate(schema.targets):
        names[_fold(target.label)] = index
    for index, target in enumerate(schema.targets):
        names[_fold(target.name)] = index
    return names


def _fold(header: str) -> str:
    return header.replace("\ufeff", "").strip().rstrip("*＊").strip().lower()


def plan_columns(resource: Resource, schema: Schema, header: list[str]) -> ColumnPlan:
    """Map a header to targets, or refuse the load naming every wrong or missing column."""
    names = _header_names(resource, schema)
    columns: list[int | None] = []
    unknown: list[str] = []
    twice: list[str] = []
    seen: set[int] = set()
    for raw in header:
        folded = _fold(raw or "")
        if not folded:
            columns.append(None)
            continue
        index = names.get(folded)
        if index is None:
            unknown.append(raw.strip())
        elif index in seen:
            twice.append(raw.strip())
            index = None
        else:
            seen.add(index)
        columns.append(index)
    missing = [
        f"{target.name}({target.label})"
        for index, target in enumerate(schema.targets)
        if target.required and index not in seen
    ]
    if unknown or twice or missing:
        raise _column_error(unknown, twice, missing)
    return ColumnPlan(columns=tuple(columns))


def _quoted(names: list[str]) -> str:
    return "、".join(f"“{name}”" for name in names)


def _column_error(
    unknown: list[str], twice: list[str], missing: list[str]
) -> errors.ValidationError:
    problems = []
    if unknown:
        problems.append(_("未知的列:%(names)s") % {"names": _quoted(unknown)})
    if twice:
        problems.append(_("重复的列:%(names)s") % {"names": _quoted(twice)})
    if missing:
        problems.append(_("缺少必需的列:%(names)s") % {"names": _quoted(missing)})
    message = _("文件的列与资源的信息项不符,整个文件未入库。") + ";".join(problems) + "。"
    return errors.ValidationError(message, code="invalid_columns", fields={"columns": problems})
