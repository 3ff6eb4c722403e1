from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("govhall.api.urls")),
    path("workbench/", include("govhall.workbench.urls")),
    path("catalog/", include("govhall.catalog.urls")),
    path("exchange/", include("govhall.exchange.urls")),
    path("messages/", include("govhall.notifications.urls")),
    path("cases/", include("govhall.cases.urls")),
    path("licenses/", include("govhall.licenses.urls")),
    path("supervision/", include("govhall.supervision.urls")),
    path("interaction/", include("govhall.interaction.urls")),
    path("analytics/", include("govhall.analytics.urls")),
    path("housing/", include("govhall.housing.urls")),
    path("housing/", include("govhall.housing.urls_figures")),
    path("", include("govhall.portal.urls")),
]

handler400 = "govhall.portal.views.error_400"
handler403 = "govhall.portal.views.error_403"
handler404 = "govhall.portal.views.error_404"
handler500 = "govhall.portal.views.error_500"
