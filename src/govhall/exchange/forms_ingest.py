"""The upload form of ingestion. It parses shape only (a file of a known kind, a mode)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.exchange.ingest.reading import format_from_name
from govhall.exchange.models import Load


class LoadUploadForm(forms.Form):
    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("CSV(UTF-8 或 GBK 编码)、Excel(.xlsx,读取第一个工作表)或 JSON;第一行为列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json"}),
    )
    mode = forms.ChoiceField(
        label=_("入库方式"),
        choices=Load.Mode.choices,
        initial=Load.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
        help_text=_("无论哪种方式,不通过校验的行都会逐行列出原因。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if format_from_name(upload.name or "") is None:
            raise forms.ValidationError(_("只支持 .csv、.xlsx 和 .json 文件。"))
        return upload

    @property
    def file_format(self) -> str:
        return format_from_name(self.cleaned_data["file"].name or "") or "csv"
