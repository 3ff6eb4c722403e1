"""The notifications app's REST endpoints, included in /api/v1/."""

from django.urls import path

from govhall.notifications import apis

urlpatterns = [
    path("me/messages", apis.MyMessageListApi.as_view(), name="me-messages"),
    path("me/messages/unread-count", apis.MyUnreadCountApi.as_view(), name="me-messages-unread"),
    path("me/messages/read-all", apis.MyMessagesReadAllApi.as_view(), name="me-messages-read-all"),
    path(
        "me/messages/<int:notification_id>/read",
        apis.MyMessageReadApi.as_view(),
        name="me-message-read",
    ),
]
