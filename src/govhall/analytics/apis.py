"""The REST API of the performance figures and the public disclosure (DESIGN.md §7
``/api/v1/stats/...``): parse the period, call one selector, serialize."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from govhall.analytics import export, selectors
from govhall.analytics.figures import Period
from govhall.analytics.selectors import FigureTable, Ranking
from govhall.api.pagination import PageNumberPagination

XLSX = export.XLSX
PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="开始日期(含),默认本月1日"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期(含),默认今天"),
]


class PeriodInput(serializers.Serializer):
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)


def period_from(request: Request) -> Period:
    """``?from=&to=``: 400 when not dates, 422 when reversed or longer than three years."""
    params = request.query_params
    data = {"start": params.get("from") or None, "end": params.get("to") or None}
    serializer = PeriodInput(data=data)
    if not serializer.is_valid():
        errors = serializer.errors
        renamed = {"from" if k == "start" else "to": v for k, v in errors.items()}
        raise serializers.ValidationError(renamed)
    return Period.of(serializer.validated_data.get("start"), serializer.validated_data.get("end"))


def period_payload(period: Period) -> dict[str, str]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def table_response(request: Request, view: APIView, table: FigureTable) -> Response:
    paginator = PageNumberPagination()
    rows = paginator.paginate_queryset(table.rows, request, view=view)
    response = paginator.get_paginated_response(
        [{"key": row["key"], "label": row["label"], **row["figures"]} for row in rows]
    )
    response.data["period"] = period_payload(table.period)
    response.data["columns"] = [
        {"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns
    ]
    return response


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


class StatsTableApi(APIView):
    """Figures per department, item, post or person, scoped to the actor (supervisors: their
    region; department staff: their department; administrators: all)."""

    permission_classes = [IsAuthenticated]
    dimension = "department"

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: dict}, tags=["stats"])
    def get(self, request: Request) -> Response:
        table = selectors.stats_table(
            actor=request.user, dimension=self.dimension, period=period_from(request)
        )
        return table_response(request, self, table)


class StatsExportApi(APIView):
    permission_classes = [IsAuthenticated]
    dimension = "department"

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
        tags=["stats"],
    )
    def get(self, request: Request) -> HttpResponse:
        table = selectors.stats_table(
            actor=request.user, dimension=self.dimension, period=period_from(request)
        )
        name = f"stats-{self.dimension}-{table.period.start}-{table.period.end}"
        return xlsx_response(export.table_workbook(table), name)


def ranking_payload(ranking: Ranking) -> dict[str, Any]:
    return {"name": ranking.formula_name, "weights": ranking.weights}


class RankingApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: dict}, tags=["stats"])
    def get(self, request: Request) -> Response:
        ranking = selectors.stats_ranking(actor=request.user, period=period_from(request))
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(ranking.rows, request, view=self)
        response = paginator.get_paginated_response(
            [
                {
                    "rank": row["rank"],
                    "department": row["key"],
                    "label": row["label"],
                    "score": row["score"],
                    "parts": row["parts"],
                    "figures": row["figures"],
                }
                for row in rows
            ]
        )
        response.data["period"] = period_payload(ranking.period)
        response.data["formula"] = ranking_payload(ranking)
        return response


class RankingExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
        tags=["stats"],
    )
    def get(self, request: Request) -> HttpResponse:
        ranking = selectors.stats_ranking(actor=request.user, period=period_from(request))
        name = f"ranking-{ranking.period.start}-{ranking.period.end}"
        return xlsx_response(export.ranking_workbook(ranking), name)


# ---- 办件公示 (public) --------------------------------------------------------------------------


class DisclosureThrottle(AnonRateThrottle):
    scope = "disclosure"
    rate = "60/min"


class DisclosureCasesInput(serializers.Serializer):
    department = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class DisclosureCasesApi(APIView):
    """Recent cases, public: item, masked applicant name, received, status, completed, on time."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [DisclosureThrottle]

    class OutputSerializer(serializers.Serializer):
        number = serializers.CharField()
        item = serializers.CharField()
        applicant = serializers.CharField()
        department = serializers.CharField()
        received_at = serializers.DateTimeField()
        status = serializers.CharField()
        status_label = serializers.CharField()
        closed_at = serializers.DateTimeField(allow_null=True)
        on_time = serializers.BooleanField(allow_null=True)

    @extend_schema(
        parameters=[OpenApiParameter("department", int, description="部门编号")],
        responses={200: OutputSerializer(many=True)},
        tags=["disclosure"],
    )
    def get(self, request: Request) -> Response:
        params = DisclosureCasesInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = selectors.disclosure_cases(department_id=params.validated_data.get("department"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class DisclosureDepartmentsApi(APIView):
    """The department figures as published (received, completed, on-time rate, satisfaction,
    fully-online share), the whole city."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [DisclosureThrottle]

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: dict}, tags=["disclosure"])
    def get(self, request: Request) -> Response:
        table = selectors.disclosure_departments(period=period_from(request))
        return table_response(request, self, table)
