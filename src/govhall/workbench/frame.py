"""What every workbench page shows around its content: sidebar and administrator banners."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.accounts import permissions
from govhall.core import calendar
from govhall.portal.navigation import Entry, available_entries

# Workbench features built by later work. Each appears in the sidebar once its URL name resolves;
# the target view checks the actor's posts (the sidebar is a convenience, not a permission).
WORKBENCH_NAV = [
    Entry("cases:task_list", gettext_lazy("我的待办")),
    Entry("cases:case_list", gettext_lazy("办件查询")),
    Entry("supervision:alerts", gettext_lazy("监察预警")),
    Entry("supervision:accountabilities", gettext_lazy("追责记录")),
    Entry("analytics:stats", gettext_lazy("绩效统计")),
    Entry("exchange:resources", gettext_lazy("数据资源")),
    Entry(
        "exchange:verify",
        gettext_lazy("信息核查"),
        visible_if="govhall.exchange.permissions.can_query_registries",
    ),
    Entry(
        "exchange:batch",
        gettext_lazy("批量核验"),
        visible_if="govhall.exchange.permissions.can_query_registries",
    ),
    Entry(
        "analytics:eligibility",
        gettext_lazy("资格核验"),
        visible_if="govhall.exchange.permissions.can_query_registries",
    ),
    Entry(
        "exchange:grants",
        gettext_lazy("共享授权"),
        visible_if="govhall.exchange.permissions.holds_data_officer_post",
    ),
    Entry(
        "exchange:load_resources",
        gettext_lazy("数据归集"),
        visible_if="govhall.exchange.permissions.holds_data_officer_post",
    ),
    Entry(
        "catalog:manage",
        gettext_lazy("事项清单管理"),
        visible_if="govhall.catalog.selectors_manage.can_manage_catalog",
    ),
    Entry("interaction:manage", gettext_lazy("咨询投诉处理")),
    Entry(
        "housing:waiting_list",
        gettext_lazy("公租房保障"),
        visible_if="govhall.housing.permissions.can_manage",
    ),
    Entry(
        "analytics:push",
        gettext_lazy("精准推送"),
        visible_if="govhall.analytics.selectors_push.can_view_push",
    ),
    Entry(
        "licenses:workbench_list",
        gettext_lazy("电子证照"),
        visible_if="govhall.licenses.permissions.is_issuing_staff",
    ),
]

CALENDAR_ADMIN_PATH = "/admin/core/calendaryear/"


def calendar_missing_years() -> list[int]:
    """Years (this one and the next) without a working-day calendar."""
    return sorted(calendar.missing_years())


def _calendar_admin_url() -> str:
    try:
        return reverse("admin:core_calendaryear_changelist")
    except NoReverseMatch:
        return CALENDAR_ADMIN_PATH


def _calendar_banner(request: HttpRequest) -> dict[str, str] | None:
    if not permissions.is_system_admin(request.user):
        return None
    years = calendar_missing_years()
    if not years:
        return None
    return {
        "message": _(
            "%(years)s年工作日历尚未导入,涉及这些年份的办理期限暂按周末休息计算,"
            "节假日与调休未计入。请尽快导入。"
        )
        % {"years": "、".join(str(year) for year in years)},
        "url": _calendar_admin_url(),
    }


def frame_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "actor_department": user.department if user.department_id else None,
        "actor_posts": list(user.posts.order_by("sort_order")),
        "actor_is_admin": permissions.is_system_admin(user),
        "workbench_nav": available_entries(WORKBENCH_NAV, user),
        "calendar_banner": _calendar_banner(request),
    }
