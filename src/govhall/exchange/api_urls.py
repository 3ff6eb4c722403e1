"""The exchange's REST endpoints, included in /api/v1/."""

from govhall.exchange import api_access, api_catalog, api_ingest, api_query

urlpatterns = [
    *api_catalog.urlpatterns,
    *api_ingest.urlpatterns,
    *api_query.urlpatterns,
    *api_access.urlpatterns,
]
