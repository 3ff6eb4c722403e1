"""Pages of the licenses app (namespace ``licenses``)."""

from django.urls import path

from govhall.licenses import views, views_workbench

app_name = "licenses"
urlpatterns = [
    path("mine/", views.wallet, name="wallet"),
    path("mine/<str:identifier>.pdf", views.wallet_pdf, name="wallet_pdf"),
    path("verify/<str:identifier>/", views.verify, name="verify"),
    path("workbench/", views_workbench.license_list, name="workbench_list"),
    path("workbench/keys/rotate/", views_workbench.key_rotate, name="key_rotate"),
    path("workbench/<str:identifier>/", views_workbench.license_detail, name="workbench_detail"),
]
