"""Access log pages, under /exchange/ (namespace ``exchange``)."""

from django.urls import path

from govhall.exchange import views_access

urlpatterns = [
    path("me/data-access/", views_access.my_data_access_page, name="my_data_access"),
    path(
        "resources/<slug:code>/access/",
        views_access.resource_access_page,
        name="resource_access",
    ),
]
