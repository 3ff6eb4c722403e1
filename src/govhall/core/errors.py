"""Error types raised by services and selectors.

Each carries an HTTP status and a stable machine code; the API maps them to
``{"error": {"code", "message", "fields"}}`` (govhall.api.errors) and pages to friendly messages
(govhall.portal.views.error pages).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status = 400
    code = "error"
    default_message = _("请求无法处理。")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        if code:
            self.code = code
        self.fields = {key: [str(m) for m in msgs] for key, msgs in (fields or {}).items()}
        super().__init__(self.message)


class ValidationError(ApplicationError):
    """The input has the right shape but breaks a rule (checksum, duplicate, policy)."""

    status = 422
    code = "invalid"
    default_message = _("提交的信息有误,请检查后重试。")


class PermissionDenied(ApplicationError):
    status = 403
    code = "forbidden"
    default_message = _("您没有权限执行此操作。")


class NotFound(ApplicationError):
    """Missing, or not visible to the actor: both answer the same."""

    status = 404
    code = "not_found"
    default_message = _("未找到相应的记录。")


class Conflict(ApplicationError):
    """The object is not in a state that allows the action, or it already exists."""

    status = 409
    code = "conflict"
    default_message = _("当前状态不允许此操作,请刷新后重试。")


class AuthenticationFailed(ApplicationError):
    status = 401
    code = "unauthenticated"
    default_message = _("请先登录。")


class TooManyRequests(ApplicationError):
    status = 429
    code = "too_many_requests"
    default_message = _("操作过于频繁,请稍后再试。")
