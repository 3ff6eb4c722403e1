"""The housing app's REST endpoints, included in /api/v1/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
