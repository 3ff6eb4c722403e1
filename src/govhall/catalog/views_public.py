"""Public catalog pages: home with search and browsing, the guide, the one-time notification
sheet (一次性告知单), the lists and the change log.

Reads go through ``catalog.selectors`` (only published guides of active items are public); this
module parses the query string, turns code values into their labels and renders.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import wraps
from html import unescape
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from govhall.catalog import selectors
from govhall.catalog.flowchart import process_svg
from govhall.catalog.lists import LISTS, lists_of
from govhall.catalog.models import CatalogChange, ItemVersion, Material
from govhall.core import errors
from govhall.core.codes import code_table

SEARCH_PAGE_SIZE = 20
LIST_PAGE_SIZE = 50
CHANGE_PAGE_SIZE = 50

LIST_DESCRIPTIONS = {
    "power": _("行政许可、行政处罚、行政强制等行政权力事项。"),
    "responsibility": _("每项行政权力的责任事项、追责情形、追责主体、追责依据和应负责任。"),
    "fee": _("收费的事项及其收费项目、标准和依据。"),
    "public_service": _("面向群众和企业的公共服务事项。"),
    "intermediary": _("行政审批所依赖的中介服务。"),
    "certificate": _("仍需申请人提交的、由政府部门核发的证明材料。"),
    "one_visit": _("到办事现场不超过一次的事项。"),
    "zero_visit": _("全程无需到办事现场的事项(不见面审批)。"),
    "negative": _("依法需要到办事现场两次及以上的事项及其原因。"),
}

EXTRA_FIELD_LABELS = {"materials": _("申请材料"), "responsibilities": _("责任事项")}


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def label(table: str, code: Any) -> str:
    """The label of ``code`` in code table ``table``; the code itself when it is unknown."""
    if code in (None, ""):
        return ""
    try:
        return code_table(table).label(str(code))
    except errors.ApplicationError:
        return str(code)


def _page(request: HttpRequest, queryset: Any, size: int):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- home and search ----------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索事项"), required=False, max_length=selectors.MAX_QUERY_LENGTH)
    department = forms.IntegerField(required=False, min_value=1)
    theme = forms.CharField(required=False, max_length=50)
    list = forms.ChoiceField(required=False, choices=[("", ""), *LISTS.items()])
    region = forms.RegexField(required=False, regex=r"^\d{6,12}$")
    level = forms.ChoiceField(
        required=False, choices=[("", ""), *code_table("exercise_level").choices()]
    )

    def filters(self) -> dict[str, Any]:
        """The valid parameters (an invalid one is ignored, not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: data[key] for key in self.fields if data.get(key) not in (None, "")}


def _search_function() -> Callable[..., Any] | None:
    """``selectors_search.item_search`` when that module exists (it is built separately)."""
    name = "govhall.catalog.selectors_search"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
    return getattr(module, "item_search", None)


def _as_version(result: Any) -> ItemVersion | None:
    """A search result (an Item with its published version, or a version) as the version, with
    its item and the search's highlighted snippet attached."""
    if isinstance(result, ItemVersion):
        return result
    version = getattr(result, "published_version", None)
    if not isinstance(version, ItemVersion):
        return None
    version.item = result  # already loaded, with its department
    highlight = getattr(result, "search_highlight", "")
    if highlight and "<mark>" in highlight:
        # ``search.highlight`` returns escaped text with the matches in <mark>.
        snippet = mark_safe(highlight)  # noqa: S308
        plain = unescape(strip_tags(highlight)).strip("…")
        if plain and plain in version.name:
            version.title_html = snippet
        else:
            version.match_html = snippet
    return version


def _search(filters: dict[str, Any]) -> tuple[Any, list[str]]:
    """The results and notes about how they were found.

    Words, themes, departments and lists go to ``selectors_search.item_search`` (segmentation,
    pinyin, ranking) when it exists. Browsing by region or level lists the items *implemented*
    there (as the counts on the home page do), so it uses the plain listing.
    """
    search = _search_function()
    if search is not None and not filters.get("region") and not filters.get("level"):
        results = search(
            q=filters.get("q", ""),
            department=filters.get("department"),
            theme=filters.get("theme") or None,
            list_key=filters.get("list") or None,
        )
        notes = []
        query = getattr(results, "query", None)
        if getattr(query, "truncated", False):
            notes.append(_("检索词过长,仅按前面部分检索。"))
        if getattr(results, "relaxed", False):
            notes.append(_("没有同时包含全部关键词的事项,以下是包含部分关键词的事项。"))
        return results, notes
    results = selectors.version_list_public(
        q=filters.get("q", ""),
        department=filters.get("department"),
        theme=filters.get("theme", ""),
        list_key=filters.get("list", ""),
        region=filters.get("region", ""),
        level=filters.get("level", ""),
    )
    return results, []


@require_GET
@_not_found_as_404
def home(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    context: dict[str, Any] = {"form": form, "filters": filters, "searched": bool(filters)}
    if filters:
        results, notes = _search(filters)
        page = _page(request, results, SEARCH_PAGE_SIZE)
        versions = [v for v in map(_as_version, page.object_list) if v is not None]
        prefetch_related_objects(versions, "region")
        page.object_list = versions
        context.update(
            page=page,
            notes=notes,
            query_string=_query_without_page(request),
            filter_labels=_filter_labels(filters),
        )
    partial = request.htmx and not request.htmx.history_restore_request
    if partial:
        response = render(request, "catalog/_results.html", context)
    else:
        overview = selectors.catalog_overview()
        context["overview"] = overview
        context["list_names"] = LISTS
        context["list_rows"] = [
            {"key": key, "name": name, "count": overview.lists[key]} for key, name in LISTS.items()
        ]
        response = render(request, "catalog/home.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _filter_labels(filters: dict[str, Any]) -> list[str]:
    labels = []
    department, region = selectors.filter_names(
        department=filters.get("department"), region=filters.get("region")
    )
    if department:
        labels.append(_("部门:%(v)s") % {"v": department})
    if region:
        labels.append(_("区域:%(v)s") % {"v": region})
    if filters.get("theme"):
        labels.append(_("主题:%(v)s") % {"v": filters["theme"]})
    if filters.get("list"):
        labels.append(str(LISTS[filters["list"]]))
    if filters.get("level"):
        labels.append(label("exercise_level", filters["level"]))
    return labels


# --- guide --------------------------------------------------------------------------------------


def _apply_url(code: str) -> str | None:
    """The online application for ``code`` once the cases app provides ``cases:apply``."""
    for how in ({"kwargs": {"code": code}}, {"args": [code]}):
        try:
            return reverse("cases:apply", **how)
        except NoReverseMatch:
            continue
    try:
        return reverse("cases:apply") + "?" + urlencode({"item": code})
    except NoReverseMatch:
        return None


def _material_row(material: Material) -> dict[str, Any]:
    return {
        "material": material,
        "type": label("material_type", material.material_type),
        "form": label("material_form", material.material_form),
        "necessity": label("material_necessity", material.necessity),
        "source": label("material_source", material.source_channel),
        "fetched": material.is_fetched,
        "blank_url": reverse("catalog:material_blank", args=[material.pk])
        if material.blank_form
        else None,
        "sample_url": reverse("catalog:material_sample", args=[material.pk])
        if material.sample
        else None,
    }


def _guide(item: Any) -> dict[str, Any]:
    version: ItemVersion = item.published_version
    posts = selectors.post_names()
    materials = [_material_row(m) for m in version.materials.all()]
    statutory, promised = version.statutory_limit_days, version.promised_limit_days
    return {
        "item": item,
        "version": version,
        "department": item.department,
        "labels": {
            "item_type": label("item_type", version.item_type),
            "exercise_level": label("exercise_level", version.exercise_level),
            "power_source": label("power_source", version.power_source),
            "case_type": label("case_type", version.case_type),
            "result_type": label("result_type", version.result_type),
            "cross_area_scope": label("cross_area_scope", version.cross_area_scope),
            "online_depth": label("online_depth", version.online_depth),
            "body_nature": label("body_nature", item.department.nature),
            "service_targets": [label("service_target", c) for c in version.service_targets],
            "channels": [label("handling_form", c) for c in version.channels],
        },
        "conditions_apply": [c for c in version.conditions if str(c.get("type")) != "2"],
        "conditions_prohibit": [c for c in version.conditions if str(c.get("type")) == "2"],
        "special_procedures": [
            {**p, "label": p.get("name") or label("special_procedure", p.get("code"))}
            for p in version.special_procedures
        ],
        "materials": materials,
        "to_submit": [row for row in materials if not row["fetched"]],
        "fetched": [row for row in materials if row["fetched"]],
        "steps": [
            {**s, "post_name": posts.get(s.get("post"), s.get("post"))} for s in version.steps
        ],
        "flowchart": mark_safe(process_svg(version.steps, post_names=posts)),  # noqa: S308 - escaped
        "responsibilities": list(version.responsibilities.all()),
        "lists": [(key, LISTS[key]) for key in lists_of(version)],
        "saved_days": statutory - promised if statutory > promised else 0,
        "saved_rate": round(100 * (statutory - promised) / statutory) if statutory else 0,
        "apply_url": _apply_url(item.implementation_code) if version.online_depth >= 3 else None,
    }


@require_GET
@_not_found_as_404
def item(request: HttpRequest, code: str) -> HttpResponse:
    guide = _guide(selectors.item_get_public(code=code))
    return render(request, "catalog/item.html", guide)


@require_GET
@_not_found_as_404
def notice(request: HttpRequest, code: str) -> HttpResponse:
    guide = _guide(selectors.item_get_public(code=code))
    guide["today"] = timezone.localdate()
    return render(request, "catalog/notice.html", guide)


@require_GET
@_not_found_as_404
def material_file(request: HttpRequest, material_id: int, kind: str) -> FileResponse:
    file = selectors.material_file_public(material_id=material_id, kind=kind)
    return FileResponse(file.open("rb"), as_attachment=True, filename=os.path.basename(file.name))


# --- lists and changes --------------------------------------------------------------------------


@require_GET
def lists_index(request: HttpRequest) -> HttpResponse:
    counts = selectors.list_counts()
    rows = [
        {"key": key, "name": name, "count": counts[key], "description": LIST_DESCRIPTIONS[key]}
        for key, name in LISTS.items()
    ]
    return render(request, "catalog/lists.html", {"rows": rows})


@require_GET
@_not_found_as_404
def list_detail(request: HttpRequest, key: str) -> HttpResponse:
    queryset = selectors.list_items(key=key)
    page = _page(request, queryset, LIST_PAGE_SIZE)
    rows = [
        {
            "version": v,
            "type": label("item_type", v.item_type),
            "level": label("exercise_level", v.exercise_level),
            "depth": label("online_depth", v.online_depth),
        }
        for v in page.object_list
    ]
    context = {
        "key": key,
        "name": LISTS[key],
        "description": LIST_DESCRIPTIONS[key],
        "count": page.paginator.count,
        "page": page,
        "rows": rows,
        "query_string": _query_without_page(request),
    }
    return render(request, "catalog/list.html", context)


class ChangeFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年份"), required=False, coerce=int, empty_value=None)
    list = forms.ChoiceField(label=_("清单"), required=False)
    item = forms.CharField(required=False, max_length=40)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年份"))] + [
            (y, _("%(year)d年") % {"year": y}) for y in years
        ]
        self.fields["list"].choices = [("", _("全部清单")), *LISTS.items()]


def _changed_labels(names: list[str]) -> list[str]:
    labels = []
    for name in names or []:
        if name in EXTRA_FIELD_LABELS:
            labels.append(str(EXTRA_FIELD_LABELS[name]))
            continue
        try:
            labels.append(str(ItemVersion._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field renamed since the change was recorded
            labels.append(name)
    return labels


@require_GET
@_not_found_as_404
def changes(request: HttpRequest) -> HttpResponse:
    form = ChangeFilterForm(request.GET or None, years=selectors.change_years())
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.change_log(
        year=filters.get("year"), list_key=filters.get("list") or None, code=filters.get("item")
    )
    page = _page(request, queryset, CHANGE_PAGE_SIZE)
    rows = [
        {
            "change": change,
            "lists": [LISTS[key] for key in change.lists if key in LISTS],
            "fields": _changed_labels(change.changed_fields),
            "public": change.item.status == "active" and change.item.published_version_id,
        }
        for change in page.object_list
    ]
    context = {
        "form": form,
        "filters": filters,
        "summary": selectors.change_summary(queryset),
        "kinds": dict(CatalogChange.Kind.choices),
        "page": page,
        "rows": rows,
        "query_string": _query_without_page(request),
    }
    return render(request, "catalog/changes.html", context)
