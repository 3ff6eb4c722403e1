"""Forms of the applicant's pages: the shape of the input only (the services judge the content)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ProgressForm(forms.Form):
    """办件进度查询: the number with the applicant's name or the query password."""

    number = forms.CharField(
        label=_("办件编号"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label=_("申请人姓名或单位名称"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("查询密码"),
        max_length=8,
        required=False,
        help_text=_("姓名和查询密码填写一项即可;查询密码印在申请材料接收凭证上。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("name", "").strip() and not cleaned.get("password", "").strip():
            raise forms.ValidationError(_("请填写申请人姓名或查询密码。"))
        return cleaned


class AuthorizationForm(forms.Form):
    """An agent records the signed authorization letter (授权委托书) of the person applied for."""

    principal = forms.CharField(
        label=_("委托人身份证号或统一社会信用代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    item = forms.CharField(
        label=_("委托办理的事项编码"),
        max_length=40,
        help_text=_("办事指南中的事项实施编码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    valid_until = forms.DateField(
        label=_("授权有效期至"),
        required=False,
        help_text=_("不填则为90天;最长一年。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    letter = forms.FileField(
        label=_("签字的授权委托书"),
        help_text=_("PDF、JPG、PNG 或 OFD 格式的扫描件或照片。"),
    )


class InboundForm(forms.Form):
    """The applicant mailed paper materials (免费寄递) and records the tracking number."""

    tracking_number = forms.CharField(
        label=_("快递运单号"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class UploadForm(forms.Form):
    material = forms.IntegerField(label=_("材料"))
    file = forms.FileField(
        label=_("选择文件"),
        error_messages={"required": _("请选择要上传的文件。"), "empty": _("上传的文件是空的。")},
    )
