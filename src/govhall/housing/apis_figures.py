"""Housing figures over the API: ``GET /api/v1/housing/figures`` (housing staff) and
``GET /api/v1/housing/figures/public`` (anyone, aggregates only, cached). Parse the period, call
``housing.figures``, serialize."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.analytics.apis import PERIOD_PARAMETERS, DisclosureThrottle, period_from
from govhall.housing import figures

TAGS = ["housing"]


def _rate() -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text="0..1; null when nothing to divide")


def _days() -> serializers.FloatField:
    return serializers.FloatField(allow_null=True)


class HousingPeriodSerializer(serializers.Serializer):
    """The period, both days included."""

    # ``from`` is a Python keyword: the fields are declared here

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(source="start"),
            "to": serializers.DateField(source="end"),
        }


class HousingApplicationsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    closed = serializers.IntegerField(help_text="办结: approved + denied")
    approved = serializers.IntegerField()
    denied = serializers.IntegerField()
    refused = serializers.IntegerField(help_text="不予受理")
    approval_rate = _rate()
    on_time_rate = _rate()
    days_mean = _days()
    days_p90 = serializers.IntegerField(allow_null=True)


class HousingWaitingSerializer(serializers.Serializer):
    waiting = serializers.IntegerField()
    mean_wait_days = _days()
    longest_wait_days = serializers.IntegerField(allow_null=True)


class HousingAllocationSerializer(serializers.Serializer):
    rounds = serializers.IntegerField()
    seated = serializers.IntegerField()
    passed = serializers.IntegerField()
    chosen = serializers.IntegerField()
    leases_signed = serializers.IntegerField()


class HousingEstateSerializer(serializers.Serializer):
    estate = serializers.IntegerField()
    name = serializers.CharField()
    units = serializers.IntegerField()
    let = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    maintenance = serializers.IntegerField()
    occupancy_rate = _rate()


class HousingOccupancySerializer(serializers.Serializer):
    units = serializers.IntegerField()
    let = serializers.IntegerField()
    occupancy_rate = _rate()
    estates = HousingEstateSerializer(many=True)


class HousingArrearsSerializer(serializers.Serializer):
    leases = serializers.IntegerField()
    months = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    bills_due = serializers.IntegerField()
    bills_paid = serializers.IntegerField()
    collection_rate = _rate()


class HousingReverificationSerializer(serializers.Serializer):
    runs = serializers.IntegerField()
    checked = serializers.IntegerField()
    eligible = serializers.IntegerField()
    flagged = serializers.IntegerField()
    unknown = serializers.IntegerField()
    open = serializers.IntegerField(help_text="flags of these runs still under review")
    kept = serializers.IntegerField()
    terminated = serializers.IntegerField()


class HousingSatisfactionSerializer(serializers.Serializer):
    rated = serializers.IntegerField()
    good = serializers.IntegerField()
    good_rate = _rate()
    mean_score = _days()
    grades = serializers.DictField(child=serializers.IntegerField())


class HousingMonthSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m")
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    approved = serializers.IntegerField()
    chosen = serializers.IntegerField()
    leases_signed = serializers.IntegerField()


class HousingFiguresSerializer(serializers.Serializer):
    period = HousingPeriodSerializer()
    applications = HousingApplicationsSerializer()
    waiting = HousingWaitingSerializer()
    allocation = HousingAllocationSerializer()
    occupancy = HousingOccupancySerializer()
    arrears = HousingArrearsSerializer()
    reverification = HousingReverificationSerializer()
    satisfaction = HousingSatisfactionSerializer()
    months = HousingMonthSerializer(many=True)


# ---- public: the same shapes, fewer fields ------------------------------------------------------


class HousingPublicApplicationsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    approved = serializers.IntegerField()
    approval_rate = _rate()
    days_mean = _days()


class HousingPublicWaitingSerializer(serializers.Serializer):
    waiting = serializers.IntegerField()
    mean_wait_days = _days()


class HousingPublicAllocationSerializer(serializers.Serializer):
    rounds = serializers.IntegerField()
    leases_signed = serializers.IntegerField()


class HousingPublicEstateSerializer(serializers.Serializer):
    name = serializers.CharField()
    units = serializers.IntegerField()
    let = serializers.IntegerField()
    occupancy_rate = _rate()


class HousingPublicOccupancySerializer(serializers.Serializer):
    units = serializers.IntegerField()
    let = serializers.IntegerField()
    occupancy_rate = _rate()
    estates = HousingPublicEstateSerializer(many=True)


class HousingPublicSatisfactionSerializer(serializers.Serializer):
    rated = serializers.IntegerField()
    good_rate = _rate()
    mean_score = _days()


class HousingPublicMonthSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m")
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    leases_signed = serializers.IntegerField()


class HousingPublicSummarySerializer(serializers.Serializer):
    period = HousingPeriodSerializer()
    applications = HousingPublicApplicationsSerializer()
    waiting = HousingPublicWaitingSerializer()
    allocation = HousingPublicAllocationSerializer()
    occupancy = HousingPublicOccupancySerializer()
    satisfaction = HousingPublicSatisfactionSerializer()
    months = HousingPublicMonthSerializer(many=True)


class HousingFiguresApi(APIView):
    """The housing department's figures for a period (staff of that department; others 403)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={200: HousingFiguresSerializer},
        tags=TAGS,
        operation_id="housing_figures",
    )
    def get(self, request: Request) -> Response:
        period = period_from(request)
        data = figures.housing_figures_read(actor=request.user, start=period.start, end=period.end)
        return Response(HousingFiguresSerializer(data).data)


class HousingFiguresPublicApi(APIView):
    """The public summary (no login, throttled, cached): by default the last twelve months."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [DisclosureThrottle]

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={200: HousingPublicSummarySerializer},
        tags=TAGS,
        operation_id="housing_figures_public",
    )
    def get(self, request: Request) -> Response:
        given = request.query_params.get("from") or request.query_params.get("to")
        period = period_from(request) if given else None
        summary = figures.housing_public_summary(
            start=period.start if period else None, end=period.end if period else None
        )
        return Response(HousingPublicSummarySerializer(summary).data)
