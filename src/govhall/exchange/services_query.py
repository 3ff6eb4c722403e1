"""Purpose-bound, grant-limited, logged reads of the registries (X-Road's rules).

Every read names a purpose that the caller's department is handling, returns only the fields its
grants allow, and writes an access log entry; a refused read writes a refused entry (in its own
transaction, so that it survives the refusal) and raises.

- :func:`profile_read`: one subject (optionally with their household) across resources.
- :func:`verification_read`: one-click verification (信息核查) of an applicant for an item: every
  resource the item's materials point at, for the applicant and their household, with the source
  and date of each value, and which materials the registries already answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.identifiers import normalize_id_number, normalize_uscc
from govhall.exchange import permissions
from govhall.exchange.access import ResourceView, resource_views, resources_for
from govhall.exchange.access_log import AccessContext, access_log_append
from govhall.exchange.models import AccessLogEntry, Resource
from govhall.exchange.purposes import PurposeRefused, ResolvedPurpose, purpose_resolve
from govhall.exchange.selectors_registry import RecordRow, group_members, records_of

Kind = AccessLogEntry.Kind
POPULATION = "population"
MAX_HOUSEHOLD = 20


class AccessRefused(errors.PermissionDenied):
    code = "access_refused"


@dataclass
class SubjectProfile:
    subject_key: str
    # resource code -> the records in force, each cut to the allowed fields
    records: dict[str, list[RecordRow]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return any(self.records.values())


@dataclass
class ProfileResult:
    subject_key: str
    as_of: dt.date
    purpose: ResolvedPurpose
    resources: list[ResourceView]
    subjects: list[SubjectProfile]
    withheld: list[ResourceView]
    log_entry: AccessLogEntry


def normalize_subject_key(value: str) -> str:
    """An ID number or a USCC (both 18 characters, told apart by their check), or an e-license
    identifier (``1.2.156.…``); anything else is a 422."""
    value = (value or "").strip()
    if value.startswith("1.2.156."):
        return value
    try:
        return normalize_id_number(value)
    except errors.ValidationError as id_error:
        try:
            return normalize_uscc(value)
        except errors.ValidationError:
            raise errors.ValidationError(
                _("查询对象应为有效的身份证号、统一社会信用代码或电子证照标识。"),
                code="invalid_subject",
                fields={"subject": [id_error.message]},
            ) from None


def _refuse(
    context: AccessContext, *, kind: str, reason: str, keys: list[str], purpose: str, codes=()
) -> AccessRefused:
    """Log the refusal in its own transaction (it must outlive the refused request)."""
    access_log_append(
        context=context,
        kind=kind,
        outcome=AccessLogEntry.Outcome.REFUSED,
        subject_keys=keys,
        resources=list(codes),
        purpose_reference=purpose,
        reason=reason,
    )
    return AccessRefused(reason)


def authorize(
    context: AccessContext,
    *,
    kind: str,
    purpose_reference: str | None,
    subject_keys: list[str],
    codes: list[str] | None,
    on: dt.date,
) -> tuple[ResolvedPurpose, list[ResourceView], list[ResourceView]]:
    """Check the actor, the purpose and the grants; answer (purpose, readable, withheld) or log
    the refusal and raise it."""
    reference = (purpose_reference or "").strip()[:64]
    if not permissions.can_query_registries(context.actor):
        raise _refuse(
            context,
            kind=kind,
            reason=_("只有政府部门工作人员可以查询共享数据。"),
            keys=subject_keys,
            purpose=reference,
            codes=codes or (),
        )
    try:
        purpose = purpose_resolve(actor=context.actor, reference=reference)
    except PurposeRefused as refused:
        raise _refuse(
            context,
            kind=kind,
            reason=refused.message,
            keys=subject_keys,
            purpose=reference,
            codes=codes or (),
        ) from None
    outside = [key for key in subject_keys if not purpose.covers(key)]
    if outside:
        raise _refuse(
            context,
            kind=kind,
            reason=_("查询对象不属于该办件的申请人或其家庭成员。"),
            keys=subject_keys,
            purpose=reference,
            codes=codes or (),
        )
    views = resource_views(department_id=purpose.grants_of, resources=resources_for(codes), on=on)
    readable = [view for view in views if view.readable]
    withheld = [view for view in views if not view.readable]
    if not readable:
        raise _refuse(
            context,
            kind=kind,
            reason=_("本部门没有这些信息资源的有效共享授权。"),
            keys=subject_keys,
            purpose=reference,
            codes=[view.code for view in views],
        )
    return purpose, readable, withheld


def _cut(rows: list[RecordRow], views: list[ResourceView], keys: list[str]) -> list[SubjectProfile]:
    by_id = {view.id: view for view in views}
    profiles = {key: SubjectProfile(key, {view.code: [] for view in views}) for key in keys}
    for row in rows:
        view = by_id[row.resource_id]
        visible = RecordRow(
            row.subject_key,
            row.resource_id,
            row.record_key,
            view.visible(row.data),
            row.valid_from,
            row.valid_to,
            row.load_id,
            row.updated_at,
        )
        profiles[row.subject_key].records[view.code].append(visible)
    return [profiles[key] for key in keys]


def _household(readable: list[ResourceView], subject_key: str, on: dt.date) -> list[str]:
    population = next((v for v in readable if v.code == POPULATION and v.group_field), None)
    if population is None:
        return [subject_key]
    return group_members(resource_id=population.id, subject_key=subject_key, on=on)[:MAX_HOUSEHOLD]


def profile_read(
    *,
    context: AccessContext,
    subject_key: str,
    purpose_reference: str | None,
    resource_codes: list[str] | None = None,
    household: bool = False,
    kind: str = Kind.PROFILE,
    on: dt.date | None = None,
) -> ProfileResult:
    """One subject (and, with ``household``, the members of their household) across the named
    resources (default: every resource), limited to granted fields, logged."""
    on = on or timezone.localdate()
    key = normalize_subject_key(subject_key)
    purpose, readable, withheld = authorize(
        context,
        kind=kind,
        purpose_reference=purpose_reference,
        subject_keys=[key],
        codes=resource_codes,
        on=on,
    )
    keys = _household(readable, key, on) if household else [key]
    if len(keys) > 1:
        # Members are subjects of the read too: the purpose must cover each of them.
        outside = [member for member in keys if not purpose.covers(member)]
        keys = [member for member in keys if member not in outside]
    rows = records_of(subject_keys=keys, resource_ids=[view.id for view in readable], on=on)
    subjects = _cut(rows, readable, keys)
    entry = access_log_append(
        context=context,
        kind=kind,
        outcome=AccessLogEntry.Outcome.GRANTED,
        subject_keys=keys,
        resources=[view.code for view in readable],
        fields={view.code: list(view.allowed) for view in readable},
        purpose_reference=purpose.reference,
        purpose_title=purpose.title,
    )
    return ProfileResult(key, on, purpose, readable, subjects, withheld, entry)


@dataclass(frozen=True)
class MaterialCheck:
    name: str
    resource_code: str
    license_type_code: str
    resource_name: str
    satisfied: bool
    found: int
    note: str


@dataclass
class VerificationResult:
    item_code: str
    item_name: str
    profile: ProfileResult | None
    materials: list[MaterialCheck]


def _item_resource_codes(item_code: str) -> tuple[Any, list[Any], list[str]]:
    from govhall.catalog.selectors import item_get_public

    item = item_get_public(code=item_code)
    materials = list(item.published_version.materials.all())
    wanted = {m.resource_code for m in materials if m.resource_code}
    existing = set(
        Resource.objects.filter(is_active=True, code__in=wanted | {POPULATION}).values_list(
            "code", flat=True
        )
    )
    codes = sorted(existing - {POPULATION})
    if POPULATION in existing:
        codes.insert(0, POPULATION)
    return item, materials, codes


def verification_read(
    *, context: AccessContext, item_code: str, subject_key: str, purpose_reference: str | None
) -> VerificationResult:
    """One-click verification (信息核查): the applicant and household across every resource the
    item's materials point at (and the population registry), with sources and dates."""
    item, materials, codes = _item_resource_codes(item_code)
    if not codes:
        raise errors.ValidationError(
            _("该事项的申请材料没有指向任何共享信息资源,无需核查。"), code="nothing_to_verify"
        )
    profile = profile_read(
        context=context,
        subject_key=subject_key,
        purpose_reference=purpose_reference,
        resource_codes=codes,
        household=True,
        kind=Kind.VERIFICATION,
    )
    readable = {view.code: view for view in profile.resources}
    checks = []
    for material in materials:
        if not material.resource_code:
            continue
        view = readable.get(material.resource_code)
        held = view is not None and sum(
            len(subject.records.get(material.resource_code, [])) for subject in profile.subjects
        )
        # A granted registry answers the material either way: with the records it holds, or
        # with the confirmed absence of any (no property, no vehicle).
        if view is None:
            note = _("本部门无该资源的共享授权,需申请人提交。")
        elif held:
            note = _("已由%(provider)s共享数据核验(%(n)d 条记录),免提交。") % {
                "provider": view.provider,
                "n": held,
            }
        else:
            note = _("已由%(provider)s共享数据核验:无登记记录,免提交。") % {
                "provider": view.provider
            }
        checks.append(
            MaterialCheck(
                name=material.name,
                resource_code=material.resource_code,
                license_type_code=material.license_type_code,
                resource_name=view.name if view else material.resource_code,
                satisfied=view is not None,
                found=int(held),
                note=note,
            )
        )
    return VerificationResult(
        item.implementation_code, item.published_version.name, profile, checks
    )


REALNAME_PURPOSE = "REALNAME"


def population_name_check(*, id_number: str, name: str) -> bool | None:
    """Real-name registration (实名注册): does the population registry give this name for this ID
    number? ``True`` or ``False``; ``None`` when the registry holds no record of the number (a
    person registered elsewhere) or the city has loaded no population registry. The read is the
    system's, logged under the purpose ``REALNAME`` so that the person sees it."""
    population = Resource.objects.filter(code=POPULATION, is_active=True).first()
    if population is None or not population.records_exist():
        return None
    rows = records_of(
        subject_keys=[id_number], resource_ids=[population.pk], on=timezone.localdate()
    )
    access_log_append(
        context=AccessContext(actor=None, channel=AccessLogEntry.Channel.SYSTEM, client="实名注册"),
        kind=Kind.VERIFICATION,
        outcome=AccessLogEntry.Outcome.GRANTED,
        subject_keys=[id_number],
        resources=[POPULATION],
        fields={POPULATION: ["name"]},
        purpose_reference=REALNAME_PURPOSE,
        purpose_title=_("实名注册核验"),
    )
    if not rows:
        return None
    return any(row.data.get("name") == name for row in rows)
