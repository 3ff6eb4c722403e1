"""The re-verification (动态核查) API under /api/v1/housing/reverification/: runs (list, start,
one with its flags), flags (list, one, decide). Staff of the housing department; a tenant sees
the flags of their own household."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.exchange.models import AccessLogEntry
from govhall.housing import permissions, presenters, selectors, services_reverify
from govhall.housing.apis import TAGS, _page, _valid


class RunListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        on = serializers.DateField(required=False, help_text="参数基准日,缺省为今天")
        purpose = serializers.CharField(
            max_length=64, required=False, allow_blank=True, help_text="本部门的动态核查用途编号"
        )

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_reverification_runs")
    def get(self, request: Request) -> Response:
        runs = selectors.reverification_run_list(actor=request.user)
        return _page(self, request, runs, presenters.run_row)

    @extend_schema(request=InputSerializer, responses={201: dict}, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = _valid(self.InputSerializer, request)
        run = services_reverify.reverification_run(
            actor=request.user,
            on=data.get("on"),
            purpose=data.get("purpose") or None,
            channel=AccessLogEntry.Channel.API,
        )
        return Response(presenters.run_row(run), status=201)


class RunDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_reverification_run")
    def get(self, request: Request, run_id: int) -> Response:
        run = selectors.reverification_run_get(actor=request.user, pk=run_id)
        return Response(presenters.run_row(run))


class FlagListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_reverification_flags")
    def get(self, request: Request) -> Response:
        run = None
        if request.query_params.get("run", "").isdigit():
            run = selectors.reverification_run_get(
                actor=request.user, pk=int(request.query_params["run"])
            )
        flags = selectors.reverification_flag_list(
            actor=request.user, run=run, state=request.query_params.get("state", "")
        )
        staff = permissions.can_manage(request.user)
        return _page(self, request, flags, lambda f: presenters.flag_row(f, staff=staff))


class FlagDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_reverification_flag")
    def get(self, request: Request, flag_id: int) -> Response:
        flag = selectors.reverification_flag_get(actor=request.user, pk=flag_id)
        staff = permissions.can_manage(request.user)
        return Response(presenters.flag_row(flag, staff=staff))


class FlagDecideApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["keep", "terminate"])
        opinion = serializers.CharField(max_length=2000)

    @extend_schema(request=InputSerializer, responses={200: dict}, tags=TAGS)
    def post(self, request: Request, flag_id: int) -> Response:
        flag = selectors.reverification_flag_get(actor=request.user, pk=flag_id)
        data = _valid(self.InputSerializer, request)
        flag = services_reverify.reverification_decide(
            actor=request.user, flag=flag, decision=data["decision"], opinion=data["opinion"]
        )
        flag = selectors.reverification_flag_get(actor=request.user, pk=flag.pk)
        return Response(presenters.flag_row(flag))
