"""What a load reports: its counts and its rejected rows, with their reasons.

A rejection is stored as ``{"line", "field", "value", "reason", "code"}``. The first
``STORED_REJECTIONS`` (by line) go into ``Load.rejections``; when there are more, all of them are
written as a CSV file (UTF-8 with BOM, so that Excel opens it) kept in ``Load.rejections_file``.
Problems travel between the validators and this module as ``"<target index>:<code>"`` (and
``":<other line>"`` for a duplicate), the form the SQL validation produces too.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govhall.exchange.ingest import values as V
from govhall.exchange.ingest.columns import Schema

STORED_REJECTIONS = 1000
VALUE_MAX_CHARS = 200


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    value: str
    code: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
            "code": self.code,
        }


def rejection(schema: Schema, line: int, problem: str, raw: str | None) -> Rejection:
    """Build a rejection from ``"<index>:<code>[:<other line>]"`` and the raw cell."""
    index, code, *extra = problem.split(":")
    target = schema.targets[int(index)]
    limit = target.key_max if code == V.KEY_TOO_LONG else target.max_length
    other = int(extra[0]) if extra else None
    return Rejection(
        line=line,
        field=target.name,
        value=(raw or "")[:VALUE_MAX_CHARS],
        code=code,
        reason=V.reason(code, max_length=limit, other_line=other),
    )


@dataclass
class Outcome:
    """The result of validating (and, unless refused, merging) one load."""

    total: int = 0
    rejected: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: bool = False
    stored: list[dict[str, Any]] = field(default_factory=list)
    rejections_csv: Any = None  # a temporary file with every rejection, when there are many
    method: str = ""

    @property
    def valid(self) -> int:
        return self.total - self.rejected


class RejectionsCsv:
    """Every rejection of a load, written to a temporary file as they are read."""

    HEADER = ("line", "field", "value", "reason")

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the storage, then closed)
        self.text = io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.text)
        self.writer.writerow([_("行号"), _("列"), _("值"), _("原因")])

    def write(self, rejections: Iterable[Rejection]) -> None:
        self.writer.writerows(
            (item.line, item.field, _csv_safe(item.value), item.reason) for item in rejections
        )

    def finish(self) -> Any:
        self.text.flush()
        self.text.detach()
        self.file.seek(0)
        return self.file


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula is written with a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def rejections_csv_bytes(rejections: list[dict[str, Any]]) -> bytes:
    """The CSV of stored rejections (when no file was kept, they are all there)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("行号"), _("列"), _("值"), _("原因")])
    for item in rejections:
        writer.writerow([item["line"], item["field"], _csv_safe(item["value"]), item["reason"]])
    return out.getvalue().encode("utf-8-sig")
