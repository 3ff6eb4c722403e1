"""Forms of the catalog editor. They parse shape only; the services check every rule.

List-valued elements are edited one entry per line, columns separated by ``|``, e.g. a step
``受理|acceptance|1|材料齐全|受理或一次性告知``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.catalog.models import ItemVersion
from govhall.core.codes import code_table


class LinesField(forms.CharField):
    """Text with one entry per line and ``|``-separated columns ↔ a list of dicts."""

    def __init__(
        self,
        *,
        keys: list[str],
        booleans: tuple[str, ...] = (),
        integers: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.keys = keys
        self.booleans = booleans
        self.integers = integers
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "class": "lines"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            lines = []
            for row in value:
                cells = []
                for key in self.keys:
                    cell = row.get(key, "")
                    if key in self.booleans:
                        cell = _("是") if cell else _("否")
                    cells.append(str(cell))
                lines.append("|".join(cells).rstrip("|"))
            return "\n".join(lines)
        return value

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        text = super().to_python(value) or ""
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")]
            if len(cells) > len(self.keys):
                raise forms.ValidationError(
                    _("第%(n)d行多了栏目:每行最多%(k)d栏,用 | 分隔。")
                    % {"n": number, "k": len(self.keys)}
                )
            row: dict[str, Any] = dict(
                zip(self.keys, cells + [""] * (len(self.keys) - len(cells)), strict=True)
            )
            for key in self.booleans:
                row[key] = row[key] in {"是", "1", "true", "yes", "Y", "y"}
            for key in self.integers:
                if not row[key].isdigit():
                    raise forms.ValidationError(
                        _("第%(n)d行的时限应为整数(工作日)。") % {"n": number}
                    )
                row[key] = int(row[key])
            rows.append(row)
        return rows


def _choices(table: str) -> list[tuple[str, str]]:
    return code_table(table).choices()


class TagsField(forms.CharField):
    """Comma-separated words ↔ a list of strings (themes)."""

    def prepare_value(self, value: Any) -> Any:
        return "、".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = (super().to_python(value) or "").replace(",", "、").replace(",", "、")
        return [part.strip() for part in text.split("、") if part.strip()]


class VersionForm(forms.ModelForm):
    item_type = forms.ChoiceField(label=gettext_lazy("事项类型"), choices=_choices("item_type"))
    exercise_level = forms.ChoiceField(
        label=gettext_lazy("行使层级"), choices=_choices("exercise_level")
    )
    power_source = forms.ChoiceField(
        label=gettext_lazy("权力来源"), choices=_choices("power_source")
    )
    case_type = forms.ChoiceField(label=gettext_lazy("办件类型"), choices=_choices("case_type"))
    result_type = forms.ChoiceField(
        label=gettext_lazy("办理结果类型"), choices=_choices("result_type")
    )
    online_depth = forms.TypedChoiceField(
        label=gettext_lazy("网上办理深度"), choices=_choices("online_depth"), coerce=int
    )
    service_targets = forms.MultipleChoiceField(
        label=gettext_lazy("服务对象"),
        choices=_choices("service_target"),
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("办理形式"),
        choices=_choices("handling_form"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    cross_area_scope = forms.ChoiceField(
        label=gettext_lazy("通办范围"),
        choices=[("", "—"), *_choices("cross_area_scope")],
        required=False,
    )
    themes_person = TagsField(label=gettext_lazy("自然人主题(用顿号分隔)"), required=False)
    themes_legal = TagsField(label=gettext_lazy("法人主题(用顿号分隔)"), required=False)
    legal_basis = LinesField(
        label=gettext_lazy("设定依据:法律法规名称|文号|条款|条文"),
        keys=["law", "doc_no", "article", "text"],
    )
    conditions = LinesField(
        label=gettext_lazy("受理条件:类型(1申请条件/2禁止性条件)|内容"), keys=["type", "text"]
    )
    steps = LinesField(
        label=gettext_lazy("办理流程:环节|岗位代码|时限(工作日)|审查标准|办理结果"),
        keys=["name", "post", "days", "criteria", "outcome"],
        integers=("days",),
    )
    fees = LinesField(
        label=gettext_lazy("收费项目:名称|标准|依据|可减免(是/否)|减免依据"),
        keys=["name", "standard", "basis", "waivable", "waiver_basis"],
        booleans=("waivable",),
    )
    intermediary_services = LinesField(
        label=gettext_lazy("中介服务:名称|依据"), keys=["name", "basis"]
    )
    faq = LinesField(label=gettext_lazy("常见问题:问题|解答"), keys=["question", "answer"])
    materials = LinesField(
        label=gettext_lazy(
            "申请材料:名称|来源渠道(1自备/2部门核发/3共享获取/4在线填报)|必要性(1必要/2非必要/3容缺)|共享资源代码|电子证照类型"
        ),
        keys=["name", "source_channel", "necessity", "resource_code", "license_type_code"],
        widget=forms.Textarea(attrs={"rows": 6, "class": "lines"}),
    )
    responsibilities = LinesField(
        label=gettext_lazy("责任清单:责任事项|追责情形|追责主体|追责依据|应负责任"),
        keys=["matter", "situations", "accountable_body", "basis", "liability"],
    )

    class Meta:
        model = ItemVersion
        fields = [
            "name",
            "item_type",
            "exercise_level",
            "power_source",
            "service_targets",
            "themes_person",
            "themes_legal",
            "undertaking_office",
            "legal_basis",
            "conditions",
            "quantity_limit",
            "intermediary_services",
            "statutory_limit_days",
            "statutory_limit_note",
            "promised_limit_days",
            "promised_limit_note",
            "case_type",
            "steps",
            "channels",
            "visits",
            "visit_reason",
            "online_depth",
            "online_url",
            "mobile_url",
            "appointment",
            "online_payment",
            "express_delivery",
            "self_service",
            "in_hall",
            "cross_area_scope",
            "fee_charged",
            "fee_basis",
            "fees",
            "result_type",
            "result_name",
            "license_type_code",
            "place",
            "hours",
            "enquiry_phone",
            "complaint_phone",
            "faq",
            "effective_from",
        ]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["materials"].initial = list(
                self.instance.materials.values(*self.fields["materials"].keys)
            )
            self.fields["responsibilities"].initial = list(
                self.instance.responsibilities.values(*self.fields["responsibilities"].keys)
            )

    def element_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("materials", None)
        data.pop("responsibilities", None)
        return data


class NewItemForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("实施部门"), queryset=None)
    basic_code = forms.CharField(
        label=gettext_lazy("基本编码"),
        max_length=12,
        min_length=12,
        help_text=gettext_lazy("12位:目录来源2位 + 事项类型2位 + 主项5位 + 子项3位"),
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=500)
    on = forms.DateField(
        label=gettext_lazy("生效日期(留空为立即)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("审核结论"),
        choices=[("approve", gettext_lazy("通过并发布")), ("reject", gettext_lazy("退回修改"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=gettext_lazy("审核意见"), max_length=500, required=False)
