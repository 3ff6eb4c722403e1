"""Catalog management API for catalog administrators (drafts, review, cancellation)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.catalog import selectors_manage, services
from govhall.catalog.models import ItemVersion
from govhall.core import errors
from govhall.organizations.models import Department


class VersionOutputSerializer(serializers.ModelSerializer):
    implementation_code = serializers.CharField(source="item.implementation_code")
    department = serializers.CharField(source="item.department.name")
    materials = serializers.SerializerMethodField()
    responsibilities = serializers.SerializerMethodField()

    class Meta:
        model = ItemVersion
        exclude = ["search_text", "item", "created_by", "reviewed_by"]

    def get_materials(self, obj) -> list[dict]:
        return list(obj.materials.values(*services.MATERIAL_FIELDS, "id"))

    def get_responsibilities(self, obj) -> list[dict]:
        return list(obj.responsibilities.values(*services.RESPONSIBILITY_FIELDS, "id"))


class _ElementsSerializer(serializers.Serializer):
    data = serializers.DictField(required=False, default=dict)
    materials = serializers.ListField(
        child=serializers.DictField(), required=False, allow_null=True
    )
    responsibilities = serializers.ListField(
        child=serializers.DictField(), required=False, allow_null=True
    )


class DraftListApi(APIView):
    class Row(serializers.ModelSerializer):
        implementation_code = serializers.CharField(source="item.implementation_code")

        class Meta:
            model = ItemVersion
            fields = [
                "id",
                "implementation_code",
                "name",
                "number",
                "state",
                "change_reason",
                "updated_at",
            ]

    @extend_schema(responses={200: Row(many=True)}, tags=["catalog management"])
    def get(self, request):
        versions = selectors_manage.managed_versions(
            actor=request.user,
            state=request.query_params.get("state") or None,
            q=request.query_params.get("q"),
        )
        page = self.paginator.paginate_queryset(versions, request, view=self)
        return self.paginator.get_paginated_response(self.Row(page, many=True).data)

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            from govhall.api.pagination import PageNumberPagination

            self._paginator = PageNumberPagination()
        return self._paginator


class ItemCreateApi(APIView):
    class InputSerializer(_ElementsSerializer):
        department = serializers.IntegerField()
        basic_code = serializers.CharField(max_length=20)

    @extend_schema(
        request=InputSerializer,
        responses={201: VersionOutputSerializer},
        tags=["catalog management"],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        department = Department.objects.filter(pk=data["department"]).first()
        if department is None:
            raise errors.NotFound()
        version = services.item_create(
            actor=request.user,
            department=department,
            basic_code=data["basic_code"],
            data=data["data"],
            materials=data.get("materials") or [],
            responsibilities=data.get("responsibilities") or [],
        )
        return Response(VersionOutputSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionApi(APIView):
    @extend_schema(responses={200: VersionOutputSerializer}, tags=["catalog management"])
    def get(self, request, version_id: int):
        version = selectors_manage.version_get_managed(actor=request.user, version_id=version_id)
        return Response(VersionOutputSerializer(version).data)

    @extend_schema(
        request=_ElementsSerializer,
        responses={200: VersionOutputSerializer},
        tags=["catalog management"],
    )
    def patch(self, request, version_id: int):
        version = selectors_manage.version_get_managed(actor=request.user, version_id=version_id)
        serializer = _ElementsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.version_update(
            actor=request.user,
            version=version,
            data=data["data"],
            materials=data.get("materials"),
            responsibilities=data.get("responsibilities"),
        )
        return Response(VersionOutputSerializer(version).data)


class VersionSubmitApi(APIView):
    @extend_schema(
        request=None, responses={200: VersionOutputSerializer}, tags=["catalog management"]
    )
    def post(self, request, version_id: int):
        version = selectors_manage.version_get_managed(actor=request.user, version_id=version_id)
        version = services.version_submit(actor=request.user, version=version)
        return Response(VersionOutputSerializer(version).data)


class VersionReviewApi(APIView):
    class InputSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        opinion = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: VersionOutputSerializer},
        tags=["catalog management"],
    )
    def post(self, request, version_id: int):
        version = selectors_manage.version_get_managed(actor=request.user, version_id=version_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.version_review(
            actor=request.user, version=version, **serializer.validated_data
        )
        return Response(VersionOutputSerializer(version).data)


class ItemNewDraftApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        request=InputSerializer,
        responses={201: VersionOutputSerializer},
        tags=["catalog management"],
    )
    def post(self, request, code: str):
        item = selectors_manage.item_get_managed(actor=request.user, code=code)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = services.version_new_draft(
            actor=request.user, item=item, reason=serializer.validated_data["reason"]
        )
        return Response(VersionOutputSerializer(draft).data, status=status.HTTP_201_CREATED)


class ItemCancelApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)
        on = serializers.DateField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={200: None}, tags=["catalog management"])
    def post(self, request, code: str):
        item = selectors_manage.item_get_managed(actor=request.user, code=code)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.item_cancel(actor=request.user, item=item, **serializer.validated_data)
        return Response(
            {
                "implementation_code": item.implementation_code,
                "status": item.status,
                "cancel_on": item.cancel_on,
            }
        )


urlpatterns = [
    path("catalog/versions", DraftListApi.as_view(), name="catalog-versions"),
    path("catalog/items", ItemCreateApi.as_view(), name="catalog-item-create"),
    path("catalog/versions/<int:version_id>", VersionApi.as_view(), name="catalog-version"),
    path(
        "catalog/versions/<int:version_id>/submit",
        VersionSubmitApi.as_view(),
        name="catalog-version-submit",
    ),
    path(
        "catalog/versions/<int:version_id>/review",
        VersionReviewApi.as_view(),
        name="catalog-version-review",
    ),
    path(
        "catalog/items/<str:code>/drafts", ItemNewDraftApi.as_view(), name="catalog-item-new-draft"
    ),
    path("catalog/items/<str:code>/cancel", ItemCancelApi.as_view(), name="catalog-item-cancel"),
]
