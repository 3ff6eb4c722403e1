"""Public catalog pages under /catalog/ (namespace ``catalog``)."""

from django.urls import path

from govhall.catalog import views_public as views

urlpatterns = [
    path("", views.home, name="home"),
    path("items/<str:code>/", views.item, name="item"),
    path("items/<str:code>/notice/", views.notice, name="notice"),
    path("lists/", views.lists_index, name="lists"),
    path("lists/<slug:key>/", views.list_detail, name="list"),
    path("changes/", views.changes, name="changes"),
    path(
        "materials/<int:material_id>/blank/",
        views.material_file,
        {"kind": "blank"},
        name="material_blank",
    ),
    path(
        "materials/<int:material_id>/sample/",
        views.material_file,
        {"kind": "sample"},
        name="material_sample",
    ),
]
