from django.urls import path

from govhall.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "departments/<int:department_id>/staff/",
        views.department_staff,
        name="department_staff",
    ),
]
