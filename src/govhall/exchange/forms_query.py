"""Forms of the verification pages (shape only; the services judge the content)."""

from __future__ import annotations

import csv
import io

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_LIST_BYTES = 2 * 1024 * 1024
CHECK_ROWS = 3

AGGREGATE_CHOICES = [
    ("", _("(不核验)")),
    ("exists", _("有记录")),
    ("absent", _("无记录")),
    ("count", _("记录数")),
    ("sum", _("合计")),
    ("max", _("最大值")),
    ("min", _("最小值")),
]
OP_CHOICES = [
    ("", "—"),
    ("lte", "≤"),
    ("lt", "<"),
    ("gte", "≥"),
    ("gt", ">"),
    ("eq", "="),
    ("ne", "≠"),
]


class VerifyForm(forms.Form):
    item = forms.ChoiceField(label=_("事项"))
    subject = forms.CharField(label=_("申请人身份证号"), max_length=18)
    purpose = forms.CharField(
        label=_("用途(办件编号或用途编号)"),
        max_length=64,
        help_text=_("查询会记入数据访问日志,申请人可以看到谁在何时为何查询了其数据。"),
    )

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items


class BatchForm(forms.Form):
    purpose = forms.CharField(label=_("用途(办件编号或用途编号)"), max_length=64)
    resources = forms.MultipleChoiceField(
        label=_("核验的信息资源"), widget=forms.CheckboxSelectMultiple, required=False
    )
    subjects_text = forms.CharField(
        label=_("核验对象(每行一个身份证号或统一社会信用代码)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    subjects_file = forms.FileField(label=_("或上传名单(CSV/TXT,第一列为证件号码)"), required=False)

    def __init__(self, *args, resources: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].choices = resources
        resource_choices = [("", "—"), *resources]
        for i in range(CHECK_ROWS):
            self.fields[f"check{i}_resource"] = forms.ChoiceField(
                label=_("资源"), choices=resource_choices, required=False
            )
            self.fields[f"check{i}_aggregate"] = forms.ChoiceField(
                label=_("核验"), choices=AGGREGATE_CHOICES, required=False
            )
            self.fields[f"check{i}_field"] = forms.CharField(
                label=_("信息项"), max_length=40, required=False
            )
            self.fields[f"check{i}_op"] = forms.ChoiceField(
                label=_("比较"), choices=OP_CHOICES, required=False
            )
            self.fields[f"check{i}_value"] = forms.CharField(
                label=_("值"), max_length=40, required=False
            )

    def check_rows(self) -> list[list[forms.BoundField]]:
        names = ("resource", "aggregate", "field", "op", "value")
        return [[self[f"check{i}_{name}"] for name in names] for i in range(CHECK_ROWS)]

    def clean_subjects_file(self):
        upload = self.cleaned_data.get("subjects_file")
        if upload and upload.size > MAX_LIST_BYTES:
            raise forms.ValidationError(_("名单文件不能超过 2 MB。"))
        return upload

    def subjects(self) -> list[str]:
        keys = [line.strip() for line in self.cleaned_data["subjects_text"].splitlines()]
        upload = self.cleaned_data.get("subjects_file")
        if upload:
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030", errors="replace")
            for row in csv.reader(io.StringIO(text)):
                if row and row[0].strip() and not row[0].strip().startswith(("subject", "证件")):
                    keys.append(row[0].strip())
        return [key for key in keys if key]

    def checks(self) -> list[dict]:
        checks = []
        for i in range(CHECK_ROWS):
            data = self.cleaned_data
            aggregate = data.get(f"check{i}_aggregate")
            resource = data.get(f"check{i}_resource")
            if not aggregate or not resource:
                continue
            checks.append(
                {
                    "id": f"check{i + 1}",
                    "resource": resource,
                    "aggregate": aggregate,
                    "field": data.get(f"check{i}_field", ""),
                    "op": data.get(f"check{i}_op", ""),
                    "value": data.get(f"check{i}_value", ""),
                }
            )
        return checks
