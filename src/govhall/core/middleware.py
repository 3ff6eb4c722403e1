from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _

from govhall.core.context import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (the caller's ``X-Request-ID`` when well formed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


_QUERY_NUL = (b"\x00", b"%00")


class RejectNulBytesMiddleware:
    """Refuses (400) a request whose path, query string or non-multipart body carries a NUL
    character: PostgreSQL text cannot hold one, so it would otherwise surface as a database error
    (a 500) wherever the value reaches a query. Multipart bodies (file uploads) are left alone;
    their text fields are validated where they are read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            message = _("请求中含有不允许的空字符(NUL)。")
            if request.path.startswith("/api/"):
                body = {"error": {"code": "invalid_characters", "message": message, "fields": {}}}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        if any(mark in query for mark in _QUERY_NUL):
            return True
        if request.content_type == "application/x-www-form-urlencoded":
            marks: tuple[bytes, ...] = _QUERY_NUL
        elif request.content_type.endswith("json"):
            marks = (b"\x00", b"\\u0000", b"\\U0000")
        else:
            return False
        try:
            body = request.body
        except (RequestDataTooBig, RawPostDataException, OSError):
            return False  # the view answers a body it cannot read
        return any(mark in body for mark in marks)
