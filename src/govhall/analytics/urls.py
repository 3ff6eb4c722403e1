"""Pages of the analytics app (namespace ``analytics``)."""

from django.urls import path  # noqa: F401

app_name = "analytics"
urlpatterns: list = []
