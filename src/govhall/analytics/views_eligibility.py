"""Workbench page: a household's eligibility explained (staff with grants, a purpose)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.analytics.rules import rule_set_get
from govhall.analytics.services_eligibility import eligibility_explain
from govhall.analytics.verification import explanation_rows
from govhall.core import errors
from govhall.core.identifiers import mask_id_number
from govhall.exchange import permissions
from govhall.exchange.models import AccessLogEntry
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

RULE_SET = "public_rental_housing"


class ExplainForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("申请人身份证号"), max_length=40)
    purpose = forms.CharField(label=gettext_lazy("用途(办件编号或用途编号)"), max_length=64)
    on = forms.DateField(
        label=gettext_lazy("评估日期"),
        required=False,
        help_text=gettext_lazy("按该日生效的参数评估(办件按申请日期);缺省为今天"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@workbench_view
def eligibility(request: HttpRequest) -> HttpResponse:
    if not permissions.can_query_registries(request.user):
        raise errors.PermissionDenied(_("只有政府部门工作人员可以核查资格。"))
    definition = rule_set_get(RULE_SET)
    form = ExplainForm(request.GET or None)
    result, status = None, 200
    if form.is_bound and form.is_valid():
        try:
            result = eligibility_explain(
                actor=request.user,
                purpose=form.cleaned_data["purpose"],
                subject_key=form.cleaned_data["subject"],
                rule_set=RULE_SET,
                on=form.cleaned_data.get("on") or None,
                channel=AccessLogEntry.Channel.PAGE,
            )
        except errors.ApplicationError as exc:
            form.add_error(None, exc.message)
            status = exc.status
    context = {
        "form": form,
        "definition": definition,
        "result": result,
        "rows": explanation_rows(result) if result else [],
        "members": [mask_id_number(m) for m in result["members"]] if result else [],
        "today": dt.date.today(),
    }
    return render(
        request, "analytics/eligibility.html", {**frame_context(request), **context}, status=status
    )
