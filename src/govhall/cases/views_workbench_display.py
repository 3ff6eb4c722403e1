"""What the staff case page shows, shaped for its templates: the form data with the values the
applicant changed from the prefill, the materials, the action panel and the verification tables.

Only presentation lives here: which actions the panel offers comes from the actor's open tasks
(``selectors.actor_tasks_on``), the case status (``workflow.ACTIONS``) and the permission
predicates; the services decide again when a button is pressed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases import formdef, letters, permissions, selectors, services_apply
from govhall.cases.models import Application, Case, ClockStop, Delivery, Notice, PaymentOrder, Task
from govhall.cases.presenters import deadline_colour
from govhall.cases.services_actions import task_of_lead
from govhall.cases.services_tasks import assignable_staff, can_assign
from govhall.cases.workflow import ACTIONS
from govhall.catalog.models import Material
from govhall.core.identifiers import mask_id_number, mask_phone

MASKS = {"id_number": mask_id_number, "phone": mask_phone}
DEADLINE_LABELS = {
    "green": gettext_lazy("正常"),
    "yellow": gettext_lazy("临近期限"),
    "red": gettext_lazy("已超期"),
    "grey": "—",
}


def deadline_label(colour: str) -> str:
    return str(DEADLINE_LABELS.get(colour, ""))


# ---- the form data ----------------------------------------------------------------------


def _display(spec: Mapping[str, Any], value: Any, *, full: bool) -> str:
    """A submitted value as a person reads it (options by label, masked identifiers)."""
    if value is None or value == "" or value == []:
        return ""
    kind = spec.get("type")
    if kind == "boolean":
        return _("是") if value else _("否")
    options = {str(o.get("value")): str(o.get("label", "")) for o in spec.get("options") or []}
    if kind == "multiselect" and isinstance(value, list):
        return "、".join(options.get(str(v), str(v)) for v in value)
    if kind == "select":
        return options.get(str(value), str(value))
    if not full and kind in MASKS:
        return MASKS[kind](str(value))
    return str(value)


def _field_rows(
    fields: list[Mapping[str, Any]],
    values: Mapping[str, Any],
    prefix: str,
    merge: Mapping[str, Any],
    full: bool,
) -> list[dict[str, Any]]:
    rows = []
    for spec in fields:
        if spec["key"] not in values:
            continue  # hidden by the applicant's answers
        entry = merge.get(f"{prefix}.{spec['key']}") or {}
        source = entry.get("source") or {}
        origin = entry.get("origin", "typed")
        rows.append(
            {
                "label": spec.get("label") or spec["key"],
                "value": _display(spec, values[spec["key"]], full=full),
                "origin": origin,
                "source": source.get("label", ""),
                "prefilled": _display(spec, entry.get("prefilled"), full=full)
                if origin == "changed"
                else "",
            }
        )
    return rows


def form_sections(application: Application, *, full: bool) -> dict[str, Any]:
    """The submitted form by section; each value marked as prefilled, changed or typed."""
    definition = services_apply.form_definition(application.version)
    submitted = application.form or {}
    merge = formdef.form_merge(definition, application.prefill or {}, submitted)
    sections = []
    for section in definition.get("sections", []):
        key = section["key"]
        data = submitted.get(key)
        if "repeat" in section:
            rows = [
                _field_rows(section["fields"], row, f"{key}.{i}", merge["fields"], full)
                for i, row in enumerate(data if isinstance(data, list) else [])
                if isinstance(row, Mapping)
            ]
            label = section.get("row_label") or section.get("title") or key
            title = section.get("title", key)
            sections.append({"title": title, "repeat": True, "rows": rows, "row_label": label})
        elif isinstance(data, Mapping):
            fields = _field_rows(section["fields"], data, key, merge["fields"], full)
            sections.append({"title": section.get("title", key), "fields": fields})
    # Prefilled rows of a repeat group (household members, records) the applicant removed.
    dropped_rows = {
        tuple(entry["path"].split(".")[:2])
        for entry in merge.get("dropped", [])
        if entry["path"].count(".") >= 2
    }
    return {
        "title": definition.get("title", ""),
        "sections": sections,
        "changed": len(merge.get("changed", [])),
        "dropped_rows": len(dropped_rows),
    }


# ---- materials --------------------------------------------------------------------------


def material_rows(application: Application) -> list[dict[str, Any]]:
    rows = []
    for state in services_apply.material_states(application):
        rows.append(
            {
                "name": state.material.name,
                "required": state.required,
                "by_form": state.by_form,
                "satisfied": state.satisfied,
                "missing": state.missing,
                # what the clerk compares with the code printed on a scanned signed letter
                "letter_code": (
                    letters.letter_code(application, state.material)
                    if state.uploads
                    and state.material.source_channel == Material.SourceChannel.APPLICANT
                    else ""
                ),
                "uploads": [
                    {
                        "id": upload.pk,
                        "name": upload.original_name,
                        "kind": upload.kind,
                        "image": upload.kind in {"jpeg", "png"},
                        "size": upload.size,
                        "pages": upload.pages,
                        "round": upload.round,
                        "uploaded_at": upload.uploaded_at,
                    }
                    for upload in state.uploads
                ],
            }
        )
    return rows


# ---- the action panel -------------------------------------------------------------------


@dataclass
class ActionPanel:
    """What the actor may do on the case now; an empty panel is a read-only page."""

    accept: bool = False
    instant: bool = False
    refuse: bool = False
    correction: bool = False
    decide: list[dict[str, Any]] = field(default_factory=list)
    suspend: bool = False
    resume: bool = False
    extend: bool = False
    complete: bool = False
    overdue: list[dict[str, Any]] = field(default_factory=list)
    waive: list[dict[str, Any]] = field(default_factory=list)
    ship: bool = False
    confirm: bool = False
    stop_kinds: list[tuple[str, str]] = field(default_factory=list)
    assign: list[dict[str, Any]] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return any(
            (
                self.accept,
                self.refuse,
                self.correction,
                self.decide,
                self.suspend,
                self.resume,
                self.extend,
                self.complete,
                self.overdue,
                self.waive,
                self.ship,
                self.confirm,
                self.assign,
            )
        )


def _task_choice(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "step_name": task.step_name,
        "department": task.department.name,
        "kind": task.kind,
        "due_date": task.due_date,
        "deadline": deadline_colour(task.due_date),
    }


def _delivery_buttons(panel: ActionPanel, actor: Any, case: Case) -> None:
    if not permissions.can_record_delivery(actor, case):
        return
    outbound = [d for d in case.deliveries.all() if d.direction == Delivery.Direction.OUTBOUND]
    if not outbound:
        return
    last = outbound[-1]
    express = last.method == Delivery.Method.EXPRESS
    panel.ship = express and last.state == Delivery.State.WAITING
    panel.confirm = last.state == Delivery.State.SHIPPED or (
        not express and last.state == Delivery.State.WAITING
    )


def action_panel(actor: Any, case: Case) -> ActionPanel:
    panel = ActionPanel(stop_kinds=list(ClockStop.Kind.choices))
    if permissions.is_supervisor(actor):
        return panel  # supervisors watch; they do not handle
    mine = selectors.actor_tasks_on(actor=actor, case=case)

    def holds(action: str) -> list[Task]:
        statuses, kinds = ACTIONS[action]
        if case.status not in statuses:
            return []
        return [task for task in mine if kinds is None or task.kind in kinds]

    panel.accept = bool(holds("accept"))
    panel.instant = panel.accept and case.instant
    panel.refuse = bool(holds("refuse"))
    panel.correction = bool(holds("request-correction"))
    panel.decide = [_task_choice(task) for task in holds("approve")]
    panel.suspend = bool(holds("suspend"))
    panel.resume = bool(holds("resume"))
    panel.extend = case.status in ACTIONS["extend"][0] and permissions.can_extend(actor, case)
    panel.complete = bool(holds("complete"))
    panel.assign = [
        {
            **_task_choice(task),
            "assignee": task.assignee.username if task.assignee_id else "",
            "staff": [(user.username, user.name) for user in assignable_staff(task)],
        }
        for task in selectors.case_open_tasks(case=case)
        if can_assign(actor, task)
    ]
    if case.status in ACTIONS["close-overdue"][0] and (
        permissions.can_extend(actor, case) or task_of_lead(actor, case)
    ):
        panel.overdue = [
            _task_choice(task)
            for task in selectors.case_open_tasks(case=case)
            if task.kind == "countersign" and deadline_colour(task.due_date) == "red"
        ]
    if permissions.can_waive(actor, case):
        panel.waive = [
            {"number": order.number, "amount": order.amount, "items": order.items}
            for order in case.payments.all()
            if order.state == PaymentOrder.State.PENDING
        ]
    _delivery_buttons(panel, actor, case)
    return panel


# ---- labels for the record lists --------------------------------------------------------


CHANNELS = {
    "pc": gettext_lazy("网上办事大厅"),
    "mobile": gettext_lazy("移动端"),
    "api": gettext_lazy("接口"),
    "agent": gettext_lazy("代办"),
    "window": gettext_lazy("窗口"),
}


def channel_label(channel: str) -> str:
    return str(CHANNELS.get(channel, channel))


def status_label(status: str) -> str:
    return str(Case.Status(status).label) if status in Case.Status.values else status


def notice_label(kind: str) -> str:
    return str(Notice.Kind(kind).label) if kind in Notice.Kind.values else kind


def labelled(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value
