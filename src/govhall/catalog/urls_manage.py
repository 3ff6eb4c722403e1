from django.urls import path

from govhall.catalog import views_manage

urlpatterns = [
    path("manage/", views_manage.manage_home, name="manage"),
    path("manage/new/", views_manage.manage_new, name="manage_new"),
    path("manage/versions/<int:version_id>/", views_manage.manage_edit, name="manage_edit"),
    path(
        "manage/versions/<int:version_id>/submit/", views_manage.manage_submit, name="manage_submit"
    ),
    path(
        "manage/versions/<int:version_id>/review/", views_manage.manage_review, name="manage_review"
    ),
    path("manage/items/<str:code>/drafts/", views_manage.manage_new_draft, name="manage_new_draft"),
    path("manage/items/<str:code>/cancel/", views_manage.manage_cancel, name="manage_cancel"),
]
