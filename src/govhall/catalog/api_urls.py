"""Catalog API paths, mounted under /api/v1/."""

from govhall.catalog import api_figures, api_guide, api_io, api_manage, api_search

urlpatterns = [
    *api_search.urlpatterns,
    *api_io.urlpatterns,
    *api_manage.urlpatterns,
    *api_figures.urlpatterns,
    *api_guide.urlpatterns,  # last: /items/{code} must not shadow /items/import etc.
]
