"""The access log over the API: ``GET /api/v1/me/data-access`` (citizens and enterprises: who
read my data) and ``GET /api/v1/exchange/resources/{code}/access`` (providers: who read ours)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.exchange import selectors_access
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.selectors_access import AccessFilters


class AccessFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="起始日期(含)")
    date_to = serializers.DateField(required=False, help_text="截止日期(含)")
    department = serializers.IntegerField(required=False, min_value=1, help_text="查询部门 id")
    outcome = serializers.ChoiceField(choices=AccessLogEntry.Outcome.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": [_("截止日期不能早于起始日期。")]})
        return attrs

    def filters(self) -> AccessFilters:
        data = self.validated_data
        return AccessFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            department_id=data.get("department"),
            outcome=data.get("outcome"),
        )


class AccessResourceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AccessFieldsSerializer(serializers.Serializer):
    code = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())


class AccessItemSerializer(serializers.Serializer):
    """One read of the registries (or one refused attempt)."""

    seq = serializers.IntegerField()
    time = serializers.DateTimeField()
    department = serializers.CharField(source="department_name", allow_blank=True)
    actor = serializers.CharField(source="actor_name")
    client = serializers.CharField(source="entry.client", allow_blank=True)
    purpose_reference = serializers.CharField(source="entry.purpose_reference")
    purpose_title = serializers.CharField(source="entry.purpose_title")
    kind = serializers.ChoiceField(source="entry.kind", choices=AccessLogEntry.Kind.choices)
    channel = serializers.ChoiceField(
        source="entry.channel", choices=AccessLogEntry.Channel.choices
    )
    outcome = serializers.ChoiceField(
        source="entry.outcome", choices=AccessLogEntry.Outcome.choices
    )
    resources = AccessResourceSerializer(source="reads", many=True)
    fields = AccessFieldsSerializer(source="field_reads", many=True)


class ProviderAccessItemSerializer(AccessItemSerializer):
    actor_label = serializers.CharField(source="entry.actor_label")
    reason = serializers.CharField(source="entry.reason", allow_blank=True)
    subject_count = serializers.IntegerField(source="entry.subject_count")
    subjects = serializers.ListField(
        child=serializers.CharField(),
        help_text=f"脱敏后的主体标识,仅当主体数不超过 {selectors_access.SUBJECTS_SHOWN} 时列出",
    )


class _AccessListApi(APIView):
    pagination_class = PageNumberPagination

    def _page(
        self, request: Request, queryset: Any, serializer: type[AccessItemSerializer]
    ) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        items = selectors_access.access_items(
            page, with_subjects=serializer is ProviderAccessItemSerializer
        )
        return paginator.get_paginated_response(serializer(items, many=True).data)

    @staticmethod
    def _filters(request: Request) -> AccessFilters:
        serializer = AccessFilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.filters()


class MyDataAccessApi(_AccessListApi):
    """Who read my data, when and for what: citizens (by 身份证号) and enterprises (by USCC)."""

    @extend_schema(
        parameters=[AccessFilterSerializer],
        responses={200: AccessItemSerializer(many=True)},
        tags=["exchange"],
    )
    def get(self, request: Request) -> Response:
        entries = selectors_access.my_data_access(
            actor=request.user, filters=self._filters(request)
        )
        return self._page(request, entries, AccessItemSerializer)


class ResourceAccessApi(_AccessListApi):
    """Who read one of our resources: the provider's data officer and system administrators."""

    @extend_schema(
        parameters=[AccessFilterSerializer],
        responses={200: ProviderAccessItemSerializer(many=True)},
        tags=["exchange"],
    )
    def get(self, request: Request, code: str) -> Response:
        entries = selectors_access.resource_access_list(
            actor=request.user, resource_code=code, filters=self._filters(request)
        )
        return self._page(request, entries, ProviderAccessItemSerializer)


urlpatterns = [
    path("me/data-access", MyDataAccessApi.as_view(), name="me-data-access"),
    path(
        "exchange/resources/<slug:code>/access",
        ResourceAccessApi.as_view(),
        name="exchange-resource-access",
    ),
]
