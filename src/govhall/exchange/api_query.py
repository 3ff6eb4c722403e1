"""Registry queries: one subject's profile, one-click verification, batch verification."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.exchange import selectors_batch, services_batch, services_query
from govhall.exchange.access_log import AccessContext
from govhall.exchange.models import AccessLogEntry

TAGS = ["exchange"]


def api_context(request) -> AccessContext:
    """Who reads: the user, and the system client when a bearer token names one."""
    token = request.auth if hasattr(request.auth, "prefix") else None
    client = ""
    if token is not None:
        client = f"{token.name or 'token'} ({token.prefix}…)"
    return AccessContext(actor=request.user, channel=AccessLogEntry.Channel.API, client=client)


def _codes(value: str | None) -> list[str] | None:
    codes = [code.strip() for code in (value or "").split(",") if code.strip()]
    return list(dict.fromkeys(codes)) or None


def record_json(row, view) -> dict:
    return {
        "record_key": row.record_key,
        "data": row.data,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "source": view.provider,
        "updated_at": row.updated_at,
        "load": row.load_id,
    }


def profile_json(result: services_query.ProfileResult, *, withheld: bool) -> dict:
    views = {view.code: view for view in result.resources}
    return {
        "subject_key": result.subject_key,
        "as_of": result.as_of,
        "purpose": {"reference": result.purpose.reference, "title": result.purpose.title},
        "resources": [
            {
                "code": view.code,
                "name": view.name,
                "provider": view.provider,
                "fields": [
                    {"name": name, "label": view.labels[name], "personal": name in view.personal}
                    for name in view.allowed
                ],
            }
            for view in result.resources
        ],
        "subjects": [
            {
                "subject_key": subject.subject_key,
                "records": {
                    code: [record_json(row, views[code]) for row in rows]
                    for code, rows in subject.records.items()
                },
            }
            for subject in result.subjects
        ],
        "withheld": [
            {"code": view.code, "name": view.name, "reason": "no_grant"}
            for view in (result.withheld if withheld else [])
        ],
        "access_log": result.log_entry.seq,
    }


class ProfileApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("purpose", str, required=True, description="办件编号或登记的用途编号"),
            OpenApiParameter(
                "resources", str, description="资源代码,逗号分隔;缺省为全部已授权资源"
            ),
            OpenApiParameter("household", bool, description="同时查询家庭成员"),
        ],
        responses={200: dict},
        tags=TAGS,
    )
    def get(self, request, key: str):
        codes = _codes(request.query_params.get("resources"))
        result = services_query.profile_read(
            context=api_context(request),
            subject_key=key,
            purpose_reference=request.query_params.get("purpose"),
            resource_codes=codes,
            household=request.query_params.get("household") in {"1", "true", "yes"},
        )
        return Response(profile_json(result, withheld=codes is not None))


class VerificationApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("item", str, required=True, description="事项实施编码"),
            OpenApiParameter("purpose", str, required=True, description="办件编号或登记的用途编号"),
        ],
        responses={200: dict},
        tags=TAGS,
    )
    def get(self, request, key: str):
        result = services_query.verification_read(
            context=api_context(request),
            item_code=request.query_params.get("item") or "",
            subject_key=key,
            purpose_reference=request.query_params.get("purpose"),
        )
        return Response(
            {
                "item": {"code": result.item_code, "name": result.item_name},
                "materials": [check.__dict__ for check in result.materials],
                "profile": profile_json(result.profile, withheld=True),
            }
        )


class CheckSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=40, required=False)
    resource = serializers.CharField(max_length=40)
    aggregate = serializers.ChoiceField(choices=sorted(services_batch.AGGREGATES))
    field = serializers.CharField(max_length=40, required=False, allow_blank=True)
    op = serializers.ChoiceField(choices=sorted(services_batch.OPERATORS), required=False)
    value = serializers.JSONField(required=False)


class BatchSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    purpose_reference = serializers.CharField()
    resources = serializers.ListField(child=serializers.CharField())
    checks = serializers.ListField(child=serializers.DictField())
    subject_count = serializers.IntegerField()
    passed_count = serializers.IntegerField()
    failed_count = serializers.IntegerField()
    not_found_count = serializers.IntegerField()
    seconds = serializers.FloatField()


def batch_summary(batch, request) -> dict:
    data = BatchSummarySerializer(batch).data
    data["downloads"] = {
        fmt: request.build_absolute_uri(f"/api/v1/exchange/verifications/{batch.pk}/results.{fmt}")
        for fmt in ("csv", "xlsx")
    }
    return data


class VerificationBatchApi(APIView):
    class InputSerializer(serializers.Serializer):
        purpose = serializers.CharField(max_length=64, allow_blank=True)
        resources = serializers.ListField(
            child=serializers.CharField(max_length=40), required=False, default=list
        )
        checks = CheckSerializer(many=True, required=False, default=list)
        subjects = serializers.ListField(
            child=serializers.CharField(max_length=64), allow_empty=False
        )

    @extend_schema(request=InputSerializer, responses={201: dict}, tags=TAGS)
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services_batch.verifications_run(
            context=api_context(request),
            purpose_reference=data["purpose"],
            subjects=data["subjects"],
            resource_codes=data["resources"],
            checks=[dict(check) for check in data["checks"]],
        )
        body = batch_summary(result.batch, request)
        body["results"] = result.results
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: BatchSummarySerializer(many=True)}, tags=TAGS)
    def get(self, request):
        from govhall.api.pagination import PageNumberPagination

        paginator = PageNumberPagination()
        batches = selectors_batch.batch_list(actor=request.user)
        page = paginator.paginate_queryset(batches, request, view=self)
        return paginator.get_paginated_response([batch_summary(b, request) for b in page])


class VerificationBatchDetailApi(APIView):
    @extend_schema(responses={200: BatchSummarySerializer}, tags=TAGS)
    def get(self, request, batch_id: int):
        batch = selectors_batch.batch_get(actor=request.user, batch_id=batch_id)
        return Response(batch_summary(batch, request))


class VerificationResultsApi(APIView):
    @extend_schema(responses={(200, "text/csv"): bytes}, tags=TAGS)
    def get(self, request, batch_id: int, fmt: str):
        batch = selectors_batch.batch_get(actor=request.user, batch_id=batch_id)
        return results_response(batch, fmt)


def results_response(batch, fmt: str) -> HttpResponse:
    content, content_type = selectors_batch.batch_results_file(batch=batch, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="verification-{batch.pk}.{fmt}"'
    return response


urlpatterns = [
    path(
        "exchange/subjects/<str:key>/profile",
        ProfileApi.as_view(),
        name="exchange-subject-profile",
    ),
    path(
        "exchange/subjects/<str:key>/verification",
        VerificationApi.as_view(),
        name="exchange-subject-verification",
    ),
    path("exchange/verifications", VerificationBatchApi.as_view(), name="exchange-verifications"),
    path(
        "exchange/verifications/<int:batch_id>",
        VerificationBatchDetailApi.as_view(),
        name="exchange-verification",
    ),
    path(
        "exchange/verifications/<int:batch_id>/results.<str:fmt>",
        VerificationResultsApi.as_view(),
        name="exchange-verification-results",
    ),
]
