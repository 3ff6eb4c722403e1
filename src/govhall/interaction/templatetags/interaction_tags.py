"""``{% case_rating case %}``: the rating block on the applicant's case page (我的办件)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from govhall.interaction import permissions, selectors
from govhall.interaction.forms import RatingForm

register = template.Library()


@register.inclusion_tag("interaction/portal/_case_rating.html", takes_context=True)
def case_rating(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not permissions.can_rate(user, case):
        return {"show": False}
    evaluations = [e for e in selectors.evaluations_of_case(case) if e.stage == e.Stage.COMPLETION]
    state = selectors.evaluation_state(case)
    return {
        "show": bool(evaluations) or state["can_rate"],
        "evaluations": evaluations,
        "state": state,
        "form": RatingForm(),
        "action": reverse("interaction:case_rate", args=[case.number]),
        "csrf_token": context.get("csrf_token"),
    }
