"""In-site message pages, mounted at /messages/ (namespace ``notifications``)."""

from django.urls import path

from govhall.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
]
