"""Eligibility endpoints: one household explained, many households in one batch."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.analytics.services_eligibility import eligibility_batch, eligibility_explain
from govhall.exchange.models import AccessLogEntry

TAGS = ["eligibility"]


class ExplainApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject_key = serializers.CharField(max_length=40)
        purpose = serializers.CharField(max_length=64)
        on = serializers.DateField(
            required=False, help_text="评估日期(取该日生效的参数),缺省为今天"
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer("EligibilityExplanation", {"outcome": serializers.CharField()})
        },
        tags=TAGS,
    )
    def post(self, request, rule_set: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = eligibility_explain(
            actor=request.user,
            purpose=data.validated_data["purpose"],
            subject_key=data.validated_data["subject_key"],
            rule_set=rule_set,
            on=data.validated_data.get("on"),
            channel=AccessLogEntry.Channel.API,
        )
        return Response(result)


class BatchApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject_keys = serializers.ListField(
            child=serializers.CharField(max_length=40), allow_empty=False
        )
        purpose = serializers.CharField(max_length=64)
        on = serializers.DateField(required=False)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer("EligibilityBatch", {"count": serializers.IntegerField()})
        },
        tags=TAGS,
    )
    def post(self, request, rule_set: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = eligibility_batch(
            actor=request.user,
            purpose=data.validated_data["purpose"],
            subject_keys=data.validated_data["subject_keys"],
            rule_set=rule_set,
            on=data.validated_data.get("on"),
            channel=AccessLogEntry.Channel.API,
        )
        counts: dict[str, int] = {}
        for row in result.results:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        return Response(
            {
                "rule_set": result.rule_set.code,
                "on": result.on,
                "parameters_effective_from": result.parameters.effective_from,
                "count": len(result.results),
                "outcomes": counts,
                "seconds": result.seconds,
                "results": result.results,
            }
        )
