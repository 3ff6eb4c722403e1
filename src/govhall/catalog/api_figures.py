"""Catalog figures in the API (public): ``GET /api/v1/stats/catalog?department=``."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.catalog.figures import catalog_figures
from govhall.catalog.lists import LISTS

RATE_PLACES = 4  # 0.8765 = 87.65%
MEAN_PLACES = 2


class RateField(serializers.FloatField):
    """A fraction, rounded for display."""

    def __init__(self, places: int = RATE_PLACES, **kwargs) -> None:
        self.places = places
        super().__init__(**kwargs)

    def to_representation(self, value: float) -> float:
        return round(float(value), self.places)


class MetricsSerializer(serializers.Serializer):
    items = serializers.IntegerField(help_text=_("已发布的事项数"))
    application_items = serializers.IntegerField(
        help_text=_("依申请事项数(行政处罚、行政强制、行政检查以外的事项)")
    )
    online_items = serializers.IntegerField(help_text=_("网上可办(三级及以上)的依申请事项数"))
    full_online_items = serializers.IntegerField(help_text=_("全程网办(四级)事项数"))
    instant_items = serializers.IntegerField(help_text=_("即办件数"))
    statutory_days = serializers.IntegerField(help_text=_("法定办结时限合计(工作日)"))
    promised_days = serializers.IntegerField(help_text=_("承诺办结时限合计(工作日)"))
    visits = serializers.IntegerField(help_text=_("到现场次数合计"))
    one_visit_items = serializers.IntegerField(help_text=_("最多跑一次(到现场不超过1次)事项数"))
    zero_visit_items = serializers.IntegerField(help_text=_("零跑动事项数"))
    online_rate = RateField(help_text=_("网上可办率:网上可办事项数 ÷ 依申请事项数"))
    full_online_rate = RateField(help_text=_("全程网办率:四级事项数 ÷ 事项数"))
    instant_rate = RateField(help_text=_("即办件比例:即办件数 ÷ 事项数"))
    time_compression = RateField(
        help_text=_("承诺时限压缩比:(法定时限合计 − 承诺时限合计) ÷ 法定时限合计")
    )
    mean_visits = RateField(places=MEAN_PLACES, help_text=_("平均跑动次数"))
    one_visit_rate = RateField(help_text=_("最多跑一次率"))
    zero_visit_rate = RateField(help_text=_("零跑动率"))
    lists = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("各清单的事项数:%(keys)s") % {"keys": ", ".join(LISTS)},
    )


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class DepartmentRowSerializer(MetricsSerializer):
    class RowDepartmentSerializer(DepartmentSerializer):
        region = serializers.CharField(help_text=_("区划代码"))
        region_name = serializers.CharField()

    department = RowDepartmentSerializer()


class CatalogFiguresApi(APIView):
    """网上可办率、全程网办率、即办件比例、承诺时限压缩比、跑动次数,全市和各部门(公开)。"""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        department = serializers.IntegerField(required=False, min_value=1)

    class OutputSerializer(serializers.Serializer):
        department = DepartmentSerializer(allow_null=True)
        totals = MetricsSerializer()
        departments = DepartmentRowSerializer(many=True)

    @extend_schema(
        parameters=[OpenApiParameter("department", int, description="部门 id,不填为全市")],
        responses={200: OutputSerializer},
        tags=["catalog"],
    )
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        figures = catalog_figures(department_id=params.validated_data.get("department"))
        return Response(self.OutputSerializer(figures).data)


urlpatterns = [path("stats/catalog", CatalogFiguresApi.as_view(), name="stats-catalog")]
