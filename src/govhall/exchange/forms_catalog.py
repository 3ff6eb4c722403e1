"""Forms of the catalog, grant and purpose pages. They parse shape only; services check rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.exchange.models import Resource
from govhall.exchange.selectors_catalog import GRANT_STATUS_FILTERS
from govhall.organizations.models import Department


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), required=False, max_length=50)
    provider = forms.ModelChoiceField(
        label=_("提供部门"),
        required=False,
        queryset=Department.objects.filter(provided_resources__isnull=False)
        .distinct()
        .order_by("name"),
        empty_label=_("全部"),
    )
    sharing_type = forms.ChoiceField(
        label=_("共享类型"),
        required=False,
        choices=[("", _("全部")), *Resource.SharingType.choices],
    )
    subject_kind = forms.ChoiceField(
        label=_("主体标识类型"),
        required=False,
        choices=[("", _("全部")), *Resource.SubjectKind.choices],
    )

    def filters(self) -> dict[str, Any]:
        """The valid parameters (an invalid one is ignored, not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {key: data[key] for key in self.fields if data.get(key) not in (None, "")}
        if "provider" in filters:
            filters["provider"] = filters["provider"].pk
        return filters


class GrantRequestForm(forms.Form):
    fields = forms.MultipleChoiceField(
        label=_("申请的信息项"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    purpose = forms.CharField(
        label=_("使用用途"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明本部门用这些数据办理什么业务。"),
    )
    legal_basis = forms.CharField(
        label=_("使用依据"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("法律法规、政策文件的名称和条款。"),
    )
    valid_from = forms.DateField(label=_("授权起始日"), widget=DateInput())
    valid_to = forms.DateField(label=_("授权截止日"), widget=DateInput())

    def __init__(self, *args: Any, resource: Resource, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"valid_from": today, "valid_to": today + dt.timedelta(days=364)}
        )
        super().__init__(*args, **kwargs)
        field = self.fields["fields"]
        personal = str(_("个人信息"))
        field.choices = [
            (f.name, f"{f.label}({f.name})" + (f" · {personal}" if f.personal else ""))
            for f in resource.field_list
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "fields": data["fields"],
            "purpose": data["purpose"],
            "legal_basis": data["legal_basis"],
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
        }


class GrantFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[(s, s) for s in GRANT_STATUS_FILTERS])


class NoteForm(forms.Form):
    """The opinion of an approval (optional) or of a refusal (required by the service)."""

    note = forms.CharField(label=_("审批意见"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), required=False, max_length=2000)


class PurposeForm(forms.Form):
    reference = forms.CharField(
        label=_("用途编号"),
        required=False,
        max_length=64,
        help_text=_("可不填,系统自动生成(如 YT-2026-3-1)。自定义编号须以字母开头。"),
    )
    title = forms.CharField(label=_("用途名称"), max_length=200)
    legal_basis = forms.CharField(
        label=_("依据"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.DateField(label=_("起始日"), widget=DateInput())
    valid_to = forms.DateField(label=_("截止日"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_from": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["reference"] = data.get("reference") or None
        return data
