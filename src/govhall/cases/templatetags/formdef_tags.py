"""``{% formdef_form definition values=... sources=... errors=... prefill=... %}``: an application
form rendered from its definition (see govhall.cases.formdef)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from govhall.cases.formdef_prefill import Prefill
from govhall.cases.formdef_render import formdef_context

register = template.Library()


@register.inclusion_tag("cases/includes/formdef_form.html")
def formdef_form(
    definition: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    sources: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    prefill: Prefill | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    context = formdef_context(
        definition, values=values, sources=sources, errors=errors, prefill=prefill
    )
    return {"formdef": context}
