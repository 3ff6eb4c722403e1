"""The housing REST API under /api/v1/housing/: parse, call one service or selector, serialize."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.cases.models import Case
from govhall.core import errors
from govhall.housing import permissions, presenters, selectors, services_lease, services_list
from govhall.housing.models import Choice, Estate

TAGS = ["housing"]


def _page(view: APIView, request: Request, rows: QuerySet, render: Any) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response([render(row) for row in page])


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class UnitListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_units_list")
    def get(self, request: Request) -> Response:
        units = selectors.unit_list(actor=request.user, state=request.query_params.get("state", ""))
        return _page(self, request, units, presenters.unit_row)


class WaitingListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(max_length=40)

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_waiting_list")
    def get(self, request: Request) -> Response:
        entries = selectors.entry_list(
            actor=request.user, state=request.query_params.get("state", "")
        )
        return _page(self, request, entries, presenters.entry_row)

    @extend_schema(request=InputSerializer, responses={201: dict}, tags=TAGS)
    def post(self, request: Request) -> Response:
        if not permissions.can_manage(request.user):
            raise errors.PermissionDenied()
        data = _valid(self.InputSerializer, request)
        case = Case.objects.filter(number=data["case"]).first()
        if case is None:
            raise errors.NotFound()
        entry = services_list.waiting_entry_add_from_case(actor=request.user, case=case)
        return Response(presenters.entry_row(entry), status=201)


class WaitingListRankApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=["score", "lottery"], default="score")
        seed = serializers.CharField(max_length=64, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: dict}, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = _valid(self.InputSerializer, request)
        count = services_list.waiting_list_rank(
            actor=request.user, method=data["method"], seed=data.get("seed", "")
        )
        return Response({"ranked": count})


class RoundListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        estate = serializers.IntegerField()
        units = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        method = serializers.ChoiceField(choices=["score", "lottery"], default="score")
        seed = serializers.CharField(max_length=64, required=False, allow_blank=True)
        closes_at = serializers.DateTimeField(required=False)

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_rounds_list")
    def get(self, request: Request) -> Response:
        return _page(self, request, selectors.round_list(actor=request.user), presenters.round_row)

    @extend_schema(request=InputSerializer, responses={201: dict}, tags=TAGS)
    def post(self, request: Request) -> Response:
        if not permissions.can_decide(request.user):
            raise errors.PermissionDenied()
        data = _valid(self.InputSerializer, request)
        estate = Estate.objects.filter(pk=data["estate"]).first()
        if estate is None:
            raise errors.NotFound()
        allocation = services_list.round_open(
            actor=request.user,
            name=data["name"],
            estate=estate,
            unit_ids=data["units"],
            method=data["method"],
            seed=data.get("seed", ""),
            closes_at=data.get("closes_at"),
        )
        return Response(presenters.round_row(allocation), status=201)


class RoundDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS)
    def get(self, request: Request, round_id: int) -> Response:
        allocation = selectors.round_get(actor=request.user, pk=round_id)
        staff = permissions.can_manage(request.user)
        seats = allocation.seats.select_related("entry__applicant")
        return Response(
            {
                **presenters.round_row(allocation),
                "units": [
                    presenters.unit_row(u) for u in selectors.round_units(allocation=allocation)
                ],
                "seats": [presenters.seat_row(s, staff=staff) for s in seats],
            }
        )


class RoundChooseApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        unit = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: dict}, tags=TAGS)
    def post(self, request: Request, round_id: int) -> Response:
        data = _valid(self.InputSerializer, request)
        allocation = selectors.round_get(actor=request.user, pk=round_id)
        choice = services_list.unit_choose(
            actor=request.user, allocation=allocation, unit_id=data["unit"]
        )
        return Response({"choice": choice.pk, "unit": choice.unit_id}, status=201)


class RoundPassApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict}, tags=TAGS)
    def post(self, request: Request, round_id: int) -> Response:
        allocation = selectors.round_get(actor=request.user, pk=round_id)
        seat = services_list.seat_pass(actor=request.user, allocation=allocation)
        return Response({"position": seat.position, "state": seat.state})


class RoundCloseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict}, tags=TAGS)
    def post(self, request: Request, round_id: int) -> Response:
        allocation = selectors.round_get(actor=request.user, pk=round_id)
        allocation = services_list.round_close(actor=request.user, allocation=allocation)
        return Response(presenters.round_row(allocation))


class LeaseListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        choice = serializers.IntegerField()
        start = serializers.DateField()
        terms = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_leases_list")
    def get(self, request: Request) -> Response:
        return _page(self, request, selectors.lease_list(actor=request.user), presenters.lease_row)

    @extend_schema(request=InputSerializer, responses={201: dict}, tags=TAGS)
    def post(self, request: Request) -> Response:
        if not permissions.can_manage(request.user):
            raise errors.PermissionDenied()
        data = _valid(self.InputSerializer, request)
        choice = Choice.objects.filter(pk=data["choice"]).first()
        if choice is None:
            raise errors.NotFound()
        lease = services_lease.lease_create(
            actor=request.user, choice=choice, start=data["start"], terms=data.get("terms", "")
        )
        return Response(presenters.lease_row(lease), status=201)


class LeaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS)
    def get(self, request: Request, lease_id: int) -> Response:
        return Response(presenters.lease_row(selectors.lease_get(actor=request.user, pk=lease_id)))


class LeaseSignApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict}, tags=TAGS)
    def post(self, request: Request, lease_id: int) -> Response:
        lease = selectors.lease_get(actor=request.user, pk=lease_id)
        lease = services_lease.lease_sign(actor=request.user, lease=lease)
        return Response(presenters.lease_row(selectors.lease_get(actor=request.user, pk=lease.pk)))


class LeaseEndApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200)
        ended_on = serializers.DateField(required=False)

    @extend_schema(request=InputSerializer, responses={200: dict}, tags=TAGS)
    def post(self, request: Request, lease_id: int) -> Response:
        data = _valid(self.InputSerializer, request)
        lease = selectors.lease_get(actor=request.user, pk=lease_id)
        lease = services_lease.lease_end(
            actor=request.user, lease=lease, reason=data["reason"], ended_on=data.get("ended_on")
        )
        return Response(presenters.lease_row(selectors.lease_get(actor=request.user, pk=lease.pk)))


class InspectionListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        lease = serializers.IntegerField()
        date = serializers.DateField()
        findings = serializers.CharField(max_length=2000)
        outcome = serializers.CharField(max_length=10, help_text="ok | violation")

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_inspections_list")
    def get(self, request: Request) -> Response:
        rows = selectors.inspection_list(actor=request.user)
        return _page(self, request, rows, presenters.inspection_row)

    @extend_schema(request=InputSerializer, responses={201: dict}, tags=TAGS)
    def post(self, request: Request) -> Response:
        if not permissions.can_manage(request.user):
            raise errors.PermissionDenied()
        data = _valid(self.InputSerializer, request)
        lease = selectors.lease_get(actor=request.user, pk=data["lease"])
        inspection = services_lease.inspection_record(
            actor=request.user,
            lease=lease,
            date=data["date"],
            findings=data["findings"],
            outcome=data["outcome"],
        )
        return Response(presenters.inspection_row(inspection), status=201)


class BillListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_bills_list")
    def get(self, request: Request) -> Response:
        return _page(self, request, selectors.bill_list(actor=request.user), presenters.bill_row)


class BillIssueApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        month = serializers.DateField()

    @extend_schema(request=InputSerializer, responses={200: dict}, tags=TAGS)
    def post(self, request: Request) -> Response:
        if not permissions.can_manage(request.user):
            raise errors.PermissionDenied()
        data = _valid(self.InputSerializer, request)
        count = services_lease.rent_bills_issue(actor=request.user, month=data["month"])
        return Response({"issued": count})


class BillPayApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField(max_length=64)
        amount = serializers.DecimalField(max_digits=9, decimal_places=2, required=False)

    @extend_schema(request=InputSerializer, responses={200: dict}, tags=TAGS)
    def post(self, request: Request, bill_id: int) -> Response:
        data = _valid(self.InputSerializer, request)
        bill = selectors.bill_get(actor=request.user, pk=bill_id)
        payment = services_lease.rent_pay(
            actor=request.user, bill=bill, reference=data["reference"], amount=data.get("amount")
        )
        bill = selectors.bill_get(actor=request.user, pk=payment.bill_id)
        return Response(presenters.bill_row(bill))


class RentPaymentCallbackApi(APIView):
    """The payment provider's signed server-to-server callback for a rent bill."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=dict, responses={200: dict}, tags=TAGS)
    def post(self, request: Request, provider: str) -> Response:
        payment = services_lease.rent_payment_confirm(
            provider_name=provider, data=dict(request.data.items())
        )
        return Response({"bill": payment.bill_id, "reference": payment.reference, "state": "paid"})


class ArrearsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS, operation_id="housing_arrears_list")
    def get(self, request: Request) -> Response:
        return _page(
            self,
            request,
            selectors.arrears(actor=request.user),
            lambda row: {
                "lease": row["lease__number"],
                "tenant": row["lease__tenant__name"],
                "months": row["months"],
                "amount": str(row["amount"]),
            },
        )


class MineApi(APIView):
    """The tenant's own housing: list entries with rank, seats, leases and bills."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=TAGS)
    def get(self, request: Request) -> Response:
        entries = selectors.my_entries(actor=request.user)
        return Response(
            {
                "entries": [presenters.entry_row(e, staff=False) for e in entries],
                "seats": [
                    {**presenters.round_row(s.round), "position": s.position, "seat": s.state}
                    for s in selectors.my_seats(actor=request.user)
                ],
                "leases": [
                    presenters.lease_row(x) for x in selectors.lease_list(actor=request.user)
                ],
                "bills": [presenters.bill_row(b) for b in selectors.bill_list(actor=request.user)],
                "reverification": [
                    presenters.flag_row(f, staff=False)
                    for f in selectors.reverification_flag_list(actor=request.user)[:10]
                ],
            }
        )
