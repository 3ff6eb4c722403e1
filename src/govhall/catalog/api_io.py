"""Import and export of the lists over the API (paths relative to /api/v1/).

- ``POST items/import`` (multipart: ``file``, ``reason``, optional ``department`` = USCC, honoured
  for system administrators; a catalog administrator always imports for their own department):
  200 ``{"created", "updated", "unchanged", "drafts": [...]}``. A file with errors imports
  nothing and answers 422 in the project's error shape, the problems under ``fields.rows``::

      {"error": {"code": "import_invalid", "message": "导入文件有 3 处错误…",
                 "fields": {"rows": [{"sheet": "事项", "row": 2, "column": "基本编码",
                                      "message": "基本编码应为12位数字。"}, ...]}}}

  ``row`` is null for a problem of a whole sheet or file member. A file that cannot be read at
  all (garbage, .xls, over 10 MB) answers 422 with code ``invalid_file`` and ``fields.file``.
- ``GET items/export?format=xlsx|csv|json|gbt39046&department=<USCC or id>``: the published
  catalog, public. ``include=latest`` (drafts too) only for who may edit them.
- ``GET items/import-template?format=xlsx|csv|json``: the template, for catalog administrators.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.accounts import permissions as account_permissions
from govhall.catalog.importexport import (
    CONTENT_TYPES,
    FORMATS,
    MAX_FILE_BYTES,
    catalog_export,
    catalog_import,
    catalog_template,
    export_filename,
    template_filename,
)
from govhall.catalog.importexport.services import require_importer
from govhall.core import errors
from govhall.organizations.models import Department


class FormatParameterNegotiation(DefaultContentNegotiation):
    """``?format=`` names the file format here, not a DRF renderer: always answer JSON (errors)
    or the file the view returns."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _department(value: str | None) -> Department | None:
    if not value:
        return None
    value = value.strip().upper()
    found = Department.objects.filter(uscc=value).first()
    if found is None and value.isdigit() and len(value) < 18:
        found = Department.objects.filter(pk=int(value)).first()
    if found is None:
        raise errors.NotFound()
    return found


class ItemImportApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        reason = serializers.CharField(max_length=500)
        department = serializers.CharField(max_length=18, required=False, allow_blank=True)

    class DraftSerializer(serializers.Serializer):
        sheet = serializers.CharField()
        row = serializers.IntegerField()
        implementation_code = serializers.CharField()
        name = serializers.CharField()
        action = serializers.CharField()
        version = serializers.IntegerField(source="version.number")
        state = serializers.CharField(source="version.state")

    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        unchanged = serializers.IntegerField()

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={200: OutputSerializer},
        tags=["catalog"],
    )
    def post(self, request):
        require_importer(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if account_permissions.is_system_admin(request.user):
            department = _department(data.get("department"))
        else:
            department = request.user.department
        report = catalog_import(
            actor=request.user,
            department_or_none=department,
            file_bytes=data["file"].read(MAX_FILE_BYTES + 1),
            filename=data["file"].name or "",
            reason=data["reason"],
        )
        body: dict[str, Any] = report.as_dict()
        body["drafts"] = self.DraftSerializer(
            [row for row in report.rows if row.version is not None], many=True
        ).data
        return Response(body)


class ItemExportApi(APIView):
    permission_classes = [AllowAny]
    content_negotiation_class = FormatParameterNegotiation

    class QuerySerializer(serializers.Serializer):
        format = serializers.ChoiceField(choices=FORMATS, default="xlsx")
        department = serializers.CharField(max_length=18, required=False, allow_blank=True)
        include = serializers.ChoiceField(choices=["published", "latest"], default="published")

    @extend_schema(
        parameters=[
            OpenApiParameter("format", enum=list(FORMATS)),
            OpenApiParameter("department", description="USCC or id"),
            OpenApiParameter("include", enum=["published", "latest"]),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        tags=["catalog"],
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = query.validated_data["format"]
        department = _department(query.validated_data.get("department"))
        content = catalog_export(
            fmt=fmt,
            department=department,
            include=query.validated_data["include"],
            actor=request.user,
        )
        return _download(content, fmt, export_filename(fmt, department))


class ItemImportTemplateApi(APIView):
    content_negotiation_class = FormatParameterNegotiation

    class QuerySerializer(serializers.Serializer):
        format = serializers.ChoiceField(choices=["xlsx", "csv", "json"], default="xlsx")

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=["xlsx", "csv", "json"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        tags=["catalog"],
    )
    def get(self, request):
        require_importer(request.user)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = query.validated_data["format"]
        department = None
        if not account_permissions.is_system_admin(request.user):
            department = request.user.department
        return _download(
            catalog_template(fmt=fmt, department=department), fmt, template_filename(fmt)
        )


urlpatterns = [
    path("items/import", ItemImportApi.as_view(), name="item-import"),
    path("items/import-template", ItemImportTemplateApi.as_view(), name="item-import-template"),
    path("items/export", ItemExportApi.as_view(), name="item-export"),
]
