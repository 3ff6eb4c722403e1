"""In-site messages over the API, for apps and mini programs.

``GET /api/v1/me/messages`` (``?unread=1``), ``GET /api/v1/me/messages/unread-count``,
``POST /api/v1/me/messages/{id}/read``, ``POST /api/v1/me/messages/read-all``. Only the
recipient sees a message; another user's id answers 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.api.pagination import PageNumberPagination
from govhall.notifications import selectors, services


class InboxMessageSerializer(serializers.Serializer):
    """One in-site message."""

    id = serializers.IntegerField()
    event = serializers.CharField(help_text="事件代码,如 case.accepted")
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(allow_blank=True, help_text="站内相对链接")
    related = serializers.CharField(allow_blank=True, help_text="关联对象,如 case:办件编号")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.BooleanField(source="is_unread")


class MyMessageListApi(APIView):
    """My in-site messages, newest first."""

    pagination_class = PageNumberPagination

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False, help_text="只看未读")

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: InboxMessageSerializer(many=True)},
        tags=["messages"],
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        messages = selectors.notification_inbox(
            actor=request.user, unread_only=filters.validated_data["unread"]
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(messages, request, view=self)
        return paginator.get_paginated_response(InboxMessageSerializer(page, many=True).data)


class MyUnreadCountApi(APIView):
    class OutputSerializer(serializers.Serializer):
        unread = serializers.IntegerField()

    @extend_schema(responses={200: OutputSerializer}, tags=["messages"])
    def get(self, request: Request) -> Response:
        count = selectors.notification_unread_count(actor=request.user)
        return Response(self.OutputSerializer({"unread": count}).data)


class MyMessageReadApi(APIView):
    """Mark one of my messages read (again: no change)."""

    @extend_schema(request=None, responses={200: InboxMessageSerializer}, tags=["messages"])
    def post(self, request: Request, notification_id: int) -> Response:
        message = services.notification_mark_read(
            actor=request.user, notification_id=notification_id
        )
        return Response(InboxMessageSerializer(message).data)


class MyMessagesReadAllApi(APIView):
    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField(help_text="本次标为已读的条数")

    @extend_schema(request=None, responses={200: OutputSerializer}, tags=["messages"])
    def post(self, request: Request) -> Response:
        marked = services.notification_mark_all_read(actor=request.user)
        return Response(self.OutputSerializer({"marked": marked}).data)
