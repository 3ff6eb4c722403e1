"""The eligibility explanation in a case's one-click verification (一键核查): for a case whose
item a rule set judges (the rule file's ``items``, by item name or implementation code), the
applicant's household is explained under the case number as purpose, with the parameters in
force on the day the case was received (a case keeps its application date's parameters).

Registered with :func:`govhall.cases.hooks.register_verification_extension` by
:class:`~govhall.analytics.apps.AnalyticsConfig`; the cases app renders the section. The read is
the exchange's: the actor's department must handle the case (a task of it); a step of the case's
own procedure (community, street) reads under the case department's grants, a countersign
participant under its own; a refusal is shown in the section, not as the page's error.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.analytics.rules import rule_set_for_item
from govhall.analytics.services_eligibility import eligibility_explain
from govhall.cases.hooks import VerificationSection
from govhall.core import errors
from govhall.core.identifiers import mask_id_number
from govhall.exchange.models import AccessLogEntry

TEMPLATE = "analytics/eligibility_section.html"


def display(value: Any) -> str:
    """A value or threshold as the explanation shows it (booleans read 是 / 否)."""
    if value is None:
        return _("无数据")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


def explanation_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per condition: label, status, clauses with display values, source records with
    the members' ID numbers masked."""
    rows = []
    for code, condition in result["conditions"].items():
        clauses = [
            {
                **clause,
                "shown_value": display(clause["value"]),
                "shown": display(clause["threshold"]),
            }
            for clause in condition["clauses"]
        ]
        sources = [
            {**source, "subject_key": mask_id_number(source["subject_key"])}
            for source in result.get("sources", {}).get(code, [])
        ]
        rows.append({"code": code, **condition, "clauses": clauses, "sources": sources})
    return rows


def case_eligibility_section(case: Any, *, actor: Any) -> VerificationSection | None:
    """The section for ``case`` (None when no rule set judges its item)."""
    item_code = getattr(case.item, "implementation_code", "")
    definition = rule_set_for_item(case.item_name, item_code)
    if definition is None:
        return None
    title = _("资格条件核验:%(name)s") % {"name": definition.name}
    on = timezone.localdate(case.received_at) if case.received_at else timezone.localdate()
    try:
        result = eligibility_explain(
            actor=actor,
            purpose=case.number,
            subject_key=case.applicant_key,
            rule_set=definition.code,
            on=on,
            item=case.item_name,
            channel=AccessLogEntry.Channel.PAGE,
        )
    except errors.ApplicationError as exc:
        return VerificationSection(title, TEMPLATE, {"refusal": exc.message, "on": on})
    context = {
        "result": result,
        "rows": explanation_rows(result),
        "members": [mask_id_number(key) for key in result["members"]],
        "definition": definition,
        "on": on,
    }
    return VerificationSection(title, TEMPLATE, context)
