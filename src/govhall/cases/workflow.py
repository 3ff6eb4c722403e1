"""Process definitions as data, and the table of what each action may do.

A process definition is kept with the item version (``ItemVersion.process``)::

    {"steps": [
        {"code": "accept", "kind": "accept", "name": "受理", "post": "acceptance", "days": 1},
        {"code": "review", "kind": "review", "name": "审核", "post": "review", "days": 5,
         "next": {"approve": "joint", "deny": "decide"}},
        {"code": "joint", "kind": "countersign", "name": "并联审批", "post": "review", "days": 3,
         "departments": ["11341600MB1234567X", "..."]},
        {"code": "decide", "kind": "decide", "name": "决定", "post": "approval", "days": 2},
        {"code": "issue", "kind": "issue", "name": "制证送达", "post": "acceptance", "days": 1}],
     "fee_step": "decide"}

A step of the applicant's community or street (公租房: 社区受理 → 街道审核 → 区级审批 → 公示)::

    {"code": "accept", "kind": "accept", "name": "社区受理", "post": "acceptance", "days": 3,
     "department": "@village"},
    {"code": "publicity", "kind": "publicity", "name": "公示", "post": "approval", "days": 5}

- ``kind`` says what the engine does at the step: ``accept`` (受理: accept, refuse, request
  correction; always the first step), ``review`` / ``approve`` (an opinion: approve moves on, deny
  goes to ``next.deny``, by default the next step, so that the deciding post decides),
  ``publicity`` (公示: the case is listed publicly for ``days`` working days; objections are
  filed and handled meanwhile; the worker closes it once the period is over and no objection
  is open: ``approve`` without an upheld objection, else ``deny``, whose default target is the
  decide step that must follow, so that the approver decides 不予; it cannot be approved by
  hand before the period ends), ``countersign`` (并联审批: one task per department in
  ``departments`` (USCCs), each with its own deadline; the case moves on when all have
  replied), ``decide`` (准予 → status approved, 不予 →
  status denied, which closes the case), ``issue`` (complete: the result documents and e-license).
- ``post`` is a post code (organizations.Post); ``department`` (a USCC) defaults to the item's.
  ``department`` may also name a level of the applicant's residence (``Case.residence_code``):
  ``@village`` (村/社区), ``@township`` (乡镇/街道) or ``@county`` (县/区); the step then goes to
  the active department of that region (``cases.routing``), or to the item's department when
  there is none (recorded in the history).
- ``days`` is the step's limit in working days; ``next`` maps an outcome (``approve``, ``deny``,
  ``done``) to a step code, defaulting to the step that follows; ``null`` ends the process.
- ``fee_step``: the step whose approval creates the payment order for an item with fees (default:
  the decide step); the case then waits for payment before it can be completed.

An item version without a definition runs the process derived from its guide's steps
(:func:`process_from_steps`). :func:`process_check` validates a definition for the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govhall.core import errors

KINDS = ("accept", "review", "approve", "countersign", "publicity", "decide", "issue")
# ``department`` values that route a step to the applicant's community, street or county:
# the region level (organizations.Region.Level) of the residence region's ancestor.
ROUTES = {"@village": 6, "@township": 5, "@county": 4}
OUTCOMES = ("approve", "deny", "done")

# action -> (statuses it may start from, step kinds whose open task it closes or None)
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    "accept": (frozenset({"submitted"}), frozenset({"accept"})),
    "refuse": (frozenset({"submitted"}), frozenset({"accept"})),
    "request-correction": (frozenset({"submitted"}), frozenset({"accept"})),
    "supplement": (frozenset({"correction"}), None),
    "approve": (
        frozenset({"processing"}),
        frozenset({"review", "approve", "countersign", "decide"}),
    ),
    "deny": (frozenset({"processing"}), frozenset({"review", "approve", "countersign", "decide"})),
    "suspend": (frozenset({"processing"}), None),
    "resume": (frozenset({"suspended"}), None),
    "extend": (frozenset({"processing", "suspended"}), None),
    "withdraw": (frozenset({"submitted", "correction", "processing", "suspended"}), None),
    "complete": (frozenset({"approved"}), frozenset({"issue"})),
    "close-overdue": (frozenset({"processing"}), frozenset({"countersign"})),
}
STAFF_ACTIONS = tuple(a for a in ACTIONS if a not in {"supplement", "withdraw"})
APPLICANT_ACTIONS = ("supplement", "withdraw")


@dataclass(frozen=True)
class Step:
    code: str
    kind: str
    name: str
    post: str
    days: int
    department: str = ""  # a USCC; "" = the item's department
    departments: tuple[str, ...] = ()  # countersign participants (USCCs)
    next: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Process:
    steps: tuple[Step, ...]
    fee_step: str

    def step(self, code: str) -> Step:
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(code)

    @property
    def first(self) -> Step:
        return self.steps[0]

    def following(self, step: Step, outcome: str) -> Step | None:
        """The step after ``step`` for ``outcome`` (None: the process ends). A publicity step
        whose objection was upheld goes by default to the decide step after it."""
        if outcome in step.next:
            target = step.next[outcome]
            return self.step(target) if target else None
        index = self.steps.index(step)
        if step.kind == "publicity" and outcome == "deny":
            return next((s for s in self.steps[index + 1 :] if s.kind == "decide"), None)
        return self.steps[index + 1] if index + 1 < len(self.steps) else None


_POST_KIND = {"acceptance": "accept", "review": "review", "approval": "decide"}


def process_from_steps(guide_steps: list[dict[str, Any]], *, instant: bool) -> dict[str, Any]:
    """The process a guide's steps describe: acceptance, review steps with a time limit, the
    decision, then issuing the result. Steps without days that follow the review are special
    procedures (site checks, expert reviews), run by ``suspend``, not steps of their own."""
    steps: list[dict[str, Any]] = []
    for index, guide in enumerate(guide_steps):
        kind = _POST_KIND.get(guide.get("post", ""), "review")
        if index == 0:
            kind = "accept"
        elif kind == "review" and not guide.get("days"):
            continue
        code = kind if all(s["code"] != kind for s in steps) else f"{kind}{index}"
        steps.append(
            {
                "code": code,
                "kind": kind,
                "name": guide.get("name") or code,
                "post": guide.get("post") or "review",
                "days": int(guide.get("days") or 0),
            }
        )
    if not steps:
        steps.append({"code": "accept", "kind": "accept", "name": _("受理"), "post": "acceptance"})
        steps[0]["days"] = 1
    if not any(s["kind"] == "decide" for s in steps):
        steps.append(
            {"code": "decide", "kind": "decide", "name": _("决定"), "post": "approval", "days": 1}
        )
    steps.append(
        {
            "code": "issue",
            "kind": "issue",
            "name": _("办结送达"),
            "post": "acceptance",
            "days": 0 if instant else 1,
        }
    )
    return {"steps": steps}


def process_parse(definition: dict[str, Any]) -> Process:
    process_check(definition)
    steps = tuple(
        Step(
            code=raw["code"],
            kind=raw["kind"],
            name=raw.get("name") or raw["code"],
            post=raw.get("post") or "review",
            days=int(raw.get("days") or 0),
            department=raw.get("department", ""),
            departments=tuple(raw.get("departments", ())),
            next=dict(raw.get("next", {})),
        )
        for raw in definition["steps"]
    )
    decide = next((s.code for s in steps if s.kind == "decide"), steps[-1].code)
    return Process(steps=steps, fee_step=definition.get("fee_step") or decide)


def process_of(version: Any) -> Process:
    """The process a case of ``version`` runs."""
    definition = version.process or process_from_steps(
        version.steps or [], instant=version.case_type == "1"
    )
    return process_parse(definition)


def _step_problems(index: int, raw: Any, codes: set[str]) -> dict[str, list[str]]:
    where = f"process.steps.{index}"
    if not isinstance(raw, dict):
        return {where: [_("环节定义应为对象。")]}
    problems: dict[str, list[str]] = {}
    if raw.get("kind") not in KINDS:
        problems[f"{where}.kind"] = [
            _("环节类型应为 %(kinds)s 之一。") % {"kinds": ", ".join(KINDS)}
        ]
    if not isinstance(raw.get("days", 0), int) or raw.get("days", 0) < 0:
        problems[f"{where}.days"] = [_("时限应为非负整数(工作日)。")]
    if raw.get("kind") == "countersign":
        departments = raw.get("departments")
        if not isinstance(departments, list) or not departments:
            problems[f"{where}.departments"] = [_("并联审批环节须列出参与部门。")]
    department = raw.get("department", "")
    if not isinstance(department, str) or (department.startswith("@") and department not in ROUTES):
        problems[f"{where}.department"] = [
            _("部门应为统一社会信用代码或 %(routes)s 之一。") % {"routes": ", ".join(ROUTES)}
        ]
    if raw.get("kind") == "publicity" and (
        not isinstance(raw.get("days"), int) or raw.get("days", 0) < 1
    ):
        problems[f"{where}.days"] = [_("公示环节须规定至少1个工作日的公示期。")]
    for outcome, target in (raw.get("next") or {}).items():
        if outcome not in OUTCOMES or (target is not None and target not in codes):
            problems[f"{where}.next.{outcome}"] = [_("流转目标无效。")]
    return problems


def _publicity_problems(steps: list[Any]) -> dict[str, list[str]]:
    """A publicity step comes before the decision: an upheld objection goes to the decide step
    that follows it (the case is still being processed, not yet approved)."""
    kinds = [raw.get("kind") if isinstance(raw, dict) else None for raw in steps]
    problems: dict[str, list[str]] = {}
    for index, kind in enumerate(kinds):
        if kind == "publicity" and "decide" not in kinds[index + 1 :]:
            problems[f"process.steps.{index}.kind"] = [_("公示环节须在决定环节之前。")]
    return problems


def process_check(definition: Any) -> None:
    """Refuse a definition the engine could not run, naming each problem's path."""
    steps = definition.get("steps") if isinstance(definition, dict) else None
    if not isinstance(steps, list) or not steps:
        raise errors.ValidationError(
            _("流程定义无效。"), fields={"process.steps": [_("至少需要一个环节。")]}
        )
    codes = [raw.get("code") for raw in steps if isinstance(raw, dict)]
    problems: dict[str, list[str]] = {}
    if len(set(codes)) != len(steps) or not all(isinstance(c, str) and c for c in codes):
        problems["process.steps"] = [_("环节代码必须填写且不能重复。")]
    for index, raw in enumerate(steps):
        problems.update(_step_problems(index, raw, set(codes)))
    if isinstance(steps[0], dict) and steps[0].get("kind") != "accept":
        problems["process.steps.0.kind"] = [_("第一个环节必须是受理。")]
    if not any(isinstance(raw, dict) and raw.get("kind") == "decide" for raw in steps):
        problems["process.steps"] = [_("流程须包含一个决定环节。")]
    problems.update(_publicity_problems(steps))
    fee_step = definition.get("fee_step")
    if fee_step and fee_step not in codes:
        problems["process.fee_step"] = [_("收费环节不存在。")]
    if problems:
        raise errors.ValidationError(_("流程定义无效。"), fields=problems)
