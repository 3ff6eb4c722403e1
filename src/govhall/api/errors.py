"""One error format for the whole API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from govhall.core import errors


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    headers: dict[str, str] = {}
    if isinstance(exc, errors.ApplicationError):
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handling and logging take over

    set_rollback()
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ParseError):
        body = error_body("malformed_request", _("请求体不是有效的 JSON 或表单数据。"))
    elif isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail) if isinstance(detail, dict) else {}
        non_field = fields.pop("non_field_errors", None) if isinstance(fields, dict) else None
        if isinstance(detail, list):
            non_field = _flatten(detail)
        message = non_field[0] if non_field else _("提交的信息有误,请检查后重试。")
        body = error_body("invalid", message, fields)
    elif isinstance(exc, exceptions.NotAuthenticated):
        body = error_body("unauthenticated", _("请先登录或提供有效的访问令牌。"))
    elif isinstance(exc, exceptions.AuthenticationFailed):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "unauthenticated"
        body = error_body(
            code if code != "authentication_failed" else "unauthenticated", str(exc.detail)
        )
    elif isinstance(exc, exceptions.PermissionDenied):
        body = error_body("forbidden", _("您没有权限执行此操作。"))
    elif isinstance(exc, exceptions.NotFound):
        body = error_body("not_found", _("未找到相应的记录。"))
    elif isinstance(exc, exceptions.MethodNotAllowed):
        body = error_body("method_not_allowed", _("不支持该请求方法。"))
    elif isinstance(exc, exceptions.Throttled):
        body = error_body("too_many_requests", _("操作过于频繁,请稍后再试。"))
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        body = error_body("unsupported_media_type", _("不支持的请求内容类型。"))
    elif isinstance(exc, exceptions.NotAcceptable):
        body = error_body("not_acceptable", _("无法提供所请求的响应格式。"))
    else:
        body = error_body(str(exc.default_code), str(exc.detail))
    status_code = exc.status_code if exc.status_code else status.HTTP_400_BAD_REQUEST
    return Response(body, status=status_code, headers=headers)
