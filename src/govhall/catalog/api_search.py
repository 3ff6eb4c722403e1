"""``GET /api/v1/items``: public catalog search (DESIGN.md §7)."""

from __future__ import annotations

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.catalog import search
from govhall.catalog.lists import LISTS
from govhall.catalog.selectors_search import ItemSearchResult, item_search
from govhall.core import errors
from govhall.core.codes import code_table
from govhall.core.identifiers import normalize_region_code
from govhall.organizations.models import Department, Region


class _TypedText(serializers.CharField):
    """What a visitor typed, whatever it holds: odd characters (NUL included) are for the search
    to ignore, not an input error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(
                v, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator
            )
        ]


class ItemSearchPagination(PageNumberPagination):
    """The project's pagination, with what was searched (and the facets when asked)."""

    def paginate_search(self, result: ItemSearchResult, request, view) -> list:
        self.search_result = result
        return self.paginate_queryset(result, request, view=view)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["query"] = _query_info(self.search_result)
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["query"] = {
            "type": "object",
            "description": "实际检索的内容:text 规范化后的检索词, terms 分词结果, "
            "truncated 是否截断, relaxed 是否放宽为部分匹配, ignored 检索词无可检索文字, "
            "message 给用户的说明",
        }
        paginated["properties"]["facets"] = {
            "type": "object",
            "description": "facets=1 时:按部门、网办深度、跑动次数的计数",
        }
        return paginated


def _query_info(result: ItemSearchResult) -> dict[str, Any]:
    query = result.query
    messages = []
    if query.truncated:
        messages.append(_("检索词过长,仅按前%(n)d个字符检索。") % {"n": search.MAX_QUERY_CHARS})
    if query.ignored:
        messages.append(_("检索词中没有可检索的文字,已列出全部事项。"))
    if result.relaxed:
        messages.append(_("没有同时包含全部关键词的事项,以下是包含部分关键词的事项。"))
    if len(result) == 0:
        messages.append(_("未找到相关事项,请换个说法,或试试简称、拼音或拼音首字母。"))
    return {
        "text": query.text,
        "terms": [term.text for term in query.terms],
        "truncated": query.truncated,
        "relaxed": result.relaxed,
        "ignored": query.ignored,
        "message": " ".join(messages),
    }


class ItemListApi(APIView):
    """Published items by words, pinyin or initials, and filters; best matches first."""

    permission_classes = [AllowAny]
    pagination_class = ItemSearchPagination

    class FilterSerializer(serializers.Serializer):
        q = _TypedText(required=False, allow_blank=True, trim_whitespace=False)
        department = serializers.IntegerField(required=False, min_value=1)
        target = serializers.CharField(required=False, max_length=2)
        theme = serializers.CharField(required=False, max_length=50)
        list = serializers.CharField(required=False, max_length=30)
        max_visits = serializers.IntegerField(required=False, min_value=0, max_value=99)
        online_depth = serializers.IntegerField(required=False, min_value=1, max_value=4)
        region = serializers.CharField(required=False, max_length=12)
        facets = serializers.BooleanField(required=False, default=False)

        def validate_department(self, value: int) -> int:
            if not Department.objects.filter(pk=value).exists():
                raise serializers.ValidationError(_("没有该部门。"))
            return value

        def validate_target(self, value: str) -> str:
            if value not in code_table("service_target"):
                raise serializers.ValidationError(_("不是有效的服务对象代码。"))
            return value

        def validate_list(self, value: str) -> str:
            if value not in LISTS:
                raise serializers.ValidationError(
                    _("未知的清单,可选:%(keys)s。") % {"keys": ", ".join(LISTS)}
                )
            return value

        def validate_region(self, value: str) -> str:
            try:
                code = normalize_region_code(value)
            except errors.ValidationError as exc:
                raise serializers.ValidationError(exc.message) from exc
            if not Region.objects.filter(code=code).exists():
                raise serializers.ValidationError(_("没有该行政区划。"))
            return code

    @extend_schema_serializer(component_name="ItemSearchResult")
    class OutputSerializer(serializers.Serializer):
        implementation_code = serializers.CharField()
        name = serializers.CharField(source="published_version.name")
        department = serializers.SerializerMethodField()
        item_type = serializers.CharField(source="published_version.item_type")
        region = serializers.CharField(source="published_version.region_id")
        online_depth = serializers.IntegerField(source="published_version.online_depth")
        visits = serializers.IntegerField(source="published_version.visits")
        promised_limit_days = serializers.IntegerField(
            source="published_version.promised_limit_days"
        )
        statutory_limit_days = serializers.IntegerField(
            source="published_version.statutory_limit_days"
        )
        themes = serializers.SerializerMethodField()
        targets = serializers.ListField(
            source="published_version.service_targets", child=serializers.CharField()
        )
        highlight = serializers.CharField(source="search_highlight", default="")

        def get_department(self, obj) -> dict[str, Any]:
            return {"id": obj.department_id, "name": obj.department.name}

        def get_themes(self, obj) -> list[str]:
            version = obj.published_version
            return list(dict.fromkeys([*version.themes_person, *version.themes_legal]))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="检索词:中文、简称、全拼或拼音首字母,最多50字"),
            OpenApiParameter("department", int, description="实施部门 id"),
            OpenApiParameter("target", str, description="服务对象代码(代码表 service_target)"),
            OpenApiParameter("theme", str, description="自然人或法人主题,如“住房保障”"),
            OpenApiParameter("list", str, enum=list(LISTS), description="所属清单"),
            OpenApiParameter("max_visits", int, description="到现场次数不超过"),
            OpenApiParameter("online_depth", int, description="网上办理深度(1-4)"),
            OpenApiParameter(
                "region", str, description="区划代码:该区划及其上级区划实施的事项(就近办)"
            ),
            OpenApiParameter("facets", bool, description="同时返回按部门、深度、跑动次数的计数"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=OutputSerializer(many=True),
        tags=["catalog"],
    )
    def get(self, request):
        params = {k: v for k, v in request.query_params.items() if v != "" or k == "q"}
        filters = self.FilterSerializer(data=params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        result = item_search(
            q=data.get("q", ""),
            department=data.get("department"),
            target=data.get("target"),
            theme=data.get("theme"),
            list_key=data.get("list"),
            max_visits=data.get("max_visits"),
            online_depth=data.get("online_depth"),
            region=data.get("region"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_search(result, request, self)
        response = paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
        if data["facets"]:
            response.data["facets"] = result.facets()
        return response


urlpatterns = [path("items", ItemListApi.as_view(), name="items")]
