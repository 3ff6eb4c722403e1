"""Eligibility services: one household explained, many households at once, the whole population,
and the dated parameters. Every registry read goes through the exchange: the actor, the purpose
and the grants are checked by :func:`~govhall.exchange.services_query.authorize` and the read is
written to the access log (a refusal too); one entry per household explained, one per batch."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.analytics.models import RuleParameterSet
from govhall.analytics.rules import (
    MEASURES,
    POPULATION,
    SOURCE_FIELDS,
    Judge,
    Parameters,
    RuleSet,
    household_evaluate,
    parameters_in_force,
    readable_measures,
    rule_set_get,
)
from govhall.analytics.rules_sql import household_from_records, households_measures
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.exchange.access_log import AccessContext, access_log_append
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.services_batch import _subjects, batch_size_check
from govhall.exchange.services_query import authorize, profile_read

Kind = AccessLogEntry.Kind


@dataclass
class EligibilityResult:
    rule_set: RuleSet
    on: dt.date
    parameters: Parameters
    results: list[dict[str, Any]]
    seconds: float = 0.0


def _context(actor: Any, channel: str) -> AccessContext:
    return AccessContext(actor=actor, channel=channel, client="资格核验")


def _existing(rule_set: RuleSet) -> list[str]:
    """The rule set's resources that the exchange holds (a missing one makes its conditions
    unknown, not a 422)."""
    from govhall.exchange.access import _active_resources

    active = _active_resources()
    return [code for code in rule_set.resources if code in active]


def _sources(rule_set: RuleSet, records: dict, views: dict) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for condition in rule_set.conditions:
        rows = []
        for code in condition.resources:
            view = views.get(code)
            for member, by_code in records.items():
                for row in by_code.get(code, []):
                    rows.append(
                        {
                            "resource": code,
                            "resource_name": view.name if view else code,
                            "provider": view.provider if view else "",
                            "subject_key": member,
                            "record_key": row.record_key,
                            "data": {
                                f: row.data.get(f)
                                for f in MEASURES_FIELDS.get(code, ())
                                if f in row.data
                            },
                        }
                    )
        out[condition.code] = rows
    return out


MEASURES_FIELDS: dict[str, tuple[str, ...]] = {}
for _code, _fields in [*MEASURES.values(), *SOURCE_FIELDS.items()]:
    MEASURES_FIELDS[_code] = tuple(dict.fromkeys((*MEASURES_FIELDS.get(_code, ()), *_fields)))


def eligibility_explain(
    *,
    actor: Any,
    purpose: str | None,
    subject_key: str,
    rule_set: str,
    on: dt.date | None = None,
    item: str | None = None,
    channel: str = AccessLogEntry.Channel.PAGE,
) -> dict[str, Any]:
    """One household (the applicant and the members of their household in the population
    registry) against ``rule_set`` with the parameters in force on ``on``: per condition the
    value, the threshold, pass/fail/unknown and the source records. Read and logged through the
    exchange's profile read (household=True). ``item`` as for :func:`eligibility_batch`."""
    definition = rule_set_get(rule_set).for_item(item)
    on = on or timezone.localdate()
    parameters = parameters_in_force(rule_set=definition, on=on)
    profile = profile_read(
        context=_context(actor, channel),
        subject_key=subject_key,
        purpose_reference=purpose,
        resource_codes=_existing(definition),
        household=True,
        kind=Kind.VERIFICATION,
    )
    views = {view.code: view for view in profile.resources}
    records = {s.subject_key: s.records for s in profile.subjects}
    household = household_from_records(
        rule_set=definition, applicant=profile.subject_key, records=records
    )
    readable = readable_measures(profile.resources) if POPULATION in views else set()
    result = household_evaluate(
        rule_set=definition, parameters=parameters, household=household, readable=readable
    )
    result["subject_key"] = profile.subject_key
    result["sources"] = _sources(definition, records, views)
    result["parameters"] = {
        "effective_from": parameters.effective_from.isoformat(),
        "reason": parameters.reason,
        "values": parameters.values,
    }
    result["on"] = on.isoformat()
    result["withheld"] = [view.name for view in profile.withheld]
    result["access_entry"] = profile.log_entry.seq
    return result


def _evaluate_many(
    context: AccessContext,
    definition: RuleSet,
    purpose: str | None,
    keys: list[str] | None,
    on: dt.date,
) -> tuple[list[dict[str, Any]], tuple[Any, list[Any], Parameters]]:
    """Authorize, then judge the households of ``keys`` (None: every household of the
    population registry) from measures computed in the database (:mod:`rules_sql`)."""
    today = timezone.localdate()
    resolved, readable, _withheld = authorize(
        context,
        kind=Kind.BATCH,
        purpose_reference=purpose,
        subject_keys=keys or [],
        codes=_existing(definition),
        on=today,
    )
    parameters = parameters_in_force(rule_set=definition, on=on)
    ids = {view.code: view.id for view in readable}
    measures = readable_measures(readable) if POPULATION in ids else set()
    judge = Judge(rule_set=definition, parameters=parameters, readable=measures)
    rows = households_measures(rule_set=definition, ids=ids, on=today, applicants=keys)
    if keys is None:
        results = [judge(applicant, members, values) for applicant, members, values in rows]
        return results, (resolved, readable, parameters)
    found = {applicant: (members, values) for applicant, members, values in rows}
    results = []
    for key in keys:
        members, values = found.get(key, ([], None))
        results.append(judge(key, members, values))
    return results, (resolved, readable, parameters)


def eligibility_batch(
    *,
    actor: Any,
    purpose: str | None,
    subject_keys: list[str],
    rule_set: str,
    on: dt.date | None = None,
    item: str | None = None,
    channel: str = AccessLogEntry.Channel.API,
) -> EligibilityResult:
    """Many applicants' households at once, set-based (see :mod:`rules_sql`), one access log
    entry for the batch (naming every applicant). ``item`` (name or implementation code) leaves
    out the conditions that item excepts (the yearly re-verification does not ask "not already
    housed")."""
    started = time.perf_counter()
    definition = rule_set_get(rule_set).for_item(item)
    on = on or timezone.localdate()
    context = _context(actor, channel)
    batch_size_check(len(subject_keys))
    keys, invalid = _subjects([str(key) for key in subject_keys])
    if not keys:
        raise errors.ValidationError(_("请提供要核验的对象。"), code="no_subjects")
    results, (resolved, readable, parameters) = _evaluate_many(
        context, definition, purpose, keys, on
    )
    members = {m for row in results for m in row["members"]}
    access_log_append(
        context=context,
        kind=Kind.BATCH,
        outcome=AccessLogEntry.Outcome.GRANTED,
        subject_keys=members | set(keys),
        resources=[view.code for view in readable],
        fields={view.code: list(MEASURES_FIELDS.get(view.code, ())) for view in readable},
        purpose_reference=resolved.reference,
        purpose_title=resolved.title,
    )
    for row in invalid:
        row["outcome"] = "invalid"
    seconds = round(time.perf_counter() - started, 3)
    return EligibilityResult(definition, on, parameters, results + invalid, seconds)


def eligibility_population(
    *,
    actor: Any,
    purpose: str | None,
    rule_set: str,
    on: dt.date | None = None,
    item: str | None = None,
    channel: str = AccessLogEntry.Channel.SYSTEM,
) -> EligibilityResult:
    """Who would qualify on ``on``: every household of the population registry (one applicant
    per household, the smallest ID number; in no particular order), by a department with grants
    under a registered purpose (a case number covers one household only and is refused); logged
    once. One statement for the whole population, its rows streamed."""
    started = time.perf_counter()
    definition = rule_set_get(rule_set).for_item(item)
    on = on or timezone.localdate()
    context = _context(actor, channel)
    results, (resolved, readable, parameters) = _evaluate_many(
        context, definition, purpose, None, on
    )
    access_log_append(
        context=context,
        kind=Kind.BATCH,
        outcome=AccessLogEntry.Outcome.GRANTED,
        subject_keys=[],
        resources=[view.code for view in readable],
        fields={view.code: list(MEASURES_FIELDS.get(view.code, ())) for view in readable},
        purpose_reference=resolved.reference,
        purpose_title=resolved.title,
        reason=_("全量资格分析:%(n)d 户") % {"n": len(results)},
    )
    seconds = round(time.perf_counter() - started, 3)
    return EligibilityResult(definition, on, parameters, results, seconds)


@transaction.atomic
def rule_parameters_set(
    *,
    actor: Any,
    rule_set: str,
    effective_from: dt.date,
    values: dict[str, Any],
    reason: str,
) -> RuleParameterSet:
    """A new parameter set from ``effective_from`` (staff of a department, or the system).
    Every parameter the rule set names must be given."""
    definition = rule_set_get(rule_set)
    if actor is not None and not getattr(actor, "department_id", None):
        raise errors.PermissionDenied(_("只有政府部门工作人员可以设定资格参数。"))
    needed = {c.parameter for cond in definition.conditions for c in cond.clauses if c.parameter}
    missing = sorted(needed - set(values))
    if missing:
        raise errors.ValidationError(
            _("缺少参数:%(names)s。") % {"names": "、".join(missing)}, code="missing_parameters"
        )
    if RuleParameterSet.objects.filter(rule_set=rule_set, effective_from=effective_from).exists():
        raise errors.Conflict(_("该日期已有一组参数。"))
    row = RuleParameterSet.objects.create(
        rule_set=rule_set,
        effective_from=effective_from,
        values=values,
        reason=reason[:500],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="analytics.rule_parameters_set",
        obj=row,
        extra={"rule_set": rule_set, "effective_from": effective_from.isoformat()},
    )
    return row


def rules_demo_load() -> tuple[int, int]:
    """The demo city's parameters of every rule set in ``data/rules`` (from each file's
    ``demo_parameters``): (created, skipped). Idempotent."""
    from govhall.analytics.rules import RULES_DIR

    created = skipped = 0
    for path in sorted(RULES_DIR.glob("*.json")):
        definition = rule_set_get(path.stem)
        for spec in definition.demo_parameters:
            day = dt.date.fromisoformat(spec["effective_from"])
            if RuleParameterSet.objects.filter(
                rule_set=definition.code, effective_from=day
            ).exists():
                skipped += 1
                continue
            rule_parameters_set(
                actor=None,
                rule_set=definition.code,
                effective_from=day,
                values=spec["values"],
                reason=spec.get("reason", ""),
            )
            created += 1
    return created, skipped
