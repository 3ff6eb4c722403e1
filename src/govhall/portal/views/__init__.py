"""Portal pages. The error handlers are named in ``govhall.urls`` (handler400 ... handler500)."""

from govhall.portal.views.errors import error_400, error_403, error_404, error_500
from govhall.portal.views.pages import directory, home

__all__ = ["directory", "error_400", "error_403", "error_404", "error_500", "home"]
