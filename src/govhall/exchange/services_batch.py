"""Batch verification (批量核验): many subjects against chosen resources and checks, in one request
carrying one purpose, answered by set-based SQL (one ``GROUP BY`` per 10,000 keys).

A check is ``{"id", "resource", "aggregate", "field", "op", "value"}``: an aggregate of a resource's
records per subject (``count``; ``sum``/``max``/``min`` of a field) compared with a value;
``exists`` / ``absent`` are ``count > 0`` / ``count = 0``. Every subject also gets the number of its
records in each chosen resource. Results are kept as a CSV file (downloadable as CSV or Excel) and
returned in the response.
"""

from __future__ import annotations

import csv
import io
import operator
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.identifiers import id_number_quick
from govhall.exchange.access import ResourceView
from govhall.exchange.access_log import AccessContext, access_log_append
from govhall.exchange.models import AccessLogEntry, ResourceField, VerificationBatch
from govhall.exchange.selectors_registry import Measure, cohort_measures
from govhall.exchange.services_query import _refuse, authorize, normalize_subject_key

Kind = AccessLogEntry.Kind
NUMERIC = {ResourceField.Type.INTEGER, ResourceField.Type.DECIMAL}
OPERATORS = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}
AGGREGATES = {"exists", "absent", "count", "sum", "max", "min"}
MAX_CHECKS = 20


class BatchTooLarge(errors.ApplicationError):
    status = 413
    code = "batch_too_large"


def batch_limit() -> int:
    return int(getattr(settings, "GOVHALL_EXCHANGE_BATCH_MAX", 50_000))


def batch_size_check(count: int) -> None:
    if count > batch_limit():
        raise BatchTooLarge(
            _("一次最多核验 %(limit)s 个对象,本次提交了 %(n)s 个,请分批提交。")
            % {"limit": f"{batch_limit():,}", "n": f"{count:,}"}
        )


@dataclass(frozen=True)
class Check:
    id: str
    resource: str
    aggregate: str
    field: str = ""
    op: str = ""
    value: Any = None

    @property
    def label(self) -> str:
        return self.id


@dataclass
class BatchResult:
    batch: VerificationBatch
    resources: list[ResourceView]
    checks: list[Check]
    results: list[dict[str, Any]]


def _subjects(raw: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """Distinct valid keys in order, and a result row for every invalid one."""
    keys: list[str] = []
    seen: set[str] = set()
    invalid: list[dict[str, Any]] = []
    for value in raw:
        quick = id_number_quick(str(value))
        if quick is not None:
            if quick not in seen:
                seen.add(quick)
                keys.append(quick)
            continue
        try:
            key = normalize_subject_key(str(value))
        except errors.ValidationError as error:
            invalid.append(
                {
                    "subject_key": str(value)[:40],
                    "status": "invalid",
                    "reason": error.fields.get("subject", [error.message])[0],
                }
            )
            continue
        if key not in seen:
            seen.add(key)
            keys.append(key)
    return keys, invalid


def _parse_checks(raw: list[dict[str, Any]]) -> list[Check]:
    if len(raw) > MAX_CHECKS:
        raise errors.ValidationError(
            _("核验规则最多 %(n)d 条。") % {"n": MAX_CHECKS}, code="too_many_checks"
        )
    checks = []
    for index, spec in enumerate(raw):
        aggregate = str(spec.get("aggregate") or "exists")
        op = str(spec.get("op") or "")
        problem = ""
        if aggregate not in AGGREGATES:
            problem = _("不支持的汇总方式 %(value)s。") % {"value": aggregate}
        elif aggregate in {"sum", "max", "min"} and not spec.get("field"):
            problem = _("求和、最大、最小需要指定信息项。")
        elif aggregate not in {"exists", "absent"} and op not in OPERATORS:
            problem = _("比较方式应为 lt、lte、gt、gte、eq、ne 之一。")
        elif aggregate not in {"exists", "absent"} and spec.get("value") in (None, ""):
            problem = _("请给出比较的值。")
        if problem:
            raise errors.ValidationError(
                problem, code="invalid_check", fields={f"checks[{index}]": [problem]}
            )
        checks.append(
            Check(
                id=str(spec.get("id") or f"check{index + 1}")[:40],
                resource=str(spec.get("resource") or ""),
                aggregate=aggregate,
                field=str(spec.get("field") or "") if aggregate in {"sum", "max", "min"} else "",
                op=op,
                value=spec.get("value"),
            )
        )
    return checks


def _measures(
    context: AccessContext, views: list[ResourceView], checks: list[Check], keys, reference
) -> tuple[list[Measure], dict[str, Any]]:
    by_code = {view.code: view for view in views}
    measures = [Measure(f"n{i}", view.id, "count") for i, view in enumerate(views)]
    values: dict[str, Any] = {}
    for i, check in enumerate(checks):
        view = by_code[check.resource]
        if check.field and check.field not in view.labels:
            message = _("“%(resource)s”没有信息项 %(field)s。") % {
                "resource": view.name,
                "field": check.field,
            }
            raise errors.ValidationError(message, code="invalid_check")
        if check.field and check.field not in view.allowed:
            raise _refuse(
                context,
                kind=Kind.BATCH,
                reason=_("本部门无权读取“%(resource)s”的信息项 %(field)s。")
                % {"resource": view.name, "field": check.field},
                keys=keys,
                purpose=reference,
                codes=[view.code],
            )
        numeric = view.types.get(check.field) in NUMERIC
        if check.aggregate in {"sum"} and not numeric:
            raise errors.ValidationError(_("只能对数值型信息项求和。"), code="invalid_check")
        value = check.value
        if numeric or check.aggregate in {"count"}:
            try:
                value = float(value) if value is not None else None
            except (TypeError, ValueError):
                raise errors.ValidationError(
                    _("核验规则 %(id)s 的比较值应为数字。") % {"id": check.id}, code="invalid_check"
                ) from None
        values[check.id] = value
        aggregate = "count" if check.aggregate in {"exists", "absent", "count"} else check.aggregate
        measures.append(Measure(f"c{i}", view.id, aggregate, check.field, numeric))
    return measures, values


def _evaluate(check: Check, measured: Any, value: Any) -> bool:
    if check.aggregate == "exists":
        return bool(measured)
    if check.aggregate == "absent":
        return not measured
    if measured is None:
        measured = 0 if check.aggregate in {"count", "sum"} else None
    if measured is None:
        return False
    if isinstance(value, float):
        measured = float(measured)
    else:
        measured, value = str(measured), str(value)
    return OPERATORS[check.op](measured, value)


def verifications_run(
    *,
    context: AccessContext,
    purpose_reference: str | None,
    subjects: list[str],
    resource_codes: list[str],
    checks: list[dict[str, Any]],
) -> BatchResult:
    started = time.perf_counter()
    try:
        batch_size_check(len(subjects))
    except BatchTooLarge as refused:
        # Logged like any refusal; the subjects themselves are not recorded (they were not read).
        _refuse(
            context,
            kind=Kind.BATCH,
            reason=refused.message,
            keys=[],
            purpose=purpose_reference or "",
        )
        raise
    if not subjects:
        raise errors.ValidationError(_("请提供要核验的对象。"), code="no_subjects")
    parsed = _parse_checks(checks)
    codes = list(dict.fromkeys([*resource_codes, *(c.resource for c in parsed)]))
    if not codes:
        raise errors.ValidationError(_("请至少选择一个信息资源。"), code="no_resources")
    keys, invalid = _subjects(subjects)
    on = timezone.localdate()
    purpose, readable, withheld = authorize(
        context,
        kind=Kind.BATCH,
        purpose_reference=purpose_reference,
        subject_keys=keys,
        codes=codes,
        on=on,
    )
    if withheld:
        raise _refuse(
            context,
            kind=Kind.BATCH,
            reason=_("本部门没有这些信息资源的有效共享授权:%(names)s。")
            % {"names": "、".join(view.name for view in withheld)},
            keys=keys,
            purpose=purpose.reference,
            codes=codes,
        )
    measures, values = _measures(context, readable, parsed, keys, purpose.reference)
    found = cohort_measures(subject_keys=keys, measures=measures, on=on)
    results = _results(keys, invalid, readable, parsed, values, found)
    fields = {
        view.code: [c.field for c in parsed if c.resource == view.code and c.field]
        for view in readable
    }
    with transaction.atomic():
        entry = access_log_append(
            context=context,
            kind=Kind.BATCH,
            outcome=AccessLogEntry.Outcome.GRANTED,
            subject_keys=keys,
            resources=[view.code for view in readable],
            fields=fields,
            purpose_reference=purpose.reference,
            purpose_title=purpose.title,
        )
        batch = _store(context, purpose.reference, readable, parsed, results, entry, started)
    return BatchResult(batch, readable, parsed, results)


def _results(keys, invalid, views, checks, values, found) -> list[dict[str, Any]]:
    results = []
    for key in keys:
        row = found.get(key, {})
        counts = {view.code: row.get(f"n{i}", 0) or 0 for i, view in enumerate(views)}
        outcome = {}
        for i, check in enumerate(checks):
            measured = row.get(f"c{i}")
            outcome[check.id] = {
                "value": measured,
                "passed": _evaluate(check, measured, values[check.id]),
            }
        if not any(counts.values()):
            status = "not_found"
        elif all(item["passed"] for item in outcome.values()):
            status = "passed"
        else:
            status = "failed"
        results.append({"subject_key": key, "status": status, "found": counts, "checks": outcome})
    return results + invalid


def results_csv(views: list[ResourceView] | list[str], checks: list[Check], results) -> str:
    codes = [view if isinstance(view, str) else view.code for view in views]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "subject_key",
            "status",
            "reason",
            *(f"found:{c}" for c in codes),
            *(h for c in checks for h in (f"{c.id}:value", f"{c.id}:passed")),
        ]
    )
    for row in results:
        found = row.get("found", {})
        outcome = row.get("checks", {})
        writer.writerow(
            [
                row["subject_key"],
                row["status"],
                row.get("reason", ""),
                *(found.get(code, "") for code in codes),
                *(
                    v
                    for c in checks
                    for v in (
                        ""
                        if c.id not in outcome or outcome[c.id]["value"] is None
                        else outcome[c.id]["value"],
                        "" if c.id not in outcome else int(outcome[c.id]["passed"]),
                    )
                ),
            ]
        )
    return buffer.getvalue()


def _store(context, reference, views, checks, results, entry, started) -> VerificationBatch:
    counts = {"passed": 0, "failed": 0, "not_found": 0, "invalid": 0}
    for row in results:
        counts[row["status"]] += 1
    batch = VerificationBatch(
        department_id=context.department_id,
        requested_by=context.actor,
        purpose_reference=reference,
        resources=[view.code for view in views],
        checks=[check.__dict__ for check in checks],
        subject_count=len(results),
        passed_count=counts["passed"],
        failed_count=counts["failed"],
        not_found_count=counts["not_found"],
        access_entry=entry,
    )
    content = results_csv(views, checks, results)
    batch.results_file.save(
        f"{timezone.now():%Y%m%d%H%M%S}-{entry.seq}.csv",
        ContentFile(content.encode("utf-8-sig")),
        save=False,
    )
    batch.seconds = round(time.perf_counter() - started, 3)
    batch.save()
    audit_record(
        actor=context.actor,
        action="exchange.batch_verified",
        obj=batch,
        extra={"subjects": batch.subject_count, "resources": batch.resources, "purpose": reference},
    )
    return batch
