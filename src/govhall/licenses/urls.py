"""Pages of the licenses app (namespace ``licenses``)."""

from django.urls import path  # noqa: F401

app_name = "licenses"
urlpatterns: list = []
