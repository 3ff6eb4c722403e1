"""The public catalog figures page: /catalog/figures/ (namespace ``catalog``)."""

from django.urls import path

from govhall.catalog import views_figures

urlpatterns = [path("figures/", views_figures.figures, name="figures")]
