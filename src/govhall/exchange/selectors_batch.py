"""Batch verifications, visible to the department that ran them (and nobody else)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.exchange import permissions
from govhall.exchange.models import VerificationBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def batch_list(*, actor: Any) -> QuerySet[VerificationBatch]:
    if not permissions.can_query_registries(actor):
        return VerificationBatch.objects.none()
    return VerificationBatch.objects.filter(department_id=actor.department_id).order_by(
        "-created_at", "-id"
    )


def batch_get(*, actor: Any, batch_id: int) -> VerificationBatch:
    batch = batch_list(actor=actor).filter(pk=batch_id).first()
    if batch is None:
        raise errors.NotFound(_("未找到该批量核验记录。"))
    return batch


def batch_results_file(*, batch: VerificationBatch, fmt: str) -> tuple[bytes, str]:
    """The stored CSV, or the same rows as an Excel workbook (streamed row by row)."""
    with batch.results_file.open("rb") as handle:
        content = handle.read()
    if fmt == "csv":
        return content, "text/csv; charset=utf-8"
    if fmt != "xlsx":
        raise errors.NotFound(_("不支持的下载格式。"))
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("核验结果"))
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue(), XLSX
