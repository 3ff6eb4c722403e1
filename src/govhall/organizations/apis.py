from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from govhall.organizations import selectors
from govhall.organizations.models import Department, Region, ServiceCenter, Window


class RegionListApi(generics.ListAPIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Region
            fields = ["code", "name", "level", "parent"]

    serializer_class = OutputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", str, description="上级区划代码"),
            OpenApiParameter("level", int, description="层级:3 市,4 县区,5 乡镇街道,6 村社区"),
        ],
        tags=["organizations"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        level = self.request.query_params.get("level")
        return selectors.region_list(
            parent=self.request.query_params.get("parent"),
            level=int(level) if level and level.isdigit() else None,
        )


class DepartmentListApi(generics.ListAPIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.ModelSerializer):
        region_name = serializers.CharField(source="region.name")

        class Meta:
            model = Department
            fields = [
                "id",
                "name",
                "short_name",
                "uscc",
                "region",
                "region_name",
                "parent",
                "phone",
                "address",
            ]

    serializer_class = OutputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="区划代码"),
            OpenApiParameter("q", str, description="名称包含"),
        ],
        tags=["organizations"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.department_list(region=params.get("region"), q=params.get("q"))


class ServiceCenterListApi(generics.ListAPIView):
    permission_classes = [AllowAny]

    class WindowSerializer(serializers.ModelSerializer):
        departments = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

        class Meta:
            model = Window
            fields = ["number", "name", "departments"]

    class OutputSerializer(serializers.ModelSerializer):
        windows = serializers.SerializerMethodField()

        class Meta:
            model = ServiceCenter
            fields = [
                "id",
                "name",
                "region",
                "address",
                "hours",
                "phone",
                "latitude",
                "longitude",
                "is_agency_point",
                "windows",
            ]

        def get_windows(self, obj) -> list[dict]:
            active = [w for w in obj.windows.all() if w.is_active]
            return ServiceCenterListApi.WindowSerializer(active, many=True).data

    serializer_class = OutputSerializer

    @extend_schema(
        parameters=[OpenApiParameter("region", str, description="区划代码(含下级)")],
        tags=["organizations"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.service_center_list(region=self.request.query_params.get("region"))
