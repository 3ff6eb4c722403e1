"""The REST API of applications and cases (DESIGN.md §7): parse, call one service or selector,
serialize. Writes that create things honour ``Idempotency-Key`` (``cases.idempotency``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.cases import selectors, services_apply, services_submit
from govhall.cases.idempotency import idempotent
from govhall.cases.models import Application, Case
from govhall.cases.presenters import (
    application_payload,
    case_detail_payload,
    case_row,
    task_row,
    timeline_rows,
)
from govhall.cases.services_actions import perform_action
from govhall.cases.workflow import ACTIONS
from govhall.core import errors


class PrefillApi(APIView):
    """The applicant's form as the registries fill it, each value with its source, and the
    materials they answer (免提交)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("on_behalf_of", str, description="代办:委托人证件号")],
        responses={200: dict},
        tags=["cases"],
    )
    def get(self, request: Request, code: str) -> Response:
        item = services_apply.item_for_application(code)
        applicant, _authorization = services_apply.applicant_for(
            request.user, item, request.query_params.get("on_behalf_of")
        )
        prefill = services_apply.application_prefill(
            actor=request.user, applicant=applicant, item=item, channel="api"
        )
        return Response(
            {
                "item": item.implementation_code,
                "form": prefill.definition,
                "values": prefill.values,
                "sources": prefill.sources,
                "materials": [
                    {
                        "id": m.pk,
                        "name": m.name,
                        "necessity": m.necessity,
                        "satisfied": prefill.satisfied.get(str(m.pk)),
                    }
                    for m in item.published_version.materials.all()
                ],
            }
        )


class ApplicationCreateInput(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    form = serializers.DictField(required=False)
    on_behalf_of = serializers.CharField(max_length=18, required=False, allow_blank=True)


class ApplicationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=["cases"], operation_id="applications_list")
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            selectors.application_list(
                actor=request.user, state=request.query_params.get("state", "")
            ),
            request,
            view=self,
        )
        return paginator.get_paginated_response([application_payload(a, brief=True) for a in rows])

    @extend_schema(request=ApplicationCreateInput, responses={201: dict}, tags=["cases"])
    def post(self, request: Request) -> Response:
        data = ApplicationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)

        def create() -> Response:
            application = services_apply.application_create(
                actor=request.user,
                item_code=data.validated_data["item"],
                form=data.validated_data.get("form"),
                on_behalf_of=data.validated_data.get("on_behalf_of") or None,
                channel="api",
            )
            return Response(application_payload(application), status=201)

        return idempotent(request, scope="applications", run=create)


class ApplicationUpdateInput(serializers.Serializer):
    form = serializers.DictField()


class ApplicationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=["cases"])
    def get(self, request: Request, application_id: int) -> Response:
        application = selectors.application_get(actor=request.user, application_id=application_id)
        return Response(application_payload(application))

    @extend_schema(request=ApplicationUpdateInput, responses={200: dict}, tags=["cases"])
    def patch(self, request: Request, application_id: int) -> Response:
        data = ApplicationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = selectors.application_get(actor=request.user, application_id=application_id)
        application = services_apply.application_update(
            actor=request.user, application=application, form=data.validated_data["form"]
        )
        return Response(application_payload(application))


class MaterialUploadInput(serializers.Serializer):
    material = serializers.IntegerField()
    file = serializers.FileField()


class ApplicationMaterialApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": MaterialUploadInput}, responses={201: dict}, tags=["cases"]
    )
    def post(self, request: Request, application_id: int) -> Response:
        application = selectors.application_get(actor=request.user, application_id=application_id)
        data = MaterialUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = services_apply.upload_add(
            actor=request.user,
            application=application,
            material_id=data.validated_data["material"],
            file=data.validated_data["file"],
        )
        return Response(
            {
                "id": upload.pk,
                "material": upload.material_id,
                "name": upload.original_name,
                "kind": upload.kind,
                "size": upload.size,
                "pages": upload.pages,
                "sha256": upload.sha256,
            },
            status=201,
        )


class ApplicationMaterialDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None}, tags=["cases"])
    def delete(self, request: Request, application_id: int, upload_id: int) -> Response:
        application = selectors.application_get(actor=request.user, application_id=application_id)
        services_apply.upload_remove(
            actor=request.user, application=application, upload_id=upload_id
        )
        return Response(status=204)


class ApplicationPrereviewApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, application_id: int) -> Response:
        application = selectors.application_get(actor=request.user, application_id=application_id)
        application = services_apply.application_prereview_request(
            actor=request.user, application=application
        )
        return Response(application_payload(application))


class ApplicationSubmitApi(APIView):
    """Submit: creates exactly one case whatever the retries (``Idempotency-Key``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: dict}, tags=["cases"])
    def post(self, request: Request, application_id: int) -> Response:
        # The service reads the row under its lock and answers 404 unless the actor is its
        # applicant or the agent who wrote it. Idempotent by itself (the row is locked and
        # submitted once): a retry, with the same Idempotency-Key or none, answers the same
        # case, number and password.
        case = services_submit.application_submit(
            actor=request.user, application=Application(pk=application_id)
        )
        return Response(
            {
                "case_number": case.number,
                "query_password": case.query_password,
                "status": case.status,
                "received_at": case.received_at,
            },
            status=201,
        )


class CaseListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("department", int),
            OpenApiParameter("item", str),
            OpenApiParameter("q", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter(
                "scope",
                str,
                enum=["own", "joint"],
                description="工作人员:本部门主办 / 参与并联审批",
            ),
        ],
        responses={200: dict},
        tags=["cases"],
        operation_id="cases_list",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            department = int(params["department"]) if params.get("department") else None
        except ValueError:
            raise errors.ValidationError(
                _("部门参数无效。"), fields={"department": ["?"]}
            ) from None
        status = params.get("status", "")
        if status not in {"", "open", *Case.Status.values}:
            raise errors.ValidationError(_("状态参数无效。"), fields={"status": ["?"]})
        filters = selectors.CaseFilters(
            status=status,
            department=department,
            item=params.get("item", ""),
            q=params.get("q", ""),
            overdue=params.get("overdue") in {"1", "true"},
            scope="joint" if params.get("scope") == "joint" else "own",
        )
        paginator = PageNumberPagination()
        queryset = selectors.case_list(actor=request.user, filters=filters).values(
            *selectors.CASE_LIST_FIELDS
        )
        rows = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([case_row(row) for row in rows])


class CaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=["cases"])
    def get(self, request: Request, number: str) -> Response:
        case = selectors.case_get(actor=request.user, number=number)
        return Response(case_detail_payload(case, actor=request.user))


class CaseTimelineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=["cases"])
    def get(self, request: Request, number: str) -> Response:
        case = selectors.case_get(actor=request.user, number=number)
        return Response({"number": case.number, "events": timeline_rows(case)})


class CaseActionInput(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reasons = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    missing = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    kind = serializers.CharField(required=False, max_length=20)
    days = serializers.IntegerField(required=False)
    task = serializers.IntegerField(required=False)
    complete = serializers.BooleanField(required=False, default=False)
    result_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    revision = serializers.IntegerField(
        required=False,
        help_text="办件的 revision(操作者看到的版本);办件已变化则 409 stale_revision",
    )


class CaseActionApi(APIView):
    """``accept``, ``refuse``, ``request-correction``, ``supplement``, ``approve``, ``deny``,
    ``suspend``, ``resume``, ``extend``, ``withdraw``, ``complete``, ``close-overdue``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CaseActionInput, responses={200: dict}, tags=["cases"])
    def post(self, request: Request, number: str, action: str) -> Response:
        if action not in ACTIONS:
            raise errors.NotFound(_("不支持的办理动作。"), code="unknown_action")
        data = CaseActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = selectors.case_get(actor=request.user, number=number)
        case = perform_action(actor=request.user, case=case, action=action, **data.validated_data)
        return Response(case_detail_payload(case, actor=request.user))


class CaseNoticeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): bytes}, tags=["cases"])
    def get(self, request: Request, number: str, notice_id: int) -> HttpResponse:
        from govhall.cases.notices import notice_pdf_bytes

        case = selectors.case_get(actor=request.user, number=number)
        notice = case.notices.filter(pk=notice_id).first()
        if notice is None:
            raise errors.NotFound(_("文书不存在。"), code="notice_not_found")
        response = HttpResponse(notice_pdf_bytes(notice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{case.number}-{notice.kind}.pdf"'
        return response


class TaskListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("queue", str, enum=list(selectors.QUEUES))],
        responses={200: dict},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        queue = request.query_params.get("queue", "todo")
        if queue not in selectors.QUEUES:
            raise errors.ValidationError(_("队列参数无效。"), fields={"queue": ["?"]})
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            selectors.task_list(
                actor=request.user, queue=queue, q=request.query_params.get("q", "")
            ),
            request,
            view=self,
        )
        return paginator.get_paginated_response([task_row(task) for task in rows])


class ProgressThrottle(AnonRateThrottle):
    scope = "progress"
    rate = "30/min"


class ProgressApi(APIView):
    """Public progress query (办件进度查询): by number and the applicant's name (or the query
    password); the applicant's name is masked in the answer."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ProgressThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("number", str, required=True),
            OpenApiParameter("name", str),
            OpenApiParameter("password", str),
        ],
        responses={200: dict},
        tags=["cases"],
        operation_id="progress_query",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        progress = selectors.progress_lookup(
            number=params.get("number", ""),
            name=params.get("name", ""),
            password=params.get("password", ""),
        )
        return Response(
            {
                "number": progress.number,
                "item": progress.item_name,
                "department": progress.department,
                "applicant": progress.applicant,
                "status": progress.status,
                "status_label": progress.status_label,
                "received_at": progress.received_at,
                "due_date": progress.due_date,
                "closed_at": progress.closed_at,
                "steps": [
                    {"step": step, "action": action, "at": at}
                    for step, action, at in progress.steps
                ],
            }
        )


PARSERS = [JSONParser, FormParser, MultiPartParser]
