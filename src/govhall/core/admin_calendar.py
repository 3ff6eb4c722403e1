"""Admin pages of the working-day calendar: the loaded years with their days, and "导入年度日历".

Imported from ``govhall.core.admin``. Imports go through
:func:`~govhall.core.calendar_services.calendar_year_import`; edits made directly in these
pages are audited in their transaction and clear the calendar cache, like any other change.
Only system administrators may change calendars (``can_manage_calendar``).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.calendar import can_manage_calendar, missing_years
from govhall.core.calendar_services import (
    MAX_YEAR,
    MIN_YEAR,
    calendar_caches_reset,
    calendar_file_parse,
    calendar_rows_validate,
    calendar_year_import,
    calendar_year_summary,
)
from govhall.core.models import CalendarDay, CalendarYear

_CHANGE_LIST_TEMPLATE = """{% extends "admin/change_list.html" %}
{% block object-tools-items %}
  {% if calendar_import_url %}
  <li><a href="{{ calendar_import_url }}" class="addlink">{{ calendar_import_label }}</a></li>
  {% endif %}
  {{ block.super }}
{% endblock %}
"""

_IMPORT_TEMPLATE = """{% extends "admin/base_site.html" %}
{% block extrastyle %}{{ block.super }}
{% load static %}<link rel="stylesheet" href="{% static "admin/css/forms.css" %}">{% endblock %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">{{ home_label }}</a>
&rsaquo; <a href="{% url 'admin:app_list' app_label=opts.app_label %}">{{ app_label_name }}</a>
&rsaquo; <a href="{{ changelist_url }}">{{ opts.verbose_name_plural|capfirst }}</a>
&rsaquo; {{ title }}</div>{% endblock %}
{% block content %}<div id="content-main">
<p>{{ help_text }}</p>
{% if problems %}<div class="errornote"><p>{{ problems_title }}</p>
<ul class="errorlist">{% for problem in problems %}<li>{{ problem }}</li>{% endfor %}</ul></div>
{% endif %}
<form method="post" enctype="multipart/form-data" novalidate>{% csrf_token %}
<fieldset class="module aligned">{% for field in form %}
<div class="form-row">{{ field.errors }}{{ field.label_tag }} {{ field }}
{% if field.help_text %}<div class="help">{{ field.help_text }}</div>{% endif %}</div>
{% endfor %}</fieldset>
<div class="submit-row"><input type="submit" class="default" value="{{ submit_label }}"></div>
</form></div>{% endblock %}
"""


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    source = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=300,
        help_text=gettext_lazy("如:国务院办公厅关于2027年部分节假日安排的通知"),
    )
    file = forms.FileField(
        label=gettext_lazy("日历文件"),
        help_text=gettext_lazy(
            "CSV(表头 date,kind,name;UTF-8 或 GBK 编码;类型可写 holiday/休/节假日 或 "
            "workday/班/调休上班)或 JSON 数组。"
        ),
    )


class CalendarDayFormSet(BaseInlineFormSet):
    """The days edited inline obey the same rules as an imported file."""

    def clean(self) -> None:
        super().clean()
        rows = [
            (form.cleaned_data["date"], form.cleaned_data["kind"], form.cleaned_data["name"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("date")
        ]
        year = self.instance.year
        if rows and year:
            problems = calendar_rows_validate(year, rows)
            if problems:
                raise forms.ValidationError(problems)


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayFormSet
    fields = ["date", "kind", "name"]
    extra = 0
    ordering = ["date"]


def _audit_days_change(request: HttpRequest, formset: BaseInlineFormSet) -> None:
    """One audit row for the days added, changed and deleted in one save of the year."""
    calendar_year = formset.instance
    audit_record(
        actor=request.user,
        action="core.calendar_days_change",
        obj=calendar_year,
        after=calendar_year_summary(calendar_year),
        extra={
            "added": [day.date for day in formset.new_objects],
            "changed": [day.date for day, _fields in formset.changed_objects],
            "deleted": [day.date for day in formset.deleted_objects],
        },
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_at", "loaded_by"]
    readonly_fields = ["loaded_at", "loaded_by"]
    inlines = [CalendarDayInline]

    @cached_property
    def change_list_template(self):  # type: ignore[override]
        return engines["django"].from_string(_CHANGE_LIST_TEMPLATE)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[CalendarYear]:
        holidays = models.Count("days", filter=models.Q(days__kind=CalendarDay.Kind.HOLIDAY))
        workdays = models.Count("days", filter=models.Q(days__kind=CalendarDay.Kind.WORKDAY))
        queryset = super().get_queryset(request).select_related("loaded_by")
        return queryset.annotate(holiday_count=holidays, workday_count=workdays)

    @admin.display(description=gettext_lazy("节假日天数"), ordering="holiday_count")
    def holiday_count(self, obj: CalendarYear) -> int:
        return obj.holiday_count

    @admin.display(description=gettext_lazy("调休上班天数"), ordering="workday_count")
    def workday_count(self, obj: CalendarYear) -> int:
        return obj.workday_count

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A loaded year keeps its number: its days belong to it.
        return [*self.readonly_fields, "year"] if obj is not None else list(self.readonly_fields)

    # --- permissions: the same rule as the import service ---------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_calendar(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_calendar(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_calendar(request.user) and super().has_delete_permission(request, obj)

    # --- audited writes -------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        with transaction.atomic():
            obj.loaded_by = request.user
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="core.calendar_year_change" if change else "core.calendar_year_create",
                obj=obj,
                after={"year": obj.year, "source": obj.source},
                extra={"changed": list(form.changed_data)},
            )
            calendar_caches_reset()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.model is CalendarDay and (
                formset.new_objects or formset.changed_objects or formset.deleted_objects
            ):
                _audit_days_change(request, formset)
            calendar_caches_reset()

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)
            calendar_caches_reset()

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)
            calendar_caches_reset()

    def _audit_delete(self, request: HttpRequest, obj: CalendarYear) -> None:
        audit_record(
            actor=request.user,
            action="core.calendar_year_delete",
            obj=obj,
            before=calendar_year_summary(obj),
        )

    # --- pages ----------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_import"
        own = [path("import/", self.admin_site.admin_view(self.import_view), name=name)]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        missing = missing_years()
        if missing and request.method == "GET":
            years = "、".join(str(year) for year in missing)
            messages.warning(
                request,
                _("缺少 %(years)s 年的工作日历,办理时限将仅按周末计算,请尽快导入。")
                % {"years": years},
            )
        context = {
            "calendar_import_label": _("导入年度日历"),
            "calendar_import_url": (
                reverse("admin:core_calendaryear_import", current_app=self.admin_site.name)
                if can_manage_calendar(request.user)
                else ""
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """The "导入年度日历" page: year, source and file, then the import service."""
        if not can_manage_calendar(request.user):
            raise DjangoPermissionDenied
        problems: list[str] = []
        problems_title = ""
        if request.method == "POST":
            form = CalendarImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    calendar_year = self._import(request, form)
                except errors.PermissionDenied as exc:
                    raise DjangoPermissionDenied from exc
                except errors.ValidationError as exc:
                    problems_title = exc.message
                    problems = self._problems_into_form(form, exc)
                else:
                    messages.success(
                        request, _("已导入 %(year)s 年工作日历。") % {"year": calendar_year.year}
                    )
                    return HttpResponseRedirect(self._changelist_url())
        else:
            form = CalendarImportForm(initial={"year": timezone.localdate().year + 1})
        return self._render_import(request, form, problems_title, problems)

    def _import(self, request: HttpRequest, form: CalendarImportForm) -> CalendarYear:
        upload = form.cleaned_data["file"]
        days = calendar_file_parse(upload.read(), upload.name)
        return calendar_year_import(
            actor=request.user,
            year=form.cleaned_data["year"],
            source=form.cleaned_data["source"],
            days=days,
        )

    @staticmethod
    def _problems_into_form(form: CalendarImportForm, exc: errors.ValidationError) -> list[str]:
        """Attach year/source problems to their fields; return the row problems to list."""
        rows: list[str] = []
        for field, field_problems in exc.fields.items():
            if field in form.fields:
                for problem in field_problems:
                    form.add_error(field, problem)
            else:
                rows.extend(field_problems)
        return rows

    def _changelist_url(self) -> str:
        return reverse("admin:core_calendaryear_changelist", current_app=self.admin_site.name)

    def _render_import(
        self,
        request: HttpRequest,
        form: CalendarImportForm,
        problems_title: str,
        problems: list[str],
    ) -> TemplateResponse:
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("导入年度日历"),
            "home_label": _("首页"),
            "app_label_name": opts.app_config.verbose_name,
            "changelist_url": self._changelist_url(),
            "help_text": _(
                "上传国务院办公厅公布的全年节假日与调休上班安排。导入后该年度以本日历为准,"
                "原有的该年度日期将被全部替换。"
            ),
            "problems_title": problems_title,
            "submit_label": _("导入"),
            "form": form,
            "problems": problems,
        }
        template = engines["django"].from_string(_IMPORT_TEMPLATE)
        return TemplateResponse(request, template, context)
