"""Pages of ingestion (namespace ``exchange``, under /exchange/)."""

from django.urls import path

from govhall.exchange import views_ingest as views

urlpatterns = [
    path("loads/", views.load_resources, name="load_resources"),
    path("resources/<slug:code>/load/", views.load_upload, name="load_upload"),
    path("resources/<slug:code>/load/template.csv", views.load_template, name="load_template"),
    path("resources/<slug:code>/loads/", views.load_history, name="load_history"),
    path("loads/<int:load_id>/", views.load_detail, name="load_detail"),
    path("loads/<int:load_id>/rejections.csv", views.load_rejections, name="load_rejections"),
]
