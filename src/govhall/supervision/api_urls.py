"""The supervision app's REST endpoints, included in /api/v1/."""

from django.urls import path

from govhall.supervision import apis

urlpatterns = [
    path("supervision/alerts", apis.AlertListApi.as_view(), name="supervision-alerts"),
    path(
        "supervision/alerts/<int:alert_id>",
        apis.AlertDetailApi.as_view(),
        name="supervision-alert",
    ),
    path(
        "supervision/alerts/<int:alert_id>/actions/<str:action>",
        apis.AlertActionApi.as_view(),
        name="supervision-alert-action",
    ),
    path(
        "supervision/accountabilities",
        apis.AccountabilityListApi.as_view(),
        name="supervision-accountabilities",
    ),
    path(
        "supervision/accountabilities/<int:accountability_id>/decide",
        apis.AccountabilityDecideApi.as_view(),
        name="supervision-accountability-decide",
    ),
]
