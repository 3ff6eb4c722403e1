"""What the cases app checks of an item version before the catalog publishes it: the process
definition runs on the engine and the application form is well-formed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govhall.cases.formdef import formdef_check
from govhall.cases.workflow import ROUTES, process_check
from govhall.core import errors
from govhall.organizations.models import Department, Post


def version_problems(version: Any) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for value, check, field in (
        (version.process, process_check, "process"),
        (version.form, formdef_check, "form"),
    ):
        if not value:
            continue
        try:
            check(value)
        except errors.ValidationError as invalid:
            for path, messages in (invalid.fields or {field: [invalid.message]}).items():
                key = path if path.startswith(field) else f"{field}.{path}"
                problems.setdefault(key, []).extend(str(m) for m in messages)
    if version.process and not problems:
        problems.update(_reference_problems(version.process))
    return problems


def _reference_problems(process: dict[str, Any]) -> dict[str, list[str]]:
    """Posts and departments a process names must exist: a task for a missing one could never
    be opened, and the case would stop at that step. A route to the applicant's community or
    street (``@village`` ...) is resolved per case, with the item's department as fallback."""
    steps = process.get("steps", [])
    posts = set(Post.objects.values_list("code", flat=True))
    named = {
        u
        for s in steps
        for u in [s.get("department", ""), *s.get("departments", [])]
        if u and u not in ROUTES
    }
    known = set(Department.objects.filter(uscc__in=named).values_list("uscc", flat=True))
    problems: dict[str, list[str]] = {}
    for index, step in enumerate(steps):
        if step.get("post", "review") not in posts:
            problems[f"process.steps.{index}.post"] = [_("岗位不存在。")]
        missing = [u for u in [step.get("department", ""), *step.get("departments", [])] if u]
        missing = [u for u in missing if u not in known and u not in ROUTES]
        if missing:
            problems[f"process.steps.{index}.departments"] = [
                _("部门不存在:%(usccs)s") % {"usccs": "、".join(missing)}
            ]
    return problems
