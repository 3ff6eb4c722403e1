"""REST endpoints of e-licenses: public verification, the holder's wallet and uses, and the
issuing department's lifecycle actions. Every endpoint calls the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.api.throttles import LicenseVerifyThrottle
from govhall.core import errors
from govhall.licenses import keys, permissions, presenters, selectors, services, verification


class FaceRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(allow_blank=True)


class HolderSerializer(serializers.Serializer):
    name = serializers.CharField()
    key = serializers.CharField(allow_blank=True)


class LicenseOutput(serializers.Serializer):
    identifier = serializers.CharField()
    type = serializers.CharField()
    name = serializers.CharField()
    number = serializers.CharField(allow_blank=True, help_text="证照编号(仅持证人和颁证部门可见)")
    version = serializers.IntegerField()
    holder = HolderSerializer()
    issuer = serializers.CharField()
    issued_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    inspected_until = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    status_reason = serializers.CharField(allow_blank=True)
    previous = serializers.CharField(allow_null=True)
    face = FaceRowSerializer(many=True)
    key_id = serializers.CharField()
    verify_url = serializers.CharField()


class VerificationOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    outcome = serializers.CharField(
        help_text="valid 有效 / expired 已过期 / revoked 已注销 / superseded 已变更 / "
        "signature_invalid 签名无效"
    )
    check_character_ok = serializers.BooleanField()
    signature_ok = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    license = LicenseOutput()


class UseOutput(serializers.Serializer):
    used_at = serializers.DateTimeField()
    who = serializers.CharField()
    channel = serializers.CharField()
    purpose = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(allow_blank=True)
    identifier = serializers.CharField(allow_blank=True)


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class LicenseVerifyApi(APIView):
    """Verify a license by its identifier (public): check character, signature, status,
    validity. The public sees masked face data; the holder and the issuing department see all."""

    permission_classes = [AllowAny]
    throttle_classes = [LicenseVerifyThrottle]

    class InputSerializer(serializers.Serializer):
        purpose = serializers.CharField(
            required=False, allow_blank=True, max_length=200, help_text="用证事由,记入用证记录"
        )

    @extend_schema(
        parameters=[InputSerializer],
        responses={200: VerificationOutput},
        tags=["licenses"],
        operation_id="license_verify",
    )
    def get(self, request: Request, identifier: str) -> Response:
        purpose = _valid(self.InputSerializer, request.query_params).get("purpose", "")
        result = verification.license_verify(
            actor=request.user, identifier=identifier, purpose=purpose, channel="verify"
        )
        full = permissions.is_holder(request.user, result.license) or permissions.can_manage(
            request.user, result.license.issuer_id
        )
        return Response(VerificationOutput(presenters.verification_payload(result, full=full)).data)


class MyLicenseListApi(APIView):
    """我的证照: the signed-in citizen's or enterprise's licenses, with full face data."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(responses={200: LicenseOutput(many=True)}, tags=["licenses"])
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.wallet_list(actor=request.user), request, self)
        rows = [presenters.license_payload(item, full=True) for item in page]
        return paginator.get_paginated_response(LicenseOutput(rows, many=True).data)


class MyLicenseUsesApi(APIView):
    """Every use of my license: verifications, presentations, reads from the license index."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UseOutput(many=True)}, tags=["licenses"])
    def get(self, request: Request, identifier: str) -> Response:
        license = selectors.wallet_get(actor=request.user, identifier=identifier)
        rows = selectors.uses_for_holder(actor=request.user, license=license)
        return Response(UseOutput([row.__dict__ for row in rows], many=True).data)

    class InputSerializer(serializers.Serializer):
        purpose = serializers.CharField(max_length=200, help_text="用证事由")
        reference = serializers.CharField(
            required=False, allow_blank=True, max_length=60, help_text="关联业务,如申请编号"
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: LicenseOutput},
        tags=["licenses"],
        operation_id="license_use",
    )
    def post(self, request: Request, identifier: str) -> Response:
        """Present my license for an application (免提交, with my consent)."""
        data = _valid(self.InputSerializer, request.data)
        license = verification.license_present(actor=request.user, identifier=identifier, **data)
        payload = presenters.license_payload(license, full=True)
        return Response(LicenseOutput(payload).data, status=status.HTTP_201_CREATED)


class DepartmentLicenseListApi(APIView):
    """The licenses the staff member's department issued."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(
        responses={200: LicenseOutput(many=True)},
        tags=["licenses"],
        operation_id="licenses_issued_list",
    )
    def get(self, request: Request) -> Response:
        if not permissions.can_manage(request.user, getattr(request.user, "department_id", None)):
            raise errors.PermissionDenied(_("只有部门工作人员可以查看本部门颁发的证照。"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.department_list(actor=request.user), request, self
        )
        rows = [presenters.license_payload(item, full=True) for item in page]
        return paginator.get_paginated_response(LicenseOutput(rows, many=True).data)


class LicenseActionApi(APIView):
    """Lifecycle actions of the issuing department: change, renew, revoke, inspect."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=["change", "renew", "revoke", "inspect"])
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
        face = serializers.DictField(
            child=serializers.CharField(allow_blank=True, max_length=500), required=False
        )
        passed = serializers.BooleanField(required=False, default=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: LicenseOutput},
        tags=["licenses"],
        parameters=[OpenApiParameter("identifier", str, OpenApiParameter.PATH)],
    )
    def post(self, request: Request, identifier: str) -> Response:
        license = selectors.department_get(actor=request.user, identifier=identifier)
        data = _valid(self.InputSerializer, request.data)
        result = license_action(request.user, license, data)
        return Response(LicenseOutput(presenters.license_payload(result, full=True)).data)


def license_action(actor: Any, license: Any, data: dict[str, Any]) -> Any:
    """Dispatch a lifecycle action by name (the API's and the pages' one entry point)."""
    action = data["action"]
    if action == "change":
        return services.license_change(
            actor=actor, license=license, face=data.get("face") or {}, reason=data.get("reason", "")
        )
    if action == "renew":
        return services.license_renew(actor=actor, license=license)
    if action == "revoke":
        return services.license_revoke(actor=actor, license=license, reason=data.get("reason", ""))
    return services.license_inspect(
        actor=actor, license=license, passed=data.get("passed", True), note=data.get("reason", "")
    )


class KeyRotateApi(APIView):
    """Rotate the department's signing key: a new active key; old ones keep verifying."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "KeyOutput",
                {"key_id": serializers.CharField(), "public_key": serializers.CharField()},
            )
        },
        tags=["licenses"],
    )
    def post(self, request: Request) -> Response:
        department = getattr(request.user, "department", None)
        if department is None:
            raise errors.PermissionDenied(_("只有部门工作人员可以更换本部门的签章密钥。"))
        key = keys.key_rotate(actor=request.user, department=department)
        return Response({"key_id": key.key_id, "public_key": key.public_key}, status=201)
