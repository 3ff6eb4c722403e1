"""REST endpoints of ingestion (数据归集), mounted under /api/v1/.

- ``POST exchange/resources/{code}/loads`` (multipart: ``file``, ``mode``, optional
  ``file_format`` = csv | xlsx | json, else taken from the file name): 201 with the load,
  whether it loaded or was rejected row by row (``status``, counts, ``rejections``). A file
  that cannot be loaded at all (unreadable, wrong columns, too large, no rows) answers 422
  ``invalid_file`` / ``invalid_columns``.
- ``POST exchange/resources/{code}/records`` (JSON ``{"mode", "rows": [{column: value}, ...]}``,
  at most 10,000 rows, else 422 ``too_many_rows``): 201 with the load.
- ``GET exchange/resources/{code}/loads``: the history, newest first, paginated.
- ``GET exchange/loads/{id}``: one load with its first 1,000 rejections;
  ``GET exchange/loads/{id}/rejections.csv``: all of them.

Only the provider department's data officers load; administrators read the history. Someone
who is no data officer gets 403, another department's data officer 404.
"""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.core import errors
from govhall.exchange import services_ingest as services
from govhall.exchange.ingest import selectors
from govhall.exchange.ingest.reading import FORMATS, format_from_name
from govhall.exchange.models import Load

TAGS = ["exchange ingestion"]


class _Rejection(serializers.Serializer):
    line = serializers.IntegerField()
    field = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()
    code = serializers.CharField()


class LoadSerializer(serializers.ModelSerializer):
    resource = serializers.CharField(source="resource.code")
    loaded_by = serializers.CharField(source="loaded_by.username", default=None)
    status_label = serializers.CharField(source="get_status_display")
    rejections_url = serializers.SerializerMethodField()

    class Meta:
        model = Load
        fields = [
            "id",
            "resource",
            "source",
            "mode",
            "status",
            "status_label",
            "file_name",
            "file_format",
            "content_sha256",
            "rows_total",
            "rows_valid",
            "rows_rejected",
            "rows_inserted",
            "rows_updated",
            "rows_unchanged",
            "error",
            "method",
            "seconds",
            "loaded_by",
            "created_at",
            "finished_at",
            "rejections_url",
        ]

    def get_rejections_url(self, load: Load) -> str | None:
        if not load.rows_rejected:
            return None
        return reverse("api:exchange-load-rejections", args=[load.pk])


class LoadDetailSerializer(LoadSerializer):
    rejections = _Rejection(many=True)

    class Meta(LoadSerializer.Meta):
        fields = [*LoadSerializer.Meta.fields, "rejections"]


def _created(load: Load) -> Response:
    return Response(LoadDetailSerializer(load).data, status=status.HTTP_201_CREATED)


class ResourceLoadsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        mode = serializers.ChoiceField(choices=Load.Mode.choices, default=Load.Mode.ALL_OR_NOTHING)
        file_format = serializers.ChoiceField(choices=FORMATS, required=False)

    @extend_schema(responses={200: LoadSerializer(many=True)}, tags=TAGS)
    def get(self, request: Request, code: str) -> Response:
        resource = selectors.loadable_resource_get(actor=request.user, code=code)
        loads = selectors.load_list(actor=request.user, resource=resource)
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(loads, request, view=self)
        return paginator.get_paginated_response(LoadSerializer(rows, many=True).data)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: LoadDetailSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, code: str) -> Response:
        resource = selectors.loadable_resource_get(actor=request.user, code=code)
        services.load_allowed_check(actor=request.user, resource=resource)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        file_format = data.get("file_format") or format_from_name(upload.name or "")
        if file_format is None:
            message = _("只支持 CSV、Excel(.xlsx)和 JSON 文件。")
            raise errors.ValidationError(message, code="invalid_file", fields={"file": [message]})
        load = services.records_ingest(
            actor=request.user,
            resource=resource,
            stream=upload,
            file_format=file_format,
            mode=data["mode"],
            source=Load.Source.UPLOAD,
            file_name=upload.name or "",
        )
        return _created(load)


class RecordPushApi(APIView):
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        mode = serializers.ChoiceField(choices=Load.Mode.choices, default=Load.Mode.ALL_OR_NOTHING)
        rows = serializers.ListField(child=serializers.DictField(), allow_empty=False)

    @extend_schema(request=InputSerializer, responses={201: LoadDetailSerializer}, tags=TAGS)
    def post(self, request: Request, code: str) -> Response:
        resource = selectors.loadable_resource_get(actor=request.user, code=code)
        services.load_allowed_check(actor=request.user, resource=resource)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        load = services.records_push(
            actor=request.user,
            resource=resource,
            rows=serializer.validated_data["rows"],
            mode=serializer.validated_data["mode"],
        )
        return _created(load)


class LoadDetailApi(APIView):
    @extend_schema(responses={200: LoadDetailSerializer}, tags=TAGS)
    def get(self, request: Request, load_id: int) -> Response:
        load = selectors.load_get(actor=request.user, load_id=load_id)
        return Response(LoadDetailSerializer(load).data)


class _AnyFormat(DefaultContentNegotiation):
    """The CSV is the view's own response; errors are JSON whatever the client accepts."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class LoadRejectionsApi(APIView):
    content_negotiation_class = _AnyFormat

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY}, tags=TAGS)
    def get(self, request: Request, load_id: int) -> StreamingHttpResponse:
        load = selectors.load_get(actor=request.user, load_id=load_id)
        response = StreamingHttpResponse(
            selectors.load_rejections_csv(load=load), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="load-{load.pk}-rejections.csv"'
        return response


urlpatterns = [
    path(
        "exchange/resources/<slug:code>/loads",
        ResourceLoadsApi.as_view(),
        name="exchange-resource-loads",
    ),
    path(
        "exchange/resources/<slug:code>/records",
        RecordPushApi.as_view(),
        name="exchange-resource-records",
    ),
    path("exchange/loads/<int:load_id>", LoadDetailApi.as_view(), name="exchange-load"),
    path(
        "exchange/loads/<int:load_id>/rejections.csv",
        LoadRejectionsApi.as_view(),
        name="exchange-load-rejections",
    ),
]
