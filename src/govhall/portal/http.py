"""Translating service errors into pages: ``govhall.core.errors`` never reach a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from govhall.core import errors


def render_error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(
        request, "portal/error.html", {"status": status, "message": message}, status=status
    )


def application_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Service errors a view did not handle itself become the matching error page.

    NotFound → 404 and PermissionDenied → 403 (through the project's handlers); every other
    ApplicationError → the friendly error page with its status and message.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(exc.message) from exc
        except errors.PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except errors.ApplicationError as exc:
            return render_error(request, exc.status, exc.message)

    return wrapper


def add_service_error(
    form: forms.Form, exc: errors.ApplicationError, field_map: dict[str, str] | None = None
) -> None:
    """Show a service error at the fields it names; the rest (and its message) above the form.

    ``field_map`` renames the service's field names to the form's (``password`` →
    ``new_password``).
    """
    for name, messages in exc.fields.items():
        field = (field_map or {}).get(name, name)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def safe_next_url(request: HttpRequest, value: str | None) -> str | None:
    """``value`` when it is a path on this site (never another host or scheme), else None."""
    if not value:
        return None
    if url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None
