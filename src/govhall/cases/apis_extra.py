"""API of what surrounds a case: one-click verification, payments, delivery, agents'
authorizations."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases import (
    selectors,
    services_apply,
    services_delivery,
    services_payment,
    services_tasks,
)
from govhall.cases.models import AgentAuthorization
from govhall.cases.verification import case_verification, verification_payload
from govhall.core import errors


class CaseVerificationApi(APIView):
    """一键核查: the applicant and household across every resource the item's materials point at,
    read under the case number as purpose (logged)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict}, tags=["cases"])
    def get(self, request: Request, number: str) -> Response:
        case = selectors.case_get(actor=request.user, number=number)
        result = case_verification(actor=request.user, case=case, channel="api")
        return Response(verification_payload(result))


class PaymentStartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, number: str, order_number: str) -> Response:
        case = selectors.case_get(actor=request.user, number=number)
        start = services_payment.payment_start(
            actor=request.user, case=case, order_number=order_number
        )
        return Response({"redirect_url": start.redirect_url, "reference": start.provider_ref})


class PaymentWaiveInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class PaymentWaiveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PaymentWaiveInput, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, number: str, order_number: str) -> Response:
        data = PaymentWaiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = selectors.case_get(actor=request.user, number=number)
        order = services_payment.payment_waive(
            actor=request.user,
            case=case,
            order_number=order_number,
            reason=data.validated_data["reason"],
        )
        return Response({"number": order.number, "state": order.state})


class PaymentCallbackApi(APIView):
    """The payment provider's server-to-server callback (signed; repeated callbacks are fine)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=dict, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, provider: str) -> Response:
        order = services_payment.payment_confirm(
            provider_name=provider, data=dict(request.data.items())
        )
        return Response({"number": order.number, "state": order.state})


class TrackingInput(serializers.Serializer):
    tracking_number = serializers.CharField(max_length=40)


class DeliveryApi(APIView):
    """``ship`` (staff, express), ``confirm`` (staff: collected or delivered), ``inbound``
    (applicant: paper materials mailed)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=TrackingInput, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, number: str, step: str) -> Response:
        case = selectors.case_get(actor=request.user, number=number)
        if step == "confirm":
            delivery = services_delivery.delivery_confirm(actor=request.user, case=case)
        elif step in {"ship", "inbound"}:
            data = TrackingInput(data=request.data)
            data.is_valid(raise_exception=True)
            service = (
                services_delivery.delivery_ship
                if step == "ship"
                else services_delivery.delivery_inbound_register
            )
            delivery = service(
                actor=request.user,
                case=case,
                tracking_number=data.validated_data["tracking_number"],
            )
        else:
            raise errors.NotFound(_("不支持的寄递动作。"), code="unknown_action")
        return Response(
            {
                "direction": delivery.direction,
                "state": delivery.state,
                "tracking_number": delivery.tracking_number,
            }
        )


class AuthorizationInput(serializers.Serializer):
    principal = serializers.CharField(max_length=18)
    item = serializers.CharField(max_length=40)
    valid_until = serializers.DateField(required=False)
    letter = serializers.FileField()


def _authorization_row(authorization: AgentAuthorization) -> dict[str, Any]:
    return {
        "id": authorization.pk,
        "agent": authorization.agent.name,
        "principal": authorization.principal.name,
        "item": authorization.item.implementation_code,
        "valid_until": authorization.valid_until,
        "revoked_at": authorization.revoked_at,
        "created_at": authorization.created_at,
    }


class AuthorizationListApi(APIView):
    """Agents record authorizations; the person sees (and may revoke) every one given in their
    name."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: dict}, tags=["cases"])
    def get(self, request: Request) -> Response:
        rows = selectors.authorization_list(actor=request.user)
        return Response([_authorization_row(a) for a in rows])

    @extend_schema(
        request={"multipart/form-data": AuthorizationInput}, responses={201: dict}, tags=["cases"]
    )
    def post(self, request: Request) -> Response:
        data = AuthorizationInput(data=request.data)
        data.is_valid(raise_exception=True)
        authorization = services_apply.authorization_create(
            actor=request.user,
            principal_key=data.validated_data["principal"],
            item_code=data.validated_data["item"],
            letter=data.validated_data["letter"],
            valid_until=data.validated_data.get("valid_until"),
        )
        return Response(_authorization_row(authorization), status=201)


class AuthorizationRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, authorization_id: int) -> Response:
        authorization = selectors.authorization_get(
            actor=request.user, authorization_id=authorization_id
        )
        authorization = services_apply.authorization_revoke(
            actor=request.user, authorization=authorization
        )
        return Response(_authorization_row(authorization))


class TaskAssignInput(serializers.Serializer):
    assignee = serializers.CharField(
        max_length=64, allow_blank=True, help_text="工作人员登录名;空值表示交回岗位"
    )


class TaskAssignApi(APIView):
    """The department's approver assigns an open task to one holder of its post."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=TaskAssignInput, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, number: str, task_id: int) -> Response:
        data = TaskAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = selectors.case_get(actor=request.user, number=number)
        task = services_tasks.task_assign(
            actor=request.user, case=case, task_id=task_id, assignee=data.validated_data["assignee"]
        )
        return Response(
            {"id": task.pk, "assignee": task.assignee.username if task.assignee else None}
        )
