"""Submission: one application becomes exactly one case, with a city-wide unique number.

``application_submit`` locks the application row; a second submission (a retry, a double click,
the same ``Idempotency-Key`` again, or a concurrent request) finds it submitted and answers the case
the first one created. The case number is the handling department's 12-digit region code, the date
and a 6-digit daily serial (``CaseSequence``, incremented under the row lock), with a 6-digit query
password for the public progress query.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.engine import step_open
from govhall.cases.hooks import run_submission_checks
from govhall.cases.models import Application, Case, CaseEvent, CaseSequence
from govhall.cases.notices import notice_issue
from govhall.cases.notify import notify_case
from govhall.cases.routing import (
    residence_from_form,
    residence_from_registry,
    routes_by_residence,
    step_route,
)
from govhall.cases.services_apply import application_check, form_definition
from govhall.cases.workflow import process_of
from govhall.catalog.models import Item
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.calendar import add_working_days

CORRECTION_WINDOW_DAYS = 5
# Guide elements submission does not read (large JSON and text): not loaded.
HEAVY_VERSION_FIELDS = (
    "search_text",
    "legal_basis",
    "conditions",
    "faq",
    "common_errors",
    "intermediary_services",
    "special_procedures",
)  # 行政许可法第三十二条: 五日内一次告知


def case_number_next(*, region_code: str, day: Any) -> str:
    """The next case number: region code (12) + YYYYMMDD + serial (6).

    PostgreSQL draws the serial from a sequence (``nextval`` takes no lock that lasts until
    commit, so concurrent submissions do not queue behind each other; a rolled-back submission
    leaves a gap, and the serial does not restart each day: the date and the unique index keep
    numbers apart). SQLite counts per region and day in ``CaseSequence`` under its one writer.
    """
    prefix = f"{region_code.ljust(12, '0')[:12]}{day:%Y%m%d}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('cases_case_serial')")
            return f"{prefix}{cursor.fetchone()[0] % 1_000_000:06d}"
    counter = CaseSequence.objects.filter(prefix=prefix)
    if not counter.update(value=F("value") + 1):
        try:
            with transaction.atomic():
                CaseSequence.objects.create(prefix=prefix, value=1)
        except IntegrityError:
            counter.update(value=F("value") + 1)
    value = counter.values_list("value", flat=True).get()
    if value > 999_999:
        raise errors.Conflict(_("当日办件编号已用完。"), code="case_numbers_exhausted")
    return f"{prefix}{value:06d}"


def _delivery(cleaned: dict[str, Any]) -> tuple[str, str]:
    block = cleaned.get("delivery") or {}
    method = block.get("method") if isinstance(block, dict) else None
    address = (block.get("address") or "") if isinstance(block, dict) else ""
    return ("express", str(address)[:300]) if method == "express" else ("pickup", "")


def _require_submittable(actor: Any, application: Application) -> None:
    if actor.pk not in {application.applicant_id, application.created_by_id}:
        raise errors.NotFound(_("申请不存在。"), code="application_not_found")
    if application.state == Application.State.PREREVIEW:
        raise errors.Conflict(_("申请正在预审,请等待预审结果。"), code="in_prereview")
    version = application.version
    if version.prereview and application.prereview_passed_at is None:
        raise errors.Conflict(_("该事项须先通过网上预审。"), code="prereview_required")
    if application.item.status != Item.Status.ACTIVE:
        raise errors.Conflict(_("该事项已取消,不能再申报。"), code="item_cancelled")


def _residence_from_registry(case: Case, process: Any) -> None:
    """A process that routes steps to the applicant's community or street needs the residence:
    when the form gave none, the population registry is asked (for this case, logged)."""
    if case.residence_code or not routes_by_residence(process):
        return
    code = residence_from_registry(
        subject_key=case.applicant_key, purpose=case.number, title=_("办件属地分派")
    )
    if code:
        case.residence_code = code
        Case.objects.filter(pk=case.pk).update(residence_code=code)


@transaction.atomic
def application_submit(*, actor: Any, application: Application) -> Case:
    """Submit: validate everything, create the case, open the acceptance step."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("version", "item__department", "applicant")
        .defer(*(f"version__{name}" for name in HEAVY_VERSION_FIELDS))
        .filter(pk=application.pk)
        .first()
    )
    if application is None:
        raise errors.NotFound(_("申请不存在。"), code="application_not_found")
    if application.state == Application.State.SUBMITTED:
        if actor.pk not in {application.applicant_id, application.created_by_id}:
            raise errors.NotFound(_("申请不存在。"), code="application_not_found")
        return application.case
    _require_submittable(actor, application)
    cleaned = application_check(application)
    run_submission_checks(application, actor=actor, cleaned=cleaned)
    version, department, applicant = (
        application.version,
        application.item.department,
        application.applicant,
    )
    now = timezone.now()
    today = timezone.localdate()
    method, address = _delivery(cleaned)
    process = process_of(version)
    case = Case.objects.create(
        number=case_number_next(region_code=department.region_id, day=today),
        query_password=f"{secrets.randbelow(10**6):06d}",
        application=application,
        item=application.item,
        version=version,
        item_name=version.name,
        department=department,
        region_code=department.region_id,
        applicant=applicant,
        applicant_name=applicant.name,
        applicant_key=applicant.id_number or applicant.uscc or "",
        agent=actor if actor.pk != applicant.pk else None,
        channel=application.channel,
        instant=version.case_type == "1",
        received_at=now,
        correction_due=add_working_days(today, CORRECTION_WINDOW_DAYS),
        promised_days=version.promised_limit_days,
        statutory_days=version.statutory_limit_days,
        delivery_method=method,
        delivery_address=address,
        step=process.first.code,
        residence_code=residence_from_form(form_definition(version), cleaned),
    )
    application.state = Application.State.SUBMITTED
    application.form = cleaned
    application.submitted_at = now
    application.save(update_fields=["state", "form", "submitted_at", "updated_at"])
    _residence_from_registry(case, process)
    route = step_route(case, process.first)
    step_open(case, process.first, today=today, route=route)
    CaseEvent.objects.create(
        case=case,
        seq=case.revision,
        at=now,
        action="submit",
        actor=actor,
        actor_name=actor.name,
        step=process.first.code,
        step_name=process.first.name,
        status_after=case.status,
        data=route.data,
    )
    notice_issue(case, kind="receipt")
    notify_case(case, "submitted", dedupe=False)  # the application lock makes it once
    # Last: the audit chain is locked from here to the commit.
    audit_record(
        actor=actor,
        action="cases.application_submit",
        obj=case,
        after={"number": case.number, "application": application.pk},
    )
    return case
