from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.accounts import selectors, services
from govhall.accounts.models import ApiToken, User
from govhall.accounts.throttles import RegistrationThrottle
from govhall.core.identifiers import mask_id_number, mask_phone


class UserOutputSerializer(serializers.ModelSerializer):
    """The signed-in user's own data: unmasked, since it is theirs."""

    department = serializers.SerializerMethodField()
    posts = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "kind",
            "name",
            "id_number",
            "uscc",
            "legal_representative",
            "phone",
            "department",
            "posts",
        ]

    def get_department(self, obj: User) -> dict | None:
        if obj.department_id is None:
            return None
        return {"id": obj.department_id, "name": obj.department.name}

    def get_posts(self, obj: User) -> list[str]:
        return sorted(p.code for p in obj.posts.all())


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RegistrationThrottle]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=[User.Kind.CITIZEN, User.Kind.ENTERPRISE])
        name = serializers.CharField(max_length=100)
        id_number = serializers.CharField(
            max_length=30, required=False, allow_null=True, allow_blank=True
        )
        uscc = serializers.CharField(
            max_length=30, required=False, allow_null=True, allow_blank=True
        )
        legal_representative = serializers.CharField(
            max_length=50, required=False, allow_null=True, allow_blank=True
        )
        phone = serializers.CharField(max_length=20)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

        def validate(self, attrs):
            required = (
                ["id_number"]
                if attrs["kind"] == User.Kind.CITIZEN
                else ["uscc", "legal_representative"]
            )
            missing = {f: [_("该字段是必填项。")] for f in required if not attrs.get(f)}
            if missing:
                raise serializers.ValidationError(missing)
            return attrs

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        kind = serializers.CharField()
        name = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["kind"] == User.Kind.CITIZEN:
            user = services.user_register_citizen(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password"],
            )
        else:
            user = services.user_register_enterprise(
                name=data["name"],
                uscc=data["uscc"],
                legal_representative=data["legal_representative"],
                phone=data["phone"],
                password=data["password"],
            )
        return Response(self.OutputSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    """POST: exchange username + password for a bearer token. DELETE: revoke the token in use."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=64)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        name = serializers.CharField(max_length=100, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.user_authenticate(
            request=request._request, username=data["username"], password=data["password"]
        )
        issued = services.token_issue(actor=user, name=data["name"])
        return Response(
            {"token": issued.token, "expires_at": issued.expires_at}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None:
            services.token_revoke_all(actor=request.user, user=request.user)
        else:
            services.token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(responses={200: UserOutputSerializer}, tags=["auth"])
    def get(self, request):
        return Response(UserOutputSerializer(request.user).data)


class DepartmentStaffApi(APIView):
    """Staff of a department: visible to that department's staff and to system administrators."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        name = serializers.CharField()
        phone = serializers.SerializerMethodField()
        posts = serializers.SerializerMethodField()

        def get_phone(self, obj) -> str:
            return mask_phone(obj.phone)

        def get_posts(self, obj) -> list[dict]:
            return [{"code": p.code, "name": p.name} for p in obj.posts.all()]

    @extend_schema(
        responses={
            200: inline_serializer(
                "DepartmentStaffList",
                {"count": serializers.IntegerField(), "results": OutputSerializer(many=True)},
            )
        },
        tags=["organizations"],
    )
    def get(self, request, department_id: int):
        staff = selectors.department_staff_list(actor=request.user, department_id=department_id)
        rows = list(staff)
        return Response(
            {"count": len(rows), "results": self.OutputSerializer(rows, many=True).data}
        )


__all__ = ["DepartmentStaffApi", "MeApi", "RegisterApi", "TokenApi", "mask_id_number"]
