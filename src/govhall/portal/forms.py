"""Forms check the shape of input only (required, lengths, confirmation).

Rules (checksums, duplicates, password policy) belong to ``govhall.accounts.services``; a view
shows their errors at the fields they name (``govhall.portal.http.add_service_error``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _password_help() -> str:
    # Chinese sentences end with "。" and need no space between them.
    return "".join(str(text).strip() for text in password_validators_help_texts())


password_help = lazy(_password_help, str)


def _text(autocomplete: str, **attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, **attrs})


def _password(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class _PasswordPairMixin:
    """A new password typed twice: ``confirmed_pair`` names the two fields."""

    confirmed_pair: tuple[str, str]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        first_name, second_name = self.confirmed_pair
        first, second = cleaned.get(first_name), cleaned.get(second_name)
        if first and second and first != second:
            self.add_error(second_name, _("两次输入的密码不一致。"))  # type: ignore[attr-defined]
        return cleaned


class CitizenRegisterForm(_PasswordPairMixin, forms.Form):
    confirmed_pair = ("password", "password_confirm")

    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        help_text=_("与居民身份证上的姓名一致。"),
        widget=_text("name"),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        help_text=_("18位,最后一位可能是X。"),
        widget=_text("off", spellcheck="false", autocapitalize="characters"),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        help_text=password_help(),
        widget=_password("new-password"),
    )
    password_confirm = forms.CharField(
        label=_("确认密码"), max_length=128, strip=False, widget=_password("new-password")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Progressive enhancement: with htmx the format is checked as soon as the field is left.
        self.fields["id_number"].widget.attrs.update(
            {
                "hx-post": reverse("portal:check_id_number"),
                "hx-trigger": "change",
                "hx-target": "#id_number_check",
                "hx-swap": "innerHTML",
                # Send only this field, not the rest of the form (passwords stay put).
                "hx-params": "id_number",
            }
        )


class EnterpriseRegisterForm(_PasswordPairMixin, forms.Form):
    confirmed_pair = ("password", "password_confirm")

    name = forms.CharField(
        label=_("单位名称"),
        max_length=100,
        help_text=_("与营业执照或登记证书上的名称一致。"),
        widget=_text("organization"),
    )
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        help_text=_("18位,见营业执照。"),
        widget=_text("off", spellcheck="false", autocapitalize="characters"),
    )
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=50, widget=_text("off")
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("经办人或法定代表人的手机号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        help_text=password_help(),
        widget=_password("new-password"),
    )
    password_confirm = forms.CharField(
        label=_("确认密码"), max_length=128, strip=False, widget=_password("new-password")
    )


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=64,
        help_text=_("身份证号 / 统一社会信用代码 / 工作人员账号"),
        widget=_text("username", spellcheck="false", autocapitalize="none"),
    )
    password = forms.CharField(
        label=_("密码"), max_length=128, strip=False, widget=_password("current-password")
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class PasswordChangeForm(_PasswordPairMixin, forms.Form):
    confirmed_pair = ("new_password", "new_password_confirm")

    old_password = forms.CharField(
        label=_("原密码"), max_length=128, strip=False, widget=_password("current-password")
    )
    new_password = forms.CharField(
        label=_("新密码"),
        max_length=128,
        strip=False,
        help_text=password_help(),
        widget=_password("new-password"),
    )
    new_password_confirm = forms.CharField(
        label=_("确认新密码"), max_length=128, strip=False, widget=_password("new-password")
    )


class DirectoryFilterForm(forms.Form):
    """The region filter of the directory; choices are the regions the page offers."""

    region = forms.ChoiceField(label=_("所在区划"), required=False)

    def __init__(self, *args: Any, region_groups: list[tuple[str, list[tuple[str, str]]]], **kw):
        super().__init__(*args, **kw)
        self.fields["region"].choices = [("", _("全部区划")), *region_groups]
