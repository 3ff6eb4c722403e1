"""Pages of the exchange, mounted at /exchange/ (namespace ``exchange``)."""

from govhall.exchange import urls_access, urls_catalog, urls_ingest, urls_query

app_name = "exchange"
urlpatterns = [
    *urls_catalog.urlpatterns,
    *urls_ingest.urlpatterns,
    *urls_query.urlpatterns,
    *urls_access.urlpatterns,
]
