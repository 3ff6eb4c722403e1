"""Workbench pages of supervision: the live board of alerts (htmx refresh), one alert with its
history and actions, the accountability records and their decision.

Every page is behind ``workbench_view`` (anonymous → login, citizens → 403) and reads through the
actor-scoped selectors: another district's alert answers 404, another district's board too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases import presenters as case_presenters
from govhall.cases import selectors as case_selectors
from govhall.core import errors
from govhall.portal.http import add_service_error
from govhall.supervision import permissions, presenters, selectors, services
from govhall.supervision.models import Accountability, Alert
from govhall.supervision.sources import deadline_sources
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

PAGE_SIZE = 20


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200):
    return render(request, template, {**frame_context(request), **context}, status=status)


class AlertFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("级别"),
        required=False,
        choices=[("", gettext_lazy("全部")), *Alert.Level.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("未解除")),
            *Alert.State.choices,
            ("all", gettext_lazy("全部")),
        ],
    )
    source = forms.ChoiceField(label=gettext_lazy("来源"), required=False)
    department = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    item = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    post = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    region = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            ("", _("全部")),
            *((s.name, s.label) for s in deadline_sources()),
            *presenters.RULE_SOURCES.items(),
        ]

    def filters(self) -> selectors.AlertFilters:
        data = getattr(self, "cleaned_data", {})
        return selectors.AlertFilters(
            level=data.get("level") or "",
            state=data.get("state") or "",
            department=data.get("department"),
            item=data.get("item"),
            post=data.get("post") or "",
            source=data.get("source") or "",
            region=self.data.get("region", "").strip()[:12],
        )


@require_GET
@workbench_view
def alerts(request: HttpRequest) -> HttpResponse:
    """The live board: counts by level grouped by department, item and post, and the list."""
    form = AlertFilterForm(request.GET)
    form.is_valid()
    filters = form.filters()
    page = Paginator(selectors.alert_list(actor=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    groups = selectors.board_counts(actor=request.user, filters=filters)
    for param, rows in groups.items():
        for row in rows:
            query = request.GET.copy()
            query.pop("page", None)
            query[param] = row["id"]
            row["query"] = query.urlencode()
    context = {
        "form": form,
        "totals": selectors.level_totals(actor=request.user, filters=filters),
        "groups": groups,
        "page": page,
        "rows": [presenters.alert_row(alert) for alert in page.object_list],
        "can_supervise": permissions.can_supervise(request.user),
        "query": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "supervision/_board.html", context)
    return _page(request, "supervision/alerts.html", context)


class ActionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("说明"), required=False, max_length=2000, widget=forms.Textarea
    )


ACTIONS = {
    "acknowledge": services.alert_acknowledge,
    "comment": services.alert_comment,
    "escalate": services.alert_escalate,
}


def _timeline(request: HttpRequest, alert: Alert) -> list[dict[str, Any]]:
    """The case's history, when the actor may read the case (cases' own scoping)."""
    if not alert.case_id:
        return []
    try:
        case = case_selectors.case_get(actor=request.user, number=alert.case.number)
    except errors.NotFound:
        return []
    return case_presenters.timeline_rows(case)


def _alert_context(request: HttpRequest, alert: Alert, form: forms.Form | None = None):
    return {
        "timeline": _timeline(request, alert),
        "alert": alert,
        "row": presenters.alert_row(alert),
        "case_url": presenters.case_url(alert),
        "comments": [presenters.comment_row(c) for c in selectors.alert_comments(alert=alert)],
        "accountability": Accountability.objects.filter(alert=alert).first(),
        "can_supervise": permissions.can_supervise(request.user),
        "form": form or ActionForm(),
    }


@require_GET
@workbench_view
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(actor=request.user, alert_id=alert_id)
    return _page(request, "supervision/alert_detail.html", _alert_context(request, alert))


@require_POST
@workbench_view
def alert_act(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    alert = selectors.alert_get(actor=request.user, alert_id=alert_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            ACTIONS[action](actor=request.user, alert=alert, text=form.cleaned_data["text"])
        except errors.ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("supervision:alert_detail", alert_id=alert.pk)
    context = _alert_context(request, alert, form)
    return _page(request, "supervision/alert_detail.html", context, status=422)


@require_GET
@workbench_view
def accountabilities(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    page = Paginator(
        selectors.accountability_list(actor=request.user, state=state), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return _page(
        request,
        "supervision/accountabilities.html",
        {
            "state": state,
            "states": Accountability.State.choices,
            "page": page,
            "rows": [presenters.accountability_row(r) for r in page.object_list],
        },
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("认定结果"),
        choices=[
            (Accountability.State.CONFIRMED, gettext_lazy("认定追责")),
            (Accountability.State.DISMISSED, gettext_lazy("不予追责")),
        ],
    )
    findings = forms.CharField(
        label=gettext_lazy("调查情况"), required=False, max_length=2000, widget=forms.Textarea
    )
    reason = forms.CharField(
        label=gettext_lazy("认定理由"), required=False, max_length=2000, widget=forms.Textarea
    )


def _accountability_page(request: HttpRequest, record: Accountability, form=None, status=200):
    return _page(
        request,
        "supervision/accountability_detail.html",
        {
            "record": record,
            "row": presenters.accountability_row(record),
            "case_url": presenters.case_url(record.alert) if record.alert_id else "",
            "can_decide": permissions.can_supervise(request.user)
            and record.state == Accountability.State.OPEN,
            "form": form or DecideForm(),
        },
        status=status,
    )


@require_GET
@workbench_view
def accountability_detail(request: HttpRequest, accountability_id: int) -> HttpResponse:
    record = selectors.accountability_get(actor=request.user, accountability_id=accountability_id)
    return _accountability_page(request, record)


@require_POST
@workbench_view
def accountability_decide(request: HttpRequest, accountability_id: int) -> HttpResponse:
    record = selectors.accountability_get(actor=request.user, accountability_id=accountability_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.accountability_decide(
                actor=request.user,
                accountability=record,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                findings=form.cleaned_data["findings"],
            )
        except errors.ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已认定。"))
            return redirect("supervision:accountability_detail", accountability_id=record.pk)
    return _accountability_page(request, record, form, status=422)
