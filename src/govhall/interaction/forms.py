"""Forms of the interaction pages: the shape of the input only (rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.interaction.models import TEXT_MAX, Rectification, Satisfaction
from govhall.organizations.models import Department


def _departments() -> list[tuple[str, str]]:
    return [("", _("请选择部门"))] + [
        (str(pk), name)
        for pk, name in Department.objects.filter(is_active=True).values_list("pk", "name")
    ]


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": TEXT_MAX})


class RatingForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("满意程度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("评价内容(选填)"), required=False, max_length=TEXT_MAX, widget=_textarea(3)
    )
    followup = forms.BooleanField(required=False, widget=forms.HiddenInput)


class TicketForm(forms.Form):
    department = forms.TypedChoiceField(
        label=_("咨询部门"), choices=(), coerce=int, required=False, empty_value=None
    )
    item = forms.CharField(
        label=_("事项实施编码(选填)"),
        required=False,
        max_length=40,
        help_text=_("可在办事指南页面找到;填写后自动转至该事项的实施部门。"),
    )
    subject = forms.CharField(label=_("标题"), max_length=200)
    text = forms.CharField(label=_("内容"), max_length=TEXT_MAX, widget=_textarea())

    def __init__(self, *args, cases: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _departments()
        if cases is not None:
            self.fields["department"].label = _("投诉部门")
            self.fields["case"] = forms.ChoiceField(
                label=_("所涉办件(选填)"),
                required=False,
                choices=[("", _("不涉及具体办件")), *cases],
            )


class HotlineForm(TicketForm):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("enquiry", _("咨询")), ("complaint", _("投诉"))]
    )
    contact_name = forms.CharField(label=_("来电人姓名"), max_length=100)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].label = _("转办部门(可稍后转办)")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复内容"), max_length=TEXT_MAX, widget=_textarea())


class RouteForm(forms.Form):
    department = forms.TypedChoiceField(label=_("转办至"), choices=(), coerce=int)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _departments()


class FaqForm(forms.Form):
    question = forms.CharField(label=_("问题"), max_length=500)
    answer = forms.CharField(label=_("解答"), max_length=TEXT_MAX, widget=_textarea())


class RectificationForm(forms.Form):
    """One form for every step; the view passes the step's fields to the service."""

    text = forms.CharField(label=_("说明"), max_length=TEXT_MAX, widget=_textarea(3))
    reached = forms.BooleanField(label=_("已联系上评价人"), required=False)
    outcome = forms.ChoiceField(
        label=_("整改方式"), choices=Rectification.Outcome.choices, required=False
    )
    fix_due = forms.DateField(
        label=_("整改完成期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    upheld = forms.TypedChoiceField(
        label=_("复核结论"),
        choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))],
        coerce=lambda value: value == "1",
        required=False,
    )
