"""Pages of the interaction app (namespace ``interaction``)."""

from django.urls import path  # noqa: F401

app_name = "interaction"
urlpatterns: list = []
