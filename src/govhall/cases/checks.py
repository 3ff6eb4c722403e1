"""What the cases app checks of an item version before the catalog publishes it: the process
definition runs on the engine and the application form is well-formed."""

from __future__ import annotations

from typing import Any

from govhall.cases.formdef import formdef_check
from govhall.cases.workflow import process_check
from govhall.core import errors


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
    return problems
