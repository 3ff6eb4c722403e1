"""Precise push pages: the workbench's 精准推送 (rounds, start one, a round's reach) and the
citizen's own push preferences (opt out and back in)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from govhall.analytics import selectors_push
from govhall.analytics import services_push as services
from govhall.analytics.rules import rule_set_get
from govhall.core import errors
from govhall.portal.http import add_service_error, application_errors
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

RULE_SET = "public_rental_housing"
PAGE_SIZE = 20


class StartForm(forms.Form):
    purpose = forms.CharField(
        label=gettext_lazy("用途编号"),
        max_length=64,
        help_text=gettext_lazy(
            "本部门已登记的用途(如年度精准推送);办件编号只涵盖一户,不能用于全量分析"
        ),
    )
    on = forms.DateField(
        label=gettext_lazy("评估日期"),
        required=False,
        help_text=gettext_lazy("按该日生效的参数评估;缺省为今天"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    message = forms.CharField(
        label=gettext_lazy("推送内容"),
        max_length=services.MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("短信和站内消息的正文;系统会附上申请链接和退订链接"),
    )


@workbench_view
@require_http_methods(["GET", "POST"])
def push(request: HttpRequest) -> HttpResponse:
    rounds = selectors_push.push_round_list(
        actor=request.user
    )  # 403 for those who may not see push
    item = services.push_item_default(RULE_SET)
    form = StartForm(request.POST or None, initial={"message": services.default_message(RULE_SET)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = services.push_round_start(
                    actor=request.user,
                    rule_set=RULE_SET,
                    item=item,
                    purpose=form.cleaned_data["purpose"],
                    on=form.cleaned_data.get("on"),
                    message=form.cleaned_data["message"],
                )
            except errors.ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("推送批次已创建,正在后台分析,完成后显示触达情况。"))
                return redirect("analytics:push_round", round_id=row.pk)
        else:
            status = 400
    context = {
        "definition": rule_set_get(RULE_SET),
        "item": item,
        "can_start": item is not None and selectors_push.can_start_push(request.user, item),
        "form": form,
        "page": Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(
        request, "analytics/push.html", {**frame_context(request), **context}, status=status
    )


@workbench_view
def push_round(request: HttpRequest, round_id: int) -> HttpResponse:
    row = selectors_push.push_round_get(actor=request.user, round_id=round_id)
    context = {"round": row, "definition": rule_set_get(row.rule_set)}
    if request.headers.get("HX-Request"):
        return render(request, "analytics/_push_round_status.html", context)
    return render(request, "analytics/push_round.html", {**frame_context(request), **context})


@login_required
@require_http_methods(["GET", "POST"])
@application_errors
def push_preferences(request: HttpRequest) -> HttpResponse:
    """The logged-in citizen's own choices; there is no way to name another person."""
    if request.method == "POST":
        opted_out = request.POST.get("opted_out") == "1"
        services.push_opt_out_set(
            actor=request.user, topic=request.POST.get("topic", "")[:64], opted_out=opted_out
        )
        messages.success(
            request,
            _("已退订,今后不再向您推送此类信息。") if opted_out else _("已恢复接收此类推送。"),
        )
        return redirect("analytics:push_preferences")
    topics = services.push_preferences(actor=request.user)
    return render(request, "analytics/push_preferences.html", {"topics": topics})
