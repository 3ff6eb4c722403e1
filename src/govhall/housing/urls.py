"""Pages of the housing app (namespace ``housing``)."""

from django.urls import path  # noqa: F401

app_name = "housing"
urlpatterns: list = []
