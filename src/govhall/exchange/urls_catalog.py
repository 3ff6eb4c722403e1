"""Pages of the resource catalog, grants and purposes (namespace ``exchange``, under /exchange/)."""

from django.urls import path

from govhall.exchange import views_catalog as views

urlpatterns = [
    path("resources/", views.resources, name="resources"),
    path("resources/<slug:code>/", views.resource_detail, name="resource_detail"),
    path("resources/<slug:code>/grant/", views.grant_request, name="grant_request"),
    path("grants/", views.grants, name="grants"),
    path("grants/<int:grant_id>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:grant_id>/approve/", views.grant_approve, name="grant_approve"),
    path("grants/<int:grant_id>/refuse/", views.grant_refuse, name="grant_refuse"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("purposes/", views.purposes, name="purposes"),
    path(
        "purposes/<str:reference>/deactivate/",
        views.purpose_deactivate,
        name="purpose_deactivate",
    ),
]
