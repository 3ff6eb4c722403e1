"""Public pages: the home page and the directory of service centers and departments."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from govhall.organizations import selectors as org_selectors
from govhall.organizations.models import Region, ServiceCenter
from govhall.portal.forms import DirectoryFilterForm
from govhall.portal.http import application_errors
from govhall.portal.navigation import Entry, resolve_entries

# The five entries of the hall (问 查 看 办 诉). Each names the URL its feature will have; until
# an app provides that URL the card shows "暂未开通".
HOME_ENTRIES = [
    Entry("interaction:enquiry", _("咨询"), _("问"), _("政策咨询、办事疑问,在线提问、限时答复")),
    Entry("cases:progress", _("进度查询"), _("查"), _("凭办件编号,查询办理进度和结果")),
    Entry("catalog:home", _("办事指南"), _("看"), _("条件、材料、流程、时限,一次看明白")),
    Entry("cases:apply", _("网上办理"), _("办"), _("在线申报,材料能少则少,数据多跑路")),
    Entry("interaction:complaint", _("投诉"), _("诉"), _("对办事服务不满意,在线投诉监督")),
]

HOME_CENTER_LIMIT = 6

CENTER_GROUP_LABELS = {
    Region.Level.PROVINCE: _("省级政务服务中心"),
    Region.Level.CITY: _("市级政务服务中心"),
    Region.Level.COUNTY: _("县(区)级政务服务中心"),
    Region.Level.TOWNSHIP: _("乡镇(街道)便民服务中心"),
    Region.Level.VILLAGE: _("村(社区)便民服务站与代办点"),
}

FILTER_LEVELS = [
    (Region.Level.CITY, _("市")),
    (Region.Level.COUNTY, _("县(区)")),
    (Region.Level.TOWNSHIP, _("乡镇(街道)")),
]


def home(request: HttpRequest) -> HttpResponse:
    centers = org_selectors.service_center_list().filter(region__level__lte=Region.Level.COUNTY)
    return render(
        request,
        "portal/home.html",
        {
            "entries": resolve_entries(HOME_ENTRIES),
            "centers": list(centers[:HOME_CENTER_LIMIT]),
        },
    )


def _region_choice_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for level, label in FILTER_LEVELS:
        regions = [(r.code, r.name) for r in org_selectors.region_list(level=level)]
        if regions:
            groups.append((str(label), regions))
    return groups


def _group_centers(centers: list[ServiceCenter]) -> list[dict[str, object]]:
    """Centers in order of level (city first), keeping the selector's order within a level."""
    buckets: dict[int, list[ServiceCenter]] = {}
    for center in centers:
        buckets.setdefault(center.region.level, []).append(center)
    return [
        {"level": level, "label": CENTER_GROUP_LABELS.get(level, ""), "centers": buckets[level]}
        for level in sorted(buckets)
    ]


@application_errors
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None, region_groups=_region_choice_groups())
    region = form.cleaned_data["region"] if form.is_valid() else ""
    centers = list(org_selectors.service_center_list(region=region or None))
    context = {
        "form": form,
        "region": region,
        "center_groups": _group_centers(centers),
        "center_count": len(centers),
        "departments": org_selectors.department_list(region=region or None),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "portal/_directory_results.html" if partial else "portal/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
