"""Error handlers: JSON ``{"error": {...}}`` under /api/, a friendly page everywhere else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _error(
    request: HttpRequest, status: int, code: str, message: str, *, minimal: bool = False
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}}, status=status
        )
    # ``minimal``: the page touches neither the session nor the database (a 500 may come from
    # either being unavailable).
    context = {"status": status, "message": message, "minimal": minimal}
    return render(request, "portal/error.html", context, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "bad_request", _("请求有误。"))


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "forbidden", _("您没有权限访问此页面。"))


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found", _("您访问的页面不存在。"))


def error_500(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "server_error", _("系统繁忙,请稍后再试。"), minimal=True)
