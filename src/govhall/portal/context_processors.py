from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govhall.accounts import permissions
from govhall.portal.navigation import Entry, available_entries

# The main navigation. Entries whose app does not exist yet are not shown.
SITE_NAV = [
    Entry("portal:home", _("首页")),
    Entry("catalog:home", _("办事指南")),
    Entry("cases:apply", _("网上办理")),
    Entry("cases:progress", _("进度查询")),
    Entry("analytics:disclosure", _("办件公示")),
    Entry("cases:publicity", _("公示公告")),
    Entry("housing_figures:public", _("公租房公开")),
    Entry("interaction:enquiry", _("咨询投诉")),
    Entry("portal:directory", _("办事大厅")),
]


def site(request: HttpRequest) -> dict[str, Any]:
    # Callables are evaluated only when a template uses them: an error page rendered with
    # ``minimal`` never touches the session or the database.
    return {
        "city_name": settings.GOVHALL_CITY_NAME,
        "site_nav": lambda: available_entries(SITE_NAV),
        "show_workbench_link": lambda: permissions.can_use_workbench(
            getattr(request, "user", None)
        ),
    }
