"""Who may open workbench pages: staff of a department and system administrators."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from govhall.accounts import permissions
from govhall.portal.http import application_errors


def workbench_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; citizens and enterprises get 403."""

    guarded = application_errors(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_use_workbench(request.user):
            raise PermissionDenied
        return guarded(request, *args, **kwargs)

    return wrapper
