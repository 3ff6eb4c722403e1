"""``Idempotency-Key`` for writes that create things (DESIGN.md §7).

The first request with a key claims it (a unique row per user, scope and key) in the transaction
that does the work, and stores its answer; a retry with the same key gets that answer again, and a
concurrent twin waits for the first to commit (the unique index) and then gets it too. A failed
request stores nothing, so that it can be retried.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from govhall.cases.models import IdempotentRequest
from govhall.core import errors

HEADER = "Idempotency-Key"


def _jsonable(data: object) -> object:
    import json

    return json.loads(json.dumps(data, cls=JSONEncoder))


def idempotent(request: Request, *, scope: str, run: Callable[[], Response]) -> Response:
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return run()
    if len(key) > 100:
        raise errors.ValidationError(_("Idempotency-Key 过长(最多100个字符)。"), code="invalid_key")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=request.user, scope=scope, key=key, status_code=0, body={}
                )
        except IntegrityError:
            record = IdempotentRequest.objects.get(user=request.user, scope=scope, key=key)
            return Response(record.body, status=record.status_code)
        response = run()
        record.status_code = response.status_code
        record.body = _jsonable(response.data)
        record.save(update_fields=["status_code", "body"])
        return response
