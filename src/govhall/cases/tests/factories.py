"""Cases test data built through the services: published online items, drafts with every
material uploaded, submitted and accepted cases."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from govhall.cases import services_actions, services_apply, services_submit
from govhall.cases.models import Application, Case
from govhall.catalog.models import ItemVersion
from govhall.catalog.tests.factories import published_item
from govhall.organizations.models import Department

FORM = {
    "applicant": {"phone": "13800000000", "address": "亳州市谯城区魏武大道1号"},
    "request": {"description": "申请公共租赁住房保障资格"},
    "delivery": {"method": "pickup"},
}


def pdf_file(name: str = "承诺书.pdf", pages: int = 1) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    for page in range(pages):
        sheet.drawString(72, 720, f"commitment page {page + 1}")
        sheet.showPage()
    sheet.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def online_item(department: Department, **overrides: Any) -> ItemVersion:
    """A published, fully online item (its process derived from the guide unless given)."""
    return published_item(department, **overrides)


def application_draft(actor: Any, version: ItemVersion, **kwargs: Any) -> Application:
    return services_apply.application_create(
        actor=actor, item_code=version.item.implementation_code, **kwargs
    )


def application_complete(
    actor: Any, application: Application, form: dict | None = None
) -> Application:
    """Fill the form and upload a PDF for every material still missing."""
    merged = {
        section: {**application.form.get(section, {}), **values}
        for section, values in (form or FORM).items()
    }
    merged = {**application.form, **merged}
    application = services_apply.application_update(
        actor=actor, application=application, form=merged
    )
    for state in services_apply.material_states(application):
        if state.missing:
            services_apply.upload_add(
                actor=actor, application=application, material_id=state.material.pk, file=pdf_file()
            )
    return Application.objects.get(pk=application.pk)


def case_submitted(actor: Any, version: ItemVersion, **kwargs: Any) -> Case:
    application = application_complete(actor, application_draft(actor, version, **kwargs))
    return services_submit.application_submit(actor=actor, application=application)


def case_accepted(actor: Any, clerk: Any, version: ItemVersion) -> Case:
    case = case_submitted(actor, version)
    return services_actions.case_accept(actor=clerk, case=case)


def single_household_rule_off(settings: Any) -> None:
    """For tests that submit several cases of one applicant on the test item, which carries the
    公租房 item's name: the housing rule (one open application per household) would refuse them."""
    settings.GOVHALL_HOUSING_ONE_APPLICATION = False


def task_open(case: Case, department: Any, *, kind: str, lead: bool, post: str = "review") -> Any:
    """An open task of ``department`` on ``case``: a step of the case's own procedure
    (``lead=True``, 街道审核) or a countersign participant's (``lead=False``, 并联审批)."""
    from django.utils import timezone

    from govhall.cases.models import Task

    return Task.objects.create(
        case=case,
        step="street" if lead else "joint",
        step_name="街道审核" if lead else "并联审批",
        kind=kind,
        department=department,
        post_id=post,
        lead=lead,
        opened_at=timezone.now(),
        due_date=timezone.localdate(),
        days=2,
    )
