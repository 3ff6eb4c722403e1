"""National code tables (REFERENCE.md) as data with their source, and boundary mappings.

The tables live in ``core/data/code_tables.json``; each has a name, its source (standard or
document) and its codes. Code elsewhere uses :func:`code_table` and never repeats the labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from govhall.core import errors

_DATA = Path(__file__).parent / "data" / "code_tables.json"


@dataclass(frozen=True)
class CodeTable:
    key: str
    name: str
    source: str
    codes: dict[str, str]
    note: str = ""

    def label(self, code: str) -> str:
        """The label of ``code``; ValidationError for a code not in the table."""
        try:
            return self.codes[str(code)]
        except KeyError as exc:
            message = _("“%(code)s”不是%(table)s的有效代码。") % {"code": code, "table": self.name}
            raise errors.ValidationError(message, code="invalid_code") from exc

    def choices(self) -> list[tuple[str, str]]:
        return list(self.codes.items())

    def __contains__(self, code: object) -> bool:
        return str(code) in self.codes


@cache
def _tables() -> dict[str, CodeTable]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return {
        key: CodeTable(
            key=key,
            name=value["name"],
            source=value["source"],
            codes=dict(value["codes"]),
            note=value.get("note", ""),
        )
        for key, value in raw.items()
    }


def code_table(key: str) -> CodeTable:
    try:
        return _tables()[key]
    except KeyError as exc:
        raise errors.NotFound(_("没有名为“%(key)s”的代码表。") % {"key": key}) from exc


def code_tables() -> list[CodeTable]:
    return list(_tables().values())


class Satisfaction(IntEnum):
    """The one internal satisfaction scale: higher is better. Map at the boundaries."""

    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    BASIC = 3
    SATISFIED = 4
    VERY_SATISFIED = 5

    @property
    def is_bad(self) -> bool:
        """A bad review (差评) that must be called back and rectified."""
        return self <= Satisfaction.DISSATISFIED


def satisfaction_from_gbt39046(code: int | str) -> Satisfaction:
    """GB/T 39046: 1 = 非常满意 … 5 = 非常不满意."""
    value = int(code)
    if not 1 <= value <= 5:
        raise errors.ValidationError(_("满意度代码应为1至5。"), code="invalid_code")
    return Satisfaction(6 - value)


def satisfaction_to_gbt39046(value: Satisfaction) -> str:
    return str(6 - int(value))


def satisfaction_from_evaluation(code: int | str) -> Satisfaction:
    """The 好差评 interfaces: 1 = 非常不满意 … 5 = 非常满意 (same order as ours)."""
    value = int(code)
    if not 1 <= value <= 5:
        raise errors.ValidationError(_("满意度代码应为1至5。"), code="invalid_code")
    return Satisfaction(value)


def satisfaction_to_evaluation(value: Satisfaction) -> str:
    return str(int(value))
