from django.urls import path

from govhall.exchange import views_query

urlpatterns = [
    path("verify/", views_query.verify, name="verify"),
    path("batch/", views_query.batch, name="batch"),
    path(
        "batch/<int:batch_id>/results.<str:fmt>",
        views_query.batch_download,
        name="batch_download",
    ),
]
