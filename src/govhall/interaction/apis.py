"""The REST API of 好差评, rectifications, enquiries and complaints, FAQ and published ratings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.core import errors
from govhall.interaction import selectors, services_evaluation, services_tickets
from govhall.interaction.models import (
    TEXT_MAX,
    Channel,
    Evaluation,
    Faq,
    Rectification,
    Satisfaction,
    Ticket,
)
from govhall.interaction.satisfaction import to_gbt39046, to_interface


def _code(values: list[str], **kwargs: Any) -> serializers.CharField:
    """A code field documented by its values. Not an enum in the schema: these field names
    (channel, kind, state, outcome, source) are used by other apps with other values, and the
    services validate them (422)."""
    return serializers.CharField(help_text=" / ".join(values), max_length=20, **kwargs)


def _paginate(view: APIView, request: Request, queryset: Any, serializer: type) -> Response:
    paginator = PageNumberPagination()
    rows = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(rows, many=True).data)


class EvaluationOutput(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    department = serializers.CharField(source="department.name")
    gbt39046 = serializers.SerializerMethodField(help_text="GB/T 39046: 1 非常满意 … 5 非常不满意")
    channel = _code(Channel.values)
    interface_code = serializers.SerializerMethodField(
        help_text="评价接口: 1 非常不满意 … 5 非常满意"
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "case",
            "department",
            "stage",
            "grade",
            "gbt39046",
            "interface_code",
            "text",
            "channel",
            "is_followup",
            "created_at",
        ]

    def get_gbt39046(self, obj: Evaluation) -> int:
        return to_gbt39046(obj.grade)

    def get_interface_code(self, obj: Evaluation) -> int:
        return to_interface(obj.grade)


class EvaluationInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Satisfaction.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    channel = _code(Channel.values, default=Channel.MOBILE)
    stage = serializers.ChoiceField(
        choices=Evaluation.Stage.choices, default=Evaluation.Stage.COMPLETION
    )
    followup = serializers.BooleanField(default=False, help_text="追评(首次评价之后一次)")


class CaseEvaluationApi(APIView):
    """好差评 of one case: only its applicant, after completion, once plus one follow-up."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: EvaluationOutput(many=True)}, tags=["interaction"])
    def get(self, request: Request, number: str) -> Response:
        case = selectors.evaluation_case_get(actor=request.user, number=number)
        rows = selectors.evaluations_of_case(case)
        return Response(EvaluationOutput(rows, many=True).data)

    @extend_schema(request=EvaluationInput, responses={201: EvaluationOutput}, tags=["interaction"])
    def post(self, request: Request, number: str) -> Response:
        data = EvaluationInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = selectors.evaluation_case_get(actor=request.user, number=number)
        evaluation = services_evaluation.evaluation_create(
            actor=request.user, case=case, **data.validated_data
        )
        return Response(EvaluationOutput(evaluation).data, status=201)


class MyEvaluationsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: EvaluationOutput(many=True)}, tags=["interaction"])
    def get(self, request: Request) -> Response:
        return _paginate(
            self, request, selectors.my_evaluations(actor=request.user), EvaluationOutput
        )


class RectificationOutput(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    department = serializers.CharField(source="department.name")
    grade = serializers.CharField(source="evaluation.grade")
    evaluation_text = serializers.CharField(source="evaluation.text")
    state = _code(Rectification.State.values)
    outcome = _code(Rectification.Outcome.values)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "case",
            "department",
            "grade",
            "evaluation_text",
            "state",
            "outcome",
            "opened_on",
            "due_date",
            "fix_due",
            "verified_at",
            "verification",
            "called_back_at",
            "callback_reached",
            "callback_record",
            "resolution",
            "appeal_reason",
            "appeal_upheld",
            "appeal_decision",
            "closed_at",
        ]


class RectificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, description=" / ".join(Rectification.State.values))
        ],
        responses={200: RectificationOutput(many=True)},
        tags=["interaction"],
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.rectification_queryset(actor=request.user).order_by("due_date", "id")
        state = request.query_params.get("state", "")
        if state:
            if state not in Rectification.State.values:
                raise errors.ValidationError(_("状态参数无效。"), fields={"state": ["?"]})
            queryset = queryset.filter(state=state)
        return _paginate(self, request, queryset, RectificationOutput)


class RectificationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: RectificationOutput}, tags=["interaction"])
    def get(self, request: Request, rectification_id: int) -> Response:
        rect = selectors.rectification_get(actor=request.user, rectification_id=rectification_id)
        return Response(RectificationOutput(rect).data)


class RectificationActionInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=TEXT_MAX, help_text="核实情况 / 回访记录 / 整改说明 / 复核意见"
    )
    reached = serializers.BooleanField(default=True, help_text="callback: 是否联系上评价人")
    outcome = _code(Rectification.Outcome.values, required=False)
    fix_due = serializers.DateField(required=False, allow_null=True, help_text="fix_by_deadline")
    upheld = serializers.BooleanField(required=False, help_text="review: 申诉是否成立")


RECTIFICATION_ACTIONS = ("verify", "callback", "resolve", "close", "review")


class RectificationActionApi(APIView):
    """``verify``, ``callback``, ``resolve``, ``close`` (department), ``review`` (supervisor)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=RectificationActionInput,
        responses={200: RectificationOutput},
        tags=["interaction"],
    )
    def post(self, request: Request, rectification_id: int, action: str) -> Response:
        if action not in RECTIFICATION_ACTIONS:
            raise errors.NotFound(_("不支持的操作。"), code="unknown_action")
        data = RectificationActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        rect = selectors.rectification_get(actor=request.user, rectification_id=rectification_id)
        rect = _rectification_act(request.user, rect, action, data.validated_data)
        return Response(RectificationOutput(rect).data)


def _rectification_act(actor: Any, rect: Rectification, action: str, data: dict) -> Rectification:
    text = data["text"]
    svc = services_evaluation
    if action == "verify":
        return svc.rectification_verify(actor=actor, rectification=rect, finding=text)
    if action == "callback":
        return svc.rectification_callback(
            actor=actor, rectification=rect, record=text, reached=data["reached"]
        )
    if action == "resolve":
        return svc.rectification_resolve(
            actor=actor,
            rectification=rect,
            outcome=data.get("outcome", ""),
            text=text,
            fix_due=data.get("fix_due"),
        )
    if action == "close":
        return svc.rectification_close(actor=actor, rectification=rect, text=text)
    if "upheld" not in data:
        raise errors.ValidationError(_("请填写复核结论。"), fields={"upheld": [_("必填。")]})
    return svc.rectification_review(
        actor=actor, rectification=rect, upheld=data["upheld"], reason=text
    )


class TicketOutput(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", default=None)
    department_id = serializers.IntegerField(allow_null=True)
    item = serializers.CharField(source="item.implementation_code", default=None)
    case = serializers.CharField(source="case.number", default=None)
    kind = _code(Ticket.Kind.values)
    source = _code(Ticket.Source.values)
    state = _code(Ticket.State.values)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "kind",
            "source",
            "state",
            "subject",
            "text",
            "department",
            "department_id",
            "item",
            "case",
            "opened_on",
            "due_date",
            "answer",
            "answered_at",
        ]


class TicketInput(serializers.Serializer):
    kind = _code(Ticket.Kind.values)
    subject = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=TEXT_MAX)
    department = serializers.IntegerField(required=False, allow_null=True)
    item = serializers.CharField(required=False, allow_blank=True, max_length=40)
    case = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="投诉所涉本人办件编号"
    )
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class TicketListApi(APIView):
    """A person's own tickets; a department's; the hotline desk's (all)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description=" / ".join(Ticket.Kind.values)),
            OpenApiParameter("state", str, description=" / ".join(Ticket.State.values)),
        ],
        responses={200: TicketOutput(many=True)},
        tags=["interaction"],
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind", "")
        state = request.query_params.get("state", "")
        if kind not in {"", *Ticket.Kind.values} or state not in {"", *Ticket.State.values}:
            raise errors.ValidationError(_("参数无效。"))
        queryset = selectors.ticket_list(actor=request.user, kind=kind, state=state)
        return _paginate(self, request, queryset.order_by("-id"), TicketOutput)

    @extend_schema(request=TicketInput, responses={201: TicketOutput}, tags=["interaction"])
    def post(self, request: Request) -> Response:
        data = TicketInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ticket = services_tickets.ticket_create(
            actor=request.user,
            kind=values["kind"],
            subject=values["subject"],
            text=values["text"],
            department_id=values.get("department"),
            item_code=values.get("item", ""),
            case_number=values.get("case", ""),
            contact_name=values.get("contact_name", ""),
            contact_phone=values.get("contact_phone", ""),
        )
        return Response(TicketOutput(ticket).data, status=201)


class TicketDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TicketOutput}, tags=["interaction"])
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
        return Response(TicketOutput(ticket).data)


class TicketAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT_MAX)


class TicketAnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TicketAnswerInput, responses={200: TicketOutput}, tags=["interaction"])
    def post(self, request: Request, ticket_id: int) -> Response:
        data = TicketAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
        ticket = services_tickets.ticket_answer(
            actor=request.user, ticket=ticket, answer=data.validated_data["answer"]
        )
        return Response(TicketOutput(ticket).data)


class TicketRouteInput(serializers.Serializer):
    department = serializers.IntegerField()


class TicketRouteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TicketRouteInput, responses={200: TicketOutput}, tags=["interaction"])
    def post(self, request: Request, ticket_id: int) -> Response:
        data = TicketRouteInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
        ticket = services_tickets.ticket_route(
            actor=request.user, ticket=ticket, department_id=data.validated_data["department"]
        )
        return Response(TicketOutput(ticket).data)


class FaqOutput(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    item = serializers.CharField(source="item.implementation_code", default=None)

    class Meta:
        model = Faq
        fields = ["id", "department", "department_id", "item", "question", "answer", "created_at"]


class FaqPublishInput(serializers.Serializer):
    question = serializers.CharField(required=False, allow_blank=True, max_length=500)
    answer = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class TicketFaqApi(APIView):
    """Promote an answered enquiry to the public FAQ (the department that answered)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=FaqPublishInput, responses={201: FaqOutput}, tags=["interaction"])
    def post(self, request: Request, ticket_id: int) -> Response:
        data = FaqPublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
        faq = services_tickets.faq_publish(actor=request.user, ticket=ticket, **data.validated_data)
        return Response(FaqOutput(faq).data, status=201)


class FaqListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("department", int), OpenApiParameter("item", str)],
        responses={200: FaqOutput(many=True)},
        tags=["interaction"],
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("department") or None
        if raw is not None and not raw.isdigit():
            raise errors.ValidationError(_("部门参数无效。"), fields={"department": ["?"]})
        queryset = selectors.faq_list(
            department_id=int(raw) if raw else None,
            item_code=request.query_params.get("item", "")[:40],
        )
        return _paginate(self, request, queryset, FaqOutput)


class RatingRowOutput(serializers.Serializer):
    department_id = serializers.IntegerField()
    department = serializers.CharField()
    count = serializers.IntegerField()
    good_rate = serializers.FloatField(allow_null=True)
    bad_count = serializers.IntegerField()
    rectified_rate = serializers.FloatField(allow_null=True)


class RatingsApi(APIView):
    """好差评结果公开: per department, public."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RatingRowOutput(many=True)}, tags=["interaction"])
    def get(self, request: Request) -> Response:
        return Response(RatingRowOutput(selectors.department_ratings(), many=True).data)
