"""My account: own profile (unmasked), password change, own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.accounts import selectors, services
from govhall.core import errors
from govhall.portal.forms import PasswordChangeForm
from govhall.portal.http import add_service_error, application_errors


def _account_page(request: HttpRequest, password_form: PasswordChangeForm, status: int = 200):
    context = {
        "profile": request.user,
        "password_form": password_form,
        "tokens": selectors.token_list(actor=request.user),
    }
    return render(request, "portal/account.html", context, status=status)


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, PasswordChangeForm())


@require_POST
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    try:
        user = services.user_change_password(
            actor=request.user,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password"],
        )
    except errors.ApplicationError as exc:
        add_service_error(form, exc, field_map={"password": "new_password"})
        return _account_page(request, form, status=exc.status)
    # Keep this session signed in; other sessions end with the old password hash.
    update_session_auth_hash(request, user)
    messages.success(request, _("密码已修改。您的接口令牌已全部失效,请重新申请。"))
    return redirect("portal:account")


@require_POST
@login_required
@application_errors
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_get(actor=request.user, token_id=token_id)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌 %(prefix)s… 已吊销。") % {"prefix": token.prefix})
    return redirect("portal:account")
