"""API of public notices (公示) and their objections (异议)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.cases import selectors, services_publicity
from govhall.cases import selectors_publicity as publicity_selectors


class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item_name = serializers.CharField()
    applicant = serializers.CharField(help_text="申请人姓名(脱敏)")
    department = serializers.CharField()
    step_name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="公示截止日期(含当日)")
    text = serializers.CharField()


class ObjectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=["open", "upheld", "dismissed"])
    state_label = serializers.CharField()
    reply = serializers.CharField()
    handled_at = serializers.DateTimeField(allow_null=True)
    handled_by = serializers.CharField()


class PublicityListApi(APIView):
    """The notices running today (public: no login needed)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses={200: NoticeOutput(many=True)}, tags=["publicity"])
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            publicity_selectors.publicity_current(), request, view=self
        )
        return paginator.get_paginated_response(
            [publicity_selectors.notice_row(notice) for notice in rows]
        )


@extend_schema(exclude=True)
class PublicityListSlashApi(PublicityListApi):
    """``/publicity/`` answers like ``/publicity`` (not listed twice in the schema)."""


class ObjectionFileInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text="异议的事实和理由")


class ObjectionFileApi(APIView):
    """A signed-in citizen or enterprise objects to a running notice (once per notice)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ObjectionFileInput, responses={201: ObjectionOutput}, tags=["publicity"])
    def post(self, request: Request, notice_id: int) -> Response:
        data = ObjectionFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services_publicity.objection_file(
            actor=request.user, notice_id=notice_id, text=data.validated_data["text"]
        )
        return Response(publicity_selectors.objection_row(objection, full=True), status=201)


class ObjectionHandleInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["uphold", "dismiss"])
    reply = serializers.CharField(max_length=2000, help_text="核实情况与答复,发送给异议人")


class ObjectionHandleApi(APIView):
    """The publicity step's department and post uphold or dismiss an objection."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ObjectionHandleInput,
        responses={
            200: inline_serializer(
                "ObjectionHandled",
                {"id": serializers.IntegerField(), "state": serializers.CharField()},
            )
        },
        tags=["publicity"],
    )
    def post(self, request: Request, number: str, objection_id: int) -> Response:
        data = ObjectionHandleInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = selectors.case_get(actor=request.user, number=number)
        objection = services_publicity.objection_handle(
            actor=request.user,
            case=case,
            objection_id=objection_id,
            uphold=data.validated_data["decision"] == "uphold",
            reply=data.validated_data["reply"],
        )
        return Response({"id": objection.pk, "state": objection.state})
