"""Guide quality rules (REFERENCE.md, "a city's guide checker"), checked before review and publish.

Each rule names itself and the field it concerns, so that an editor sees exactly what to fix.
The rules are pure: they read a version (and its materials and responsibilities) and return the
problems; ``services`` refuses to submit or publish while any remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from govhall.core.codes import code_table

POWER_TYPES = {f"{n:02d}" for n in range(11)}  # 00-10: administrative powers


@dataclass(frozen=True)
class Problem:
    rule: str
    field: str
    message: str


def _code_problems(version: Any) -> list[Problem]:
    checks = [
        ("item_type", "item_type", version.item_type),
        ("exercise_level", "exercise_level", version.exercise_level),
        ("power_source", "power_source", version.power_source),
        ("case_type", "case_type", version.case_type),
        ("result_type", "result_type", version.result_type),
    ]
    problems = [
        Problem(
            "R00",
            field,
            _("“%(value)s”不是有效的%(table)s代码。")
            % {"value": value, "table": code_table(table).name},
        )
        for table, field, value in checks
        if value not in code_table(table)
    ]
    for field, table, values in [
        ("service_targets", "service_target", version.service_targets),
        ("channels", "handling_form", version.channels),
    ]:
        bad = [v for v in values or [] if v not in code_table(table)]
        if bad:
            problems.append(
                Problem(
                    "R00", field, _("含无效代码:%(codes)s") % {"codes": ",".join(map(str, bad))}
                )
            )
    if version.cross_area_scope and version.cross_area_scope not in code_table("cross_area_scope"):
        problems.append(Problem("R00", "cross_area_scope", _("通办范围代码无效。")))
    if not 1 <= int(version.online_depth or 0) <= 4:
        problems.append(Problem("R00", "online_depth", _("网上办理深度应为1至4级。")))
    return problems


def _time_problems(version: Any) -> list[Problem]:
    problems = []
    if version.promised_limit_days > version.statutory_limit_days:
        problems.append(Problem("R10", "promised_limit_days", _("承诺时限不能长于法定时限。")))
    if version.case_type == "1" and version.promised_limit_days > 1:
        problems.append(Problem("R11", "case_type", _("即办件的承诺时限应为0或1个工作日。")))
    return problems


def _visit_problems(version: Any) -> list[Problem]:
    problems = []
    if version.online_depth == 4 and version.visits > 0:
        problems.append(Problem("R01", "visits", _("全程网办(四级)的事项到现场次数应为0。")))
    if version.visits == 0 and version.visit_reason.strip():
        problems.append(
            Problem("R02", "visit_reason", _("到现场次数为0时不应填写必须现场办理原因。"))
        )
    if version.visits > 0 and not version.visit_reason.strip():
        problems.append(
            Problem("R06", "visit_reason", _("需要到现场的事项必须说明必须现场办理的原因和依据。"))
        )
    if version.visits == 0 and version.online_depth < 3 and not version.express_delivery:
        problems.append(
            Problem(
                "R03", "express_delivery", _("零跑动且不能网上提交的事项,应支持邮寄递交和送达。")
            )
        )
    return problems


def _fee_problems(version: Any) -> list[Problem]:
    if not version.fee_charged:
        if version.fees:
            return [Problem("R04", "fees", _("不收费的事项不应列出收费项目。"))]
        return []
    problems = []
    if not version.fee_basis.strip():
        problems.append(Problem("R04", "fee_basis", _("收费事项必须填写收费依据。")))
    if not version.fees:
        problems.append(Problem("R04", "fees", _("收费事项必须列出收费项目(名称、标准、依据)。")))
    for index, fee in enumerate(version.fees or [], start=1):
        if not (fee.get("name") and fee.get("standard") and fee.get("basis")):
            problems.append(
                Problem("R04", "fees", _("第%(n)d个收费项目缺少名称、标准或依据。") % {"n": index})
            )
    if version.online_depth >= 3 and not version.online_payment:
        problems.append(Problem("R04", "online_payment", _("可网上办理的收费事项应支持网上支付。")))
    return problems


def _service_info_problems(version: Any) -> list[Problem]:
    problems = []
    enquiry, complaint = version.enquiry_phone.strip(), version.complaint_phone.strip()
    if not enquiry:
        problems.append(Problem("R07", "enquiry_phone", _("必须填写咨询电话。")))
    if not complaint:
        problems.append(Problem("R07", "complaint_phone", _("必须填写监督投诉电话。")))
    if enquiry and enquiry == complaint:
        problems.append(Problem("R05", "complaint_phone", _("监督投诉电话不能与咨询电话相同。")))
    if not version.steps:
        problems.append(Problem("R08", "steps", _("必须填写办理流程。")))
    if version.online_depth >= 3 and not version.online_url.strip():
        problems.append(Problem("R09", "online_url", _("可网上办理的事项必须提供网上办理地址。")))
    return problems


def guide_problems(version: Any, *, responsibilities: list[Any] | None = None) -> list[Problem]:
    """Every problem of a version's guide, in a stable order (empty when it may be published)."""
    problems = [
        *_code_problems(version),
        *_time_problems(version),
        *_visit_problems(version),
        *_fee_problems(version),
        *_service_info_problems(version),
    ]
    if not version.name.strip():
        problems.insert(0, Problem("R00", "name", _("必须填写事项名称。")))
    if version.item_type in POWER_TYPES and responsibilities is not None and not responsibilities:
        problems.append(
            Problem(
                "R12", "responsibilities", _("行政权力事项必须编制责任清单(责任事项、追责情形等)。")
            )
        )
    return problems


def problems_as_fields(problems: list[Problem]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in problems:
        fields.setdefault(problem.field, []).append(f"[{problem.rule}] {problem.message}")
    return fields
