"""Pages of the analytics app (namespace ``analytics``)."""

from django.urls import path

from govhall.analytics import views, views_eligibility, views_push

app_name = "analytics"
urlpatterns = [
    path("stats/", views.stats, name="stats"),
    path("stats/export/<slug:dimension>/", views.stats_export, name="stats_export"),
    path("stats/charts/<slug:kind>.svg", views.stats_chart, name="stats_chart"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("eligibility/", views_eligibility.eligibility, name="eligibility"),
    path("push/", views_push.push, name="push"),
    path("push/rounds/<int:round_id>/", views_push.push_round, name="push_round"),
    path("push/preferences/", views_push.push_preferences, name="push_preferences"),
]
