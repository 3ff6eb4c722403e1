"""The REST API of supervision: alerts (list, one, actions) and accountability records (list,
open, decide). Parse, call one selector or service, serialize; scoping lives in the selectors
(anything the actor may not see, citizens' every request included, answers 404)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.core import errors
from govhall.supervision import presenters, selectors, services
from govhall.supervision.models import Accountability, Alert


class AlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.CharField(help_text="reminder / yellow / red")
    level_label = serializers.CharField()
    kind = serializers.CharField(help_text="deadline / rule")
    rule_code = serializers.CharField()
    rule_label = serializers.CharField()
    source = serializers.CharField()
    source_id = serializers.IntegerField()
    source_label = serializers.CharField()
    state = serializers.CharField(help_text="open / acknowledged / escalated / resolved")
    state_label = serializers.CharField()
    case_number = serializers.CharField()
    item_name = serializers.CharField()
    applicant = serializers.CharField(help_text="masked")
    applicant_key = serializers.CharField(help_text="masked")
    department = serializers.CharField()
    department_id = serializers.IntegerField()
    item_id = serializers.IntegerField(allow_null=True)
    region_code = serializers.CharField()
    post = serializers.CharField()
    post_id = serializers.CharField(allow_null=True)
    handler = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    detail = serializers.CharField()
    raised_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class CommentOutput(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField()
    text = serializers.CharField()
    actor = serializers.CharField()
    at = serializers.DateTimeField()


class AlertDetailOutput(AlertOutput):
    comments = CommentOutput(many=True)
    accountability_id = serializers.IntegerField(allow_null=True)


class AlertFilterInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=Alert.Level.choices, required=False)
    state = serializers.ChoiceField(choices=[*Alert.State.choices, ("all", "all")], required=False)
    department = serializers.IntegerField(min_value=1, required=False)
    item = serializers.IntegerField(min_value=1, required=False)
    post = serializers.CharField(max_length=32, required=False)
    source = serializers.CharField(max_length=30, required=False)
    region = serializers.RegexField(r"^\d{12}$", required=False)


def _detail(alert: Alert) -> dict:
    record = Accountability.objects.filter(alert=alert).values_list("id", flat=True).first()
    return {
        **presenters.alert_row(alert),
        "comments": [presenters.comment_row(c) for c in selectors.alert_comments(alert=alert)],
        "accountability_id": record,
    }


class AlertListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[AlertFilterInput],
        responses={200: AlertOutput(many=True)},
        tags=["supervision"],
    )
    def get(self, request: Request) -> Response:
        data = AlertFilterInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        filters = selectors.AlertFilters(**data.validated_data)
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            selectors.alert_list(actor=request.user, filters=filters), request, view=self
        )
        return paginator.get_paginated_response(
            AlertOutput([presenters.alert_row(a) for a in rows], many=True).data
        )


class AlertDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AlertDetailOutput}, tags=["supervision"])
    def get(self, request: Request, alert_id: int) -> Response:
        alert = selectors.alert_get(actor=request.user, alert_id=alert_id)
        return Response(AlertDetailOutput(_detail(alert)).data)


class AlertActionInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True)


ALERT_ACTIONS = {
    "acknowledge": services.alert_acknowledge,
    "comment": services.alert_comment,
    "escalate": services.alert_escalate,
}


class AlertActionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AlertActionInput,
        responses={200: AlertDetailOutput},
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ALERT_ACTIONS))
        ],
        tags=["supervision"],
    )
    def post(self, request: Request, alert_id: int, action: str) -> Response:
        if action not in ALERT_ACTIONS:
            raise errors.NotFound()
        alert = selectors.alert_get(actor=request.user, alert_id=alert_id)
        data = AlertActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        ALERT_ACTIONS[action](
            actor=request.user, alert=alert, text=data.validated_data.get("text", "")
        )
        alert = selectors.alert_get(actor=request.user, alert_id=alert_id)
        return Response(AlertDetailOutput(_detail(alert)).data)


class ResponsibilityOutput(serializers.Serializer):
    id = serializers.IntegerField()
    matter = serializers.CharField()
    situations = serializers.CharField()
    accountable_body = serializers.CharField()
    basis = serializers.CharField()
    liability = serializers.CharField()


class AccountabilityOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text="open / confirmed / dismissed")
    state_label = serializers.CharField()
    alert_id = serializers.IntegerField(allow_null=True)
    case_number = serializers.CharField()
    item_name = serializers.CharField()
    applicant = serializers.CharField()
    applicant_key = serializers.CharField()
    department = serializers.CharField()
    department_id = serializers.IntegerField()
    region_code = serializers.CharField()
    situation = serializers.CharField()
    findings = serializers.CharField()
    reason = serializers.CharField()
    opened_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField()
    responsibility = ResponsibilityOutput(allow_null=True)


class AccountabilityOpenInput(serializers.Serializer):
    alert = serializers.IntegerField(min_value=1)
    findings = serializers.CharField(max_length=2000)


class AccountabilityListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(Accountability.State.values), required=False)
        ],
        responses={200: AccountabilityOutput(many=True)},
        tags=["supervision"],
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            selectors.accountability_list(
                actor=request.user, state=request.query_params.get("state", "")
            ),
            request,
            view=self,
        )
        return paginator.get_paginated_response(
            AccountabilityOutput([presenters.accountability_row(r) for r in rows], many=True).data
        )

    @extend_schema(
        request=AccountabilityOpenInput,
        responses={201: AccountabilityOutput},
        tags=["supervision"],
    )
    def post(self, request: Request) -> Response:
        data = AccountabilityOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        alert = selectors.alert_get(actor=request.user, alert_id=data.validated_data["alert"])
        record = services.accountability_open(
            actor=request.user, alert=alert, findings=data.validated_data["findings"]
        )
        record = selectors.accountability_get(actor=request.user, accountability_id=record.pk)
        return Response(
            AccountabilityOutput(presenters.accountability_row(record)).data, status=201
        )


class AccountabilityDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[Accountability.State.CONFIRMED, Accountability.State.DISMISSED]
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    findings = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AccountabilityDecideApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AccountabilityDecideInput,
        responses={200: AccountabilityOutput},
        tags=["supervision"],
    )
    def post(self, request: Request, accountability_id: int) -> Response:
        record = selectors.accountability_get(
            actor=request.user, accountability_id=accountability_id
        )
        data = AccountabilityDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.accountability_decide(
            actor=request.user,
            accountability=record,
            decision=data.validated_data["decision"],
            reason=data.validated_data.get("reason", ""),
            findings=data.validated_data.get("findings", ""),
        )
        record = selectors.accountability_get(
            actor=request.user, accountability_id=accountability_id
        )
        return Response(AccountabilityOutput(presenters.accountability_row(record)).data)
