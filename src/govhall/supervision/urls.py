"""Pages of the supervision app (namespace ``supervision``)."""

from django.urls import path

from govhall.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/<str:action>/", views.alert_act, name="alert_act"),
    path("accountabilities/", views.accountabilities, name="accountabilities"),
    path(
        "accountabilities/<int:accountability_id>/",
        views.accountability_detail,
        name="accountability_detail",
    ),
    path(
        "accountabilities/<int:accountability_id>/decide/",
        views.accountability_decide,
        name="accountability_decide",
    ),
]
