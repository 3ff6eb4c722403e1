from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from govhall.accounts import apis as account_apis
from govhall.core import apis as core_apis
from govhall.housing import urls_figures as housing_figures_urls
from govhall.organizations import apis as organization_apis

v1 = [
    path("auth/register", account_apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/token", account_apis.TokenApi.as_view(), name="auth-token"),
    path("me", account_apis.MeApi.as_view(), name="me"),
    path("codes", core_apis.CodeTableListApi.as_view(), name="codes"),
    path("codes/<slug:key>", core_apis.CodeTableDetailApi.as_view(), name="code-table"),
    path("regions", organization_apis.RegionListApi.as_view(), name="regions"),
    path("departments", organization_apis.DepartmentListApi.as_view(), name="departments"),
    path(
        "departments/<int:department_id>/staff",
        account_apis.DepartmentStaffApi.as_view(),
        name="department-staff",
    ),
    path(
        "service-centers", organization_apis.ServiceCenterListApi.as_view(), name="service-centers"
    ),
    path("", include("govhall.catalog.api_urls")),
    path("", include("govhall.exchange.api_urls")),
    path("", include("govhall.notifications.api_urls")),
    path("", include("govhall.cases.api_urls")),
    path("", include("govhall.licenses.api_urls")),
    path("", include("govhall.supervision.api_urls")),
    path("", include("govhall.interaction.api_urls")),
    path("", include("govhall.analytics.api_urls")),
    path("", include("govhall.housing.api_urls")),
    path("", include(housing_figures_urls.api_urlpatterns)),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
