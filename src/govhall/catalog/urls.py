"""Catalog pages under /catalog/ (namespace ``catalog``): public guide pages, lists and figures,
and the catalog administrators' management and import pages."""

from govhall.catalog import urls_figures, urls_io, urls_manage, urls_public

app_name = "catalog"
urlpatterns = [
    *urls_public.urlpatterns,
    *urls_figures.urlpatterns,
    *urls_manage.urlpatterns,
    *urls_io.urlpatterns,
]
