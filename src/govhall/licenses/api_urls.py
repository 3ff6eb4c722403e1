"""The licenses app's REST endpoints, included in /api/v1/."""

from django.urls import path

from govhall.licenses import apis

urlpatterns = [
    path(
        "licenses/<str:identifier>/verify", apis.LicenseVerifyApi.as_view(), name="license-verify"
    ),
    path(
        "licenses/<str:identifier>/actions", apis.LicenseActionApi.as_view(), name="license-action"
    ),
    path("licenses", apis.DepartmentLicenseListApi.as_view(), name="licenses-issued"),
    path("license-keys/rotate", apis.KeyRotateApi.as_view(), name="license-key-rotate"),
    path("me/licenses", apis.MyLicenseListApi.as_view(), name="me-licenses"),
    path(
        "me/licenses/<str:identifier>/uses", apis.MyLicenseUsesApi.as_view(), name="me-license-uses"
    ),
]
