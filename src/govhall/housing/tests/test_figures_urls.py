"""The URL configuration the housing figures tests run with: the project's, plus the figures
pages and API routes in front (until the project includes ``housing.urls_figures`` itself; then
the first match is the same view). Tests opt in with ``pytest.mark.urls(URLCONF)``."""

from __future__ import annotations

import pytest
from django.urls import include, path, resolve, reverse

from govhall import urls as project_urls
from govhall.housing import urls_figures, views_figures

URLCONF = "govhall.housing.tests.test_figures_urls"

urlpatterns = [
    path("housing/", include("govhall.housing.urls_figures")),
    path("api/v1/", include(urls_figures.api_urlpatterns)),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.urls(URLCONF)
def test_figures_urls_resolve():
    assert reverse("housing_figures:dashboard") == "/housing/workbench/figures/"
    assert reverse("housing_figures:public") == "/housing/figures/"
    assert resolve("/housing/figures/chart.svg").func is views_figures.public_chart
    assert resolve("/api/v1/housing/figures/public").url_name == "housing-figures-public"
