"""Registration, login and logout pages. Every rule is in ``govhall.accounts.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govhall.accounts import permissions, services
from govhall.accounts.models import User
from govhall.accounts.throttles import registration_allowed
from govhall.core import errors
from govhall.core.identifiers import normalize_id_number
from govhall.portal.forms import CitizenRegisterForm, EnterpriseRegisterForm, LoginForm
from govhall.portal.http import add_service_error, safe_next_url

# A freshly registered user did not pass through authenticate(); name the backend for login().
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

REGISTER_KINDS = ("citizen", "enterprise")


def landing_url(user: User) -> str:
    """Where a user goes after logging in without a ``next``: staff to the workbench."""
    if permissions.can_use_workbench(user):
        return reverse("workbench:home")
    return reverse("portal:account")


def _register_user(kind: str, data: dict[str, str]) -> User:
    if kind == "enterprise":
        return services.user_register_enterprise(
            name=data["name"],
            uscc=data["uscc"],
            legal_representative=data["legal_representative"],
            phone=data["phone"],
            password=data["password"],
        )
    return services.user_register_citizen(
        name=data["name"],
        id_number=data["id_number"],
        phone=data["phone"],
        password=data["password"],
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", "citizen")
    if kind not in REGISTER_KINDS:
        kind = "citizen"
    form_class = EnterpriseRegisterForm if kind == "enterprise" else CitizenRegisterForm
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not registration_allowed(request):
            form.is_valid()
            form.add_error(None, _("注册过于频繁,请稍后再试。"))
            return render(request, "portal/register.html", {"form": form, "kind": kind}, status=429)
        if form.is_valid():
            try:
                user = _register_user(kind, form.cleaned_data)
            except errors.ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(request, _("注册成功,欢迎您,%(name)s。") % {"name": user.name})
                return redirect("portal:account")
        else:
            status = 400
    return render(request, "portal/register.html", {"form": form, "kind": kind}, status=status)


@require_POST
def check_id_number(request: HttpRequest) -> HttpResponse:
    """htmx: the format of a typed 身份证号 (checksum, date, length). Says nothing about whether
    it is registered. POST, so that ID numbers never appear in access logs."""
    value = request.POST.get("id_number", "").strip()
    context: dict[str, object] = {"value": value}
    if value:
        try:
            normalize_id_number(value)
        except errors.ValidationError as exc:
            context.update(ok=False, message=exc.message)
        else:
            context.update(ok=True, message=_("身份证号格式正确。"))
    return render(request, "portal/_id_check.html", context)


@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    raw_next = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    next_url = safe_next_url(request, raw_next)
    if request.method != "POST":
        form = LoginForm(initial={"next": next_url or ""})
        return render(request, "portal/login.html", {"form": form})

    form = LoginForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/login.html", {"form": form}, status=400)
    try:
        user = services.user_authenticate(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
    except errors.TooManyRequests as exc:
        return render(request, "portal/locked_out.html", {"message": exc.message}, status=429)
    except errors.ApplicationError as exc:
        form.add_error(None, exc.message)
        return render(request, "portal/login.html", {"form": form}, status=400)
    login(request, user)
    return redirect(next_url or landing_url(user))


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("portal:home")
