"""``GET /api/v1/items/{code}``: one item's full published guide (public).

Same visibility rule as the guide page (``selectors.item_get_public``): unknown, draft-only and
cancelled codes answer 404 ``not_found``. Coded elements come as ``{"code", "label"}`` with the
label from the national code tables.
"""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.catalog import selectors
from govhall.catalog.lists import LISTS, lists_of
from govhall.catalog.models import ItemVersion, Material, Responsibility
from govhall.core import errors
from govhall.core.codes import code_table

CONDITION_TYPES = {"1": _("申请条件"), "2": _("禁止性要求")}


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


def coded(table: str, value: Any) -> dict[str, str] | None:
    if value in (None, ""):
        return None
    try:
        label = code_table(table).label(str(value))
    except errors.ApplicationError:
        label = ""
    return {"code": str(value), "label": label}


@extend_schema_field(CodeLabelSerializer(allow_null=True))
class CodeField(serializers.Field):
    """A code value as ``{"code", "label"}`` (``null`` when empty)."""

    def __init__(self, table: str, **kwargs: Any) -> None:
        self.table = table
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str] | None:
        return coded(self.table, value)


class MaterialSerializer(serializers.ModelSerializer):
    """A material of a guide (named GuideMaterial in the schema)."""

    material_type = CodeField("material_type")
    material_form = CodeField("material_form")
    necessity = CodeField("material_necessity")
    source_channel = CodeField("material_source")
    is_fetched = serializers.BooleanField(read_only=True)
    blank_form_url = serializers.SerializerMethodField()
    sample_url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        ref_name = "GuideMaterial"
        fields = [
            "id",
            "order",
            "name",
            "material_type",
            "material_form",
            "necessity",
            "source_channel",
            "is_fetched",
            "issuing_body",
            "resource_code",
            "license_type_code",
            "original_count",
            "copy_count",
            "paper_format",
            "blank_form_url",
            "sample_url",
            "filling_notes",
            "acceptance_standard",
            "legal_basis",
            "common_errors",
        ]

    def _url(self, name: str, material: Material) -> str:
        path = reverse(name, args=[material.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_blank_form_url(self, material: Material) -> str | None:
        return self._url("catalog:material_blank", material) if material.blank_form else None

    def get_sample_url(self, material: Material) -> str | None:
        return self._url("catalog:material_sample", material) if material.sample else None


class ResponsibilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Responsibility
        ref_name = "GuideResponsibility"
        fields = ["order", "matter", "situations", "accountable_body", "basis", "liability"]


class GuideStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    post = serializers.CharField(allow_blank=True)
    post_name = serializers.CharField(allow_blank=True)
    days = serializers.IntegerField(allow_null=True)
    criteria = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(allow_blank=True)


class GuideConditionSerializer(serializers.Serializer):
    type = CodeLabelSerializer()
    text = serializers.CharField()


class GuideListSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class GuideDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uscc = serializers.CharField()
    nature = CodeField("body_nature")


class GuideRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ItemDetailApi(APIView):
    """The published guide of one item, by implementation code (实施编码)."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.ModelSerializer):
        code = serializers.CharField(source="item.implementation_code")
        basic_code = serializers.CharField(source="item.basic_code")
        status = serializers.CharField(source="item.status")
        version = serializers.IntegerField(source="number")
        department = GuideDepartmentSerializer(source="item.department")
        region = GuideRegionSerializer()
        item_type = CodeField("item_type")
        exercise_level = CodeField("exercise_level")
        power_source = CodeField("power_source")
        case_type = CodeField("case_type")
        result_type = CodeField("result_type")
        cross_area_scope = CodeField("cross_area_scope", allow_null=True)
        online_depth = CodeField("online_depth")
        service_targets = serializers.ListField(child=CodeField("service_target"))
        channels = serializers.ListField(child=CodeField("handling_form"))
        conditions = serializers.SerializerMethodField()
        steps = serializers.SerializerMethodField()
        materials = MaterialSerializer(many=True)
        responsibilities = ResponsibilitySerializer(many=True)
        lists = serializers.SerializerMethodField()
        links = serializers.SerializerMethodField()

        class Meta:
            model = ItemVersion
            ref_name = "ItemGuide"  # the schema component (other APIs have an "Output" too)
            fields = [
                "code",
                "basic_code",
                "name",
                "status",
                "version",
                "published_at",
                "effective_from",
                "change_reason",
                "item_type",
                "exercise_level",
                "power_source",
                "department",
                "undertaking_office",
                "region",
                "service_targets",
                "themes_person",
                "themes_legal",
                "legal_basis",
                "conditions",
                "quantity_limit",
                "intermediary_services",
                "special_procedures",
                "statutory_limit_days",
                "statutory_limit_note",
                "promised_limit_days",
                "promised_limit_note",
                "case_type",
                "steps",
                "channels",
                "visits",
                "visit_reason",
                "online_depth",
                "online_url",
                "mobile_url",
                "appointment",
                "online_payment",
                "express_delivery",
                "self_service",
                "in_hall",
                "cross_area_scope",
                "fee_charged",
                "fee_basis",
                "fees",
                "result_type",
                "result_name",
                "license_type_code",
                "place",
                "hours",
                "enquiry_phone",
                "complaint_phone",
                "faq",
                "common_errors",
                "materials",
                "responsibilities",
                "lists",
                "links",
            ]

        @extend_schema_field(GuideConditionSerializer(many=True))
        def get_conditions(self, version: ItemVersion) -> list[dict[str, Any]]:
            return [
                {
                    "type": {
                        "code": str(c.get("type", "1")),
                        "label": str(CONDITION_TYPES.get(str(c.get("type", "1")), "")),
                    },
                    "text": c.get("text", ""),
                }
                for c in version.conditions
            ]

        @extend_schema_field(GuideStepSerializer(many=True))
        def get_steps(self, version: ItemVersion) -> list[dict[str, Any]]:
            posts = self.context.get("post_names", {})
            return [
                {
                    "order": index,
                    "name": step.get("name", ""),
                    "post": step.get("post", ""),
                    "post_name": posts.get(step.get("post"), ""),
                    "days": step.get("days"),
                    "criteria": step.get("criteria", ""),
                    "outcome": step.get("outcome", ""),
                }
                for index, step in enumerate(version.steps, start=1)
            ]

        @extend_schema_field(GuideListSerializer(many=True))
        def get_lists(self, version: ItemVersion) -> list[dict[str, str]]:
            return [{"key": key, "name": str(LISTS[key])} for key in lists_of(version)]

        @extend_schema_field(serializers.DictField(child=serializers.CharField()))
        def get_links(self, version: ItemVersion) -> dict[str, str]:
            code = version.item.implementation_code
            request = self.context.get("request")
            paths = {
                "guide": reverse("catalog:item", args=[code]),
                "notice": reverse("catalog:notice", args=[code]),
            }
            if request is None:
                return paths
            return {key: request.build_absolute_uri(path) for key, path in paths.items()}

    @extend_schema(responses={200: OutputSerializer}, tags=["catalog"])
    def get(self, request, code: str):
        item = selectors.item_get_public(code=code)
        context = {"request": request, "post_names": selectors.post_names()}
        return Response(self.OutputSerializer(item.published_version, context=context).data)


# Included by catalog.api_urls under /api/v1/.
urlpatterns = [path("items/<str:code>", ItemDetailApi.as_view(), name="item")]
