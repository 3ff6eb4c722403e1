"""What the applicant's pages (``views_portal*.py``) share: error sorting and small parsers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from govhall.cases.formdef import FORM_ERRORS
from govhall.core import errors

PAGE_SIZE = 20


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def split_errors(exc: errors.ApplicationError) -> tuple[dict[str, list[str]], dict[int, list[str]]]:
    """A service error's fields sorted for the application page: the form's (``form.x.y`` →
    ``x.y``, as formdef names them) and the materials' (``materials.<id>`` → id)."""
    form: dict[str, list[str]] = {}
    materials: dict[int, list[str]] = {}
    for name, messages in exc.fields.items():
        if name.startswith("form."):
            form[name.removeprefix("form.")] = messages
        elif name.startswith("materials."):
            key = int_or_none(name.removeprefix("materials."))
            if key is not None:
                materials[key] = messages
        elif name == FORM_ERRORS:
            form[FORM_ERRORS] = messages
    return form, materials


def upload_error(exc: errors.ApplicationError) -> list[str]:
    """The messages of a refused upload (the file's own, else the error's message)."""
    return exc.fields.get("file") or [exc.message]


def posted_text(request: HttpRequest, name: str, limit: int = 2000) -> str:
    return (request.POST.get(name) or "").strip()[:limit]
