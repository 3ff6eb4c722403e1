"""The public progress query (办件进度查询) and agents' authorizations (代办授权)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govhall.cases import permissions, selectors, services_apply
from govhall.cases.apis import ProgressThrottle
from govhall.cases.views_portal_forms import AuthorizationForm, ProgressForm
from govhall.core import errors
from govhall.portal.http import application_errors


class _ProgressPageThrottle(ProgressThrottle):
    """The API's limit on progress queries, counted per address for signed-in visitors too,
    so that the page and the API share one budget."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """进度查询: number + applicant name (or query password); a wrong pair reads as not found.
    POST keeps the name out of addresses and logs; ``?number=`` (the notices' QR code) fills in
    the number."""
    result = None
    status = 200
    if request.method == "POST":
        form = ProgressForm(request.POST)
        if not _ProgressPageThrottle().allow_request(request, None):
            form.is_valid()
            form.add_error(None, _("查询过于频繁,请稍后再试。"))
            status = 429
        elif form.is_valid():
            try:
                result = selectors.progress_lookup(
                    number=form.cleaned_data["number"],
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                )
            except errors.NotFound as exc:
                form.add_error(None, exc.message)
                status = 404
        else:
            status = 400
    else:
        form = ProgressForm(initial={"number": (request.GET.get("number") or "").strip()[:40]})
    return render(
        request, "cases/portal/progress.html", {"form": form, "result": result}, status=status
    )


def _authorizations_page(
    request: HttpRequest, form: AuthorizationForm | None, status: int = 200
) -> HttpResponse:
    context = {
        "authorizations": [
            (authorization, permissions.authorization_valid(authorization))
            for authorization in selectors.authorization_list(actor=request.user)
        ],
        "form": form,
        "is_agent": permissions.is_agent(request.user),
    }
    return render(request, "cases/portal/authorizations.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@application_errors
def my_authorizations(request: HttpRequest) -> HttpResponse:
    """A person sees the authorizations given in their name; an agent sees theirs and records a
    new one with the signed letter."""
    if not permissions.can_apply(request.user):
        raise errors.PermissionDenied(_("代办授权只供申请人和代办员使用。"))
    if not permissions.is_agent(request.user):
        if request.method == "POST":
            raise errors.PermissionDenied(_("只有代办员可以登记代办授权。"))
        return _authorizations_page(request, None)
    if request.method == "GET":
        return _authorizations_page(request, AuthorizationForm())
    form = AuthorizationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _authorizations_page(request, form, status=400)
    try:
        services_apply.authorization_create(
            actor=request.user,
            principal_key=form.cleaned_data["principal"],
            item_code=form.cleaned_data["item"],
            letter=form.cleaned_data["letter"],
            valid_until=form.cleaned_data["valid_until"],
        )
    except (errors.ValidationError, errors.NotFound, errors.PermissionDenied) as exc:
        _place_errors(form, exc)
        return _authorizations_page(request, form, status=exc.status)
    messages.success(request, _("代办授权已登记,已通知委托人。"))
    return redirect("cases:my_authorizations")


FIELD_NAMES = {
    "principal": "principal",
    "id_number": "principal",
    "uscc": "principal",
    "valid_until": "valid_until",
    "file": "letter",
}


def _place_errors(form: AuthorizationForm, exc: errors.ApplicationError) -> None:
    placed = False
    for name, problems in exc.fields.items():
        field = FIELD_NAMES.get(name)
        if field:
            form.add_error(
                field, problems[0] if name in {"file", "uscc", "id_number"} else exc.message
            )
            placed = True
    if not placed:
        on_item = isinstance(exc, errors.NotFound) or exc.code == "item_not_online"
        form.add_error("item" if on_item else None, exc.message)


@require_POST
@login_required
@application_errors
def authorization_revoke(request: HttpRequest, authorization_id: int) -> HttpResponse:
    authorization = selectors.authorization_get(
        actor=request.user, authorization_id=authorization_id
    )
    services_apply.authorization_revoke(actor=request.user, authorization=authorization)
    messages.success(request, _("授权已撤销,代办员不能再以该授权代您申报。"))
    return redirect("cases:my_authorizations")
