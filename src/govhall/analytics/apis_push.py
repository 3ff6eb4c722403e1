"""Precise push endpoints: rounds (list, start, detail) for the department, and the current
person's opt-out choices."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.analytics.models import PushRound
from govhall.analytics.rules import rule_set_get
from govhall.analytics.selectors_push import push_round_get, push_round_list
from govhall.analytics.services_push import (
    push_opt_out_set,
    push_preferences,
    push_round_counts,
    push_round_start,
)
from govhall.api.pagination import PageNumberPagination

TAGS = ["push"]


def round_payload(row: PushRound) -> dict[str, Any]:
    return {
        "id": row.pk,
        "rule_set": row.rule_set,
        "rule_set_name": rule_set_get(row.rule_set).name,
        "item": row.item.implementation_code,
        "department": row.department_id,
        "purpose": row.purpose_reference,
        "on": row.on.isoformat(),
        "campaign_year": row.campaign_year,
        "message": row.message,
        "state": row.state,
        "error": row.error,
        "created_by": row.created_by.name,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "seconds": row.seconds,
        "counts": push_round_counts(row),
    }


class PushRoundCountsOutput(serializers.Serializer):
    analysed = serializers.IntegerField(help_text="分析户数")
    qualifying = serializers.IntegerField(help_text="符合条件户数")
    excluded_applied = serializers.IntegerField(help_text="已申请或已保障")
    excluded_invited = serializers.IntegerField(help_text="本年度已邀请")
    excluded_opted_out = serializers.IntegerField(help_text="本人已退订")
    unreachable = serializers.IntegerField(help_text="家庭成员均未注册")
    invited = serializers.IntegerField(help_text="已邀请户数")
    sms = serializers.IntegerField()
    site = serializers.IntegerField()


class PushRoundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    rule_set = serializers.CharField()
    rule_set_name = serializers.CharField()
    item = serializers.CharField(help_text="事项实施编码")
    department = serializers.IntegerField()
    purpose = serializers.CharField()
    on = serializers.DateField()
    campaign_year = serializers.IntegerField()
    message = serializers.CharField()
    state = serializers.CharField(
        help_text="pending 排队中 / running 分析中 / done 已完成 / failed 失败"
    )
    error = serializers.CharField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    seconds = serializers.FloatField()
    counts = PushRoundCountsOutput()


class PushRoundPageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PushRoundOutput(many=True)


class PushRoundListApi(APIView):
    class InputSerializer(serializers.Serializer):
        rule_set = serializers.SlugField(max_length=64, default="public_rental_housing")
        item = serializers.CharField(
            max_length=40,
            required=False,
            allow_blank=True,
            help_text="事项实施编码;缺省为规则集对应事项",
        )
        purpose = serializers.CharField(max_length=64, help_text="本部门已登记的用途编号")
        on = serializers.DateField(required=False, help_text="评估日期,缺省为今天")
        message = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @extend_schema(responses={200: PushRoundPageOutput}, tags=TAGS, operation_id="push_rounds_list")
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(push_round_list(actor=request.user), request, view=self)
        return paginator.get_paginated_response([round_payload(row) for row in rows])

    @extend_schema(
        request=InputSerializer,
        responses={202: PushRoundOutput},
        tags=TAGS,
        operation_id="push_rounds_start",
        description="发起一轮精准推送;由后台任务执行,按 `GET /push/rounds/{id}` 查看进度。",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        row = push_round_start(
            actor=request.user,
            rule_set=values["rule_set"],
            item=values.get("item") or None,
            purpose=values["purpose"],
            on=values.get("on"),
            message=values.get("message", ""),
        )
        return Response(round_payload(row), status=202)


class PushRoundDetailApi(APIView):
    @extend_schema(responses={200: PushRoundOutput}, tags=TAGS, operation_id="push_rounds_detail")
    def get(self, request: Request, round_id: int) -> Response:
        return Response(round_payload(push_round_get(actor=request.user, round_id=round_id)))


class PushTopicOutput(serializers.Serializer):
    topic = serializers.CharField(help_text="规则集编码;空字符串为全部精准推送")
    label = serializers.CharField()
    opted_out = serializers.BooleanField()


class PushPreferencesOutput(serializers.Serializer):
    topics = PushTopicOutput(many=True)


class PushPreferencesApi(APIView):
    """The logged-in citizen's own choices (nobody else's can be named)."""

    class InputSerializer(serializers.Serializer):
        topic = serializers.CharField(max_length=64, allow_blank=True)
        opted_out = serializers.BooleanField()

    @extend_schema(
        responses={200: PushPreferencesOutput}, tags=TAGS, operation_id="push_preferences"
    )
    def get(self, request: Request) -> Response:
        return Response({"topics": push_preferences(actor=request.user)})

    @extend_schema(
        request=InputSerializer,
        responses={200: PushPreferencesOutput},
        tags=TAGS,
        operation_id="push_preferences_set",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topics = push_opt_out_set(
            actor=request.user,
            topic=data.validated_data["topic"],
            opted_out=data.validated_data["opted_out"],
        )
        return Response({"topics": topics})
