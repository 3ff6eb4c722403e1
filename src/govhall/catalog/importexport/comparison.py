"""Whether an import row changes an existing version: elements compared as stored, text as
trimmed (the import trims), materials and responsibility entries in order, without 序号."""

from __future__ import annotations

from typing import Any

from govhall.catalog.importexport import cells
from govhall.catalog.importexport.columns import (
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    MATERIALS,
    RESPONSIBILITIES,
    RESPONSIBILITY_COLUMNS,
    Column,
)
from govhall.catalog.models import ItemVersion
from govhall.catalog.services import MATERIAL_FIELDS, RESPONSIBILITY_FIELDS, VERSION_FIELDS

CHILD_COLUMNS = {MATERIALS: MATERIAL_COLUMNS, RESPONSIBILITIES: RESPONSIBILITY_COLUMNS}
CHILD_FIELDS = {
    MATERIALS: [f for f in MATERIAL_FIELDS if f != "order"],
    RESPONSIBILITIES: [f for f in RESPONSIBILITY_FIELDS if f != "order"],
}


def _comparable(columns: tuple[Column, ...], name: str, value: Any) -> Any:
    column = next((c for c in columns if c.field == name), None)
    if column is None:
        return value
    if column.kind == "text":
        return cells.clean_text(value)
    if column.kind in {"codes", "words"} or (column.kind == "json" and name == "common_errors"):
        return [cells.clean_text(v) for v in value or []]
    if column.kind == "json":
        return value or []
    return value


def _version_value(version: ItemVersion, name: str) -> Any:
    return version.region_id if name == "region" else getattr(version, name)


def _child_rows(version: ItemVersion, sheet: str) -> list[dict[str, Any]]:
    """The version's materials or responsibility entries in order (prefetched when loaded by
    ``_Lookups``; the models order by ``order``, ``id``)."""
    related = version.materials if sheet == MATERIALS else version.responsibilities
    return [{name: getattr(row, name) for name in CHILD_FIELDS[sheet]} for row in related.all()]


def _same_children(sheet: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> bool:
    columns = CHILD_COLUMNS[sheet]
    if len(old) != len(new):
        return False
    return all(
        _comparable(columns, name, a.get(name)) == _comparable(columns, name, b.get(name))
        for a, b in zip(old, new, strict=True)
        for name in CHILD_FIELDS[sheet]
    )


def differences(
    version: ItemVersion,
    data: dict[str, Any],
    materials: list[dict[str, Any]] | None,
    responsibilities: list[dict[str, Any]] | None,
) -> tuple[list[str], bool, bool]:
    """The elements of ``version`` that ``data`` changes, and whether the materials and the
    responsibility entries change (never when the file does not carry them: None)."""
    changed = [
        name
        for name in VERSION_FIELDS
        if _comparable(ITEM_COLUMNS, name, _version_value(version, name))
        != _comparable(ITEM_COLUMNS, name, data[name])
    ]
    materials_changed = materials is not None and not _same_children(
        MATERIALS, _child_rows(version, MATERIALS), materials
    )
    responsibilities_changed = responsibilities is not None and not _same_children(
        RESPONSIBILITIES, _child_rows(version, RESPONSIBILITIES), responsibilities
    )
    return changed, materials_changed, responsibilities_changed
