"""REST endpoints of the resource catalog, grants and purposes (mounted under /api/v1/)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.exchange import selectors_catalog as selectors
from govhall.exchange import services_grants as services
from govhall.exchange.models import Grant, Purpose, Resource, ResourceField

TAGS = ["exchange catalog"]


class _Paginated(APIView):
    """An APIView that pages a queryset with the project's pagination."""

    def page(self, request: Request, queryset: Any, serializer: type) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(serializer(rows, many=True).data)


class _Department(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _ResourceSummary(serializers.ModelSerializer):
    provider = _Department()
    subject_kind_label = serializers.CharField(source="get_subject_kind_display")
    sharing_type_label = serializers.CharField(source="get_sharing_type_display")
    update_cycle_label = serializers.CharField(source="get_update_cycle_display")

    class Meta:
        model = Resource
        fields = [
            "code",
            "catalog_number",
            "name",
            "provider",
            "subject_kind",
            "subject_kind_label",
            "sharing_type",
            "sharing_type_label",
            "sharing_conditions",
            "update_cycle",
            "update_cycle_label",
            "legal_basis",
            "data_format",
            "is_active",
        ]


class _Field(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display")

    class Meta:
        model = ResourceField
        fields = [
            "name",
            "label",
            "type",
            "type_label",
            "personal",
            "required",
            "max_length",
            "description",
        ]


class ResourceListApi(_Paginated):
    class FilterSerializer(serializers.Serializer):
        provider = serializers.IntegerField(required=False, min_value=1)
        sharing_type = serializers.ChoiceField(choices=Resource.SharingType.choices, required=False)
        subject_kind = serializers.ChoiceField(choices=Resource.SubjectKind.choices, required=False)
        q = serializers.CharField(required=False, allow_blank=True, max_length=50)

    class OutputSerializer(_ResourceSummary):
        field_count = serializers.IntegerField()

        class Meta(_ResourceSummary.Meta):
            fields = [*_ResourceSummary.Meta.fields, "field_count"]
            ref_name = "ExchangeResourceRow"

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        resources = selectors.resource_list(actor=request.user, filters=filters.validated_data)
        return self.page(request, resources, self.OutputSerializer)


class ResourceDetailApi(APIView):
    class OutputSerializer(_ResourceSummary):
        description = serializers.CharField()
        record_key_field = serializers.CharField()
        group_field = serializers.CharField()
        fields = _Field(many=True, source="field_list")

        class Meta(_ResourceSummary.Meta):
            fields = [
                *_ResourceSummary.Meta.fields,
                "description",
                "record_key_field",
                "group_field",
                "fields",
            ]
            ref_name = "ExchangeResource"

    @extend_schema(responses={200: OutputSerializer}, tags=TAGS)
    def get(self, request: Request, code: str) -> Response:
        resource = selectors.resource_get(actor=request.user, code=code)
        return Response(self.OutputSerializer(resource).data)


# --- grants ----------------------------------------------------------------------------------


class GrantOutputSerializer(serializers.ModelSerializer):
    resource = serializers.SerializerMethodField()
    consumer = _Department()
    status_label = serializers.CharField(source="get_status_display")
    effective_status = serializers.SerializerMethodField()
    effective_status_label = serializers.SerializerMethodField()
    requested_by = serializers.CharField(source="requested_by.name", default="")
    requested_at = serializers.DateTimeField(source="created_at")
    decided_by = serializers.CharField(source="decided_by.name", default=None)
    revoked_by = serializers.CharField(source="revoked_by.name", default=None)

    class Meta:
        model = Grant
        fields = [
            "id",
            "resource",
            "consumer",
            "fields",
            "purpose",
            "legal_basis",
            "valid_from",
            "valid_to",
            "status",
            "status_label",
            "effective_status",
            "effective_status_label",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "revoked_by",
            "revoked_at",
            "revoke_reason",
        ]

    def get_resource(self, grant: Grant) -> dict[str, Any]:
        return {
            "code": grant.resource.code,
            "name": grant.resource.name,
            "provider": {"id": grant.resource.provider_id, "name": grant.resource.provider.name},
        }

    def get_effective_status(self, grant: Grant) -> str:
        return selectors.effective_status(grant)

    def get_effective_status_label(self, grant: Grant) -> str:
        return selectors.effective_status_label(grant)


class GrantListApi(_Paginated):
    class FilterSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=selectors.GRANT_ROLES, default="consumer")
        status = serializers.ChoiceField(
            choices=selectors.GRANT_STATUS_FILTERS, required=False, allow_blank=True
        )

    class InputSerializer(serializers.Serializer):
        resource = serializers.CharField(max_length=40, help_text="resource code")
        fields = serializers.ListField(child=serializers.CharField(max_length=40), max_length=200)
        purpose = serializers.CharField(max_length=2000)
        legal_basis = serializers.CharField(max_length=2000)
        valid_from = serializers.DateField()
        valid_to = serializers.DateField()

        class Meta:
            ref_name = "GrantRequestInput"

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: GrantOutputSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        grants = selectors.grant_list(
            actor=request.user,
            role=filters.validated_data["role"],
            status=filters.validated_data.get("status") or None,
        )
        return self.page(request, grants, GrantOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: GrantOutputSerializer}, tags=TAGS)
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        resource = selectors.resource_get(actor=request.user, code=data.pop("resource"))
        grant = services.grant_request(actor=request.user, resource=resource, **data)
        return Response(GrantOutputSerializer(grant).data, status=status.HTTP_201_CREATED)


class GrantDetailApi(APIView):
    @extend_schema(responses={200: GrantOutputSerializer}, tags=TAGS)
    def get(self, request: Request, grant_id: int) -> Response:
        grant = selectors.grant_get(actor=request.user, grant_id=grant_id)
        return Response(GrantOutputSerializer(grant).data)


class _GrantDecisionApi(APIView):
    """approve / refuse / revoke: the grant as the actor may see it, one service, the grant."""

    InputSerializer: type[serializers.Serializer]

    @staticmethod
    def decide(*, actor: Any, grant: Grant, **data: Any) -> Grant:
        raise NotImplementedError

    def respond(self, request: Request, grant_id: int) -> Response:
        grant = selectors.grant_get(actor=request.user, grant_id=grant_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = self.decide(actor=request.user, grant=grant, **serializer.validated_data)
        return Response(GrantOutputSerializer(grant).data)


class GrantApproveApi(_GrantDecisionApi):
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "GrantApproveInput"

    decide = staticmethod(services.grant_approve)

    @extend_schema(request=InputSerializer, responses={200: GrantOutputSerializer}, tags=TAGS)
    def post(self, request: Request, grant_id: int) -> Response:
        return self.respond(request, grant_id)


class GrantRefuseApi(_GrantDecisionApi):
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000)

        class Meta:
            ref_name = "GrantRefuseInput"

    decide = staticmethod(services.grant_refuse)

    @extend_schema(request=InputSerializer, responses={200: GrantOutputSerializer}, tags=TAGS)
    def post(self, request: Request, grant_id: int) -> Response:
        return self.respond(request, grant_id)


class GrantRevokeApi(_GrantDecisionApi):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

        class Meta:
            ref_name = "GrantRevokeInput"

    decide = staticmethod(services.grant_revoke)

    @extend_schema(request=InputSerializer, responses={200: GrantOutputSerializer}, tags=TAGS)
    def post(self, request: Request, grant_id: int) -> Response:
        return self.respond(request, grant_id)


# --- purposes --------------------------------------------------------------------------------


class PurposeOutputSerializer(serializers.ModelSerializer):
    department = _Department()
    registered_by = serializers.CharField(source="registered_by.name", default="")
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Purpose
        fields = [
            "reference",
            "title",
            "department",
            "legal_basis",
            "valid_from",
            "valid_to",
            "is_active",
            "is_current",
            "registered_by",
            "created_at",
        ]

    def get_is_current(self, purpose: Purpose) -> bool:
        return selectors.purpose_is_current(purpose)


class PurposeListApi(_Paginated):
    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField(
            max_length=64, required=False, allow_blank=True, allow_null=True, default=None
        )
        title = serializers.CharField(max_length=200)
        legal_basis = serializers.CharField(max_length=2000)
        valid_from = serializers.DateField()
        valid_to = serializers.DateField()

        class Meta:
            ref_name = "PurposeRegisterInput"

    @extend_schema(responses={200: PurposeOutputSerializer(many=True)}, tags=TAGS)
    def get(self, request: Request) -> Response:
        purposes = selectors.purpose_list(actor=request.user)
        return self.page(request, purposes, PurposeOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: PurposeOutputSerializer}, tags=TAGS)
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        purpose = services.purpose_register(actor=request.user, **serializer.validated_data)
        return Response(PurposeOutputSerializer(purpose).data, status=status.HTTP_201_CREATED)


class PurposeDeactivateApi(APIView):
    @extend_schema(
        request=None,
        responses={200: PurposeOutputSerializer},
        tags=TAGS,
        parameters=[OpenApiParameter("reference", str, OpenApiParameter.PATH)],
    )
    def post(self, request: Request, reference: str) -> Response:
        purpose = selectors.purpose_get(actor=request.user, reference=reference)
        purpose = services.purpose_deactivate(actor=request.user, purpose=purpose)
        return Response(PurposeOutputSerializer(purpose).data)


urlpatterns = [
    path("exchange/resources", ResourceListApi.as_view(), name="exchange-resources"),
    path("exchange/resources/<slug:code>", ResourceDetailApi.as_view(), name="exchange-resource"),
    path("exchange/grants", GrantListApi.as_view(), name="exchange-grants"),
    path("exchange/grants/<int:grant_id>", GrantDetailApi.as_view(), name="exchange-grant"),
    path(
        "exchange/grants/<int:grant_id>/approve",
        GrantApproveApi.as_view(),
        name="exchange-grant-approve",
    ),
    path(
        "exchange/grants/<int:grant_id>/refuse",
        GrantRefuseApi.as_view(),
        name="exchange-grant-refuse",
    ),
    path(
        "exchange/grants/<int:grant_id>/revoke",
        GrantRevokeApi.as_view(),
        name="exchange-grant-revoke",
    ),
    path("exchange/purposes", PurposeListApi.as_view(), name="exchange-purposes"),
    path(
        "exchange/purposes/<str:reference>/deactivate",
        PurposeDeactivateApi.as_view(),
        name="exchange-purpose-deactivate",
    ),
]
