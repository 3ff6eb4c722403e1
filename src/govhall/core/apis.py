from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.core.codes import code_table, code_tables


class CodeTableOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    source = serializers.CharField()
    note = serializers.CharField()
    codes = serializers.DictField(child=serializers.CharField())


class CodeTableListApi(APIView):
    """The national code tables govhall uses, with their sources (public)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: CodeTableOutputSerializer(many=True)}, tags=["codes"])
    def get(self, request):
        return Response(CodeTableOutputSerializer(code_tables(), many=True).data)


class CodeTableDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CodeTableOutputSerializer}, tags=["codes"])
    def get(self, request, key: str):
        return Response(CodeTableOutputSerializer(code_table(key)).data)
