"""Import and export pages of the lists, in the workbench (namespace ``catalog``)."""

from django.urls import path

from govhall.catalog import views_io

urlpatterns = [
    path("manage/import/", views_io.import_page, name="import"),
    path("manage/import/template/", views_io.import_template, name="import_template"),
    path("manage/export/", views_io.export, name="export"),
]
