"""Housing figures: pages (namespace ``housing_figures``, included under ``housing/`` next to
``housing.urls``) and ``api_urlpatterns`` (included in /api/v1/ next to ``housing.api_urls``)."""

from django.urls import path

from govhall.housing import apis_figures, views_figures

app_name = "housing_figures"
urlpatterns = [
    path("workbench/figures/", views_figures.dashboard, name="dashboard"),
    path(
        "workbench/figures/charts/<slug:kind>.svg",
        views_figures.dashboard_chart,
        name="dashboard_chart",
    ),
    path("figures/", views_figures.public, name="public"),
    path("figures/chart.svg", views_figures.public_chart, name="public_chart"),
]

api_urlpatterns = [
    path("housing/figures", apis_figures.HousingFiguresApi.as_view(), name="housing-figures"),
    path(
        "housing/figures/public",
        apis_figures.HousingFiguresPublicApi.as_view(),
        name="housing-figures-public",
    ),
]
