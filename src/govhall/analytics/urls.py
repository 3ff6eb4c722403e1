"""Pages of the analytics app (namespace ``analytics``)."""

from django.urls import path

from govhall.analytics import views, views_eligibility

app_name = "analytics"
urlpatterns = [
    path("stats/", views.stats, name="stats"),
    path("stats/export/<slug:dimension>/", views.stats_export, name="stats_export"),
    path("stats/charts/<slug:kind>.svg", views.stats_chart, name="stats_chart"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("eligibility/", views_eligibility.eligibility, name="eligibility"),
]
