"""Service items (政务服务事项) and their versions, materials and responsibility entries.

An ``Item`` is the stable identity (implementation code, department). Everything a guide says lives
in an ``ItemVersion``: drafted, reviewed and published by catalog administrators; a published
version is immutable and the next change is a new version with its reason. Cases keep the version
they were applied under. The five lists and the derived lists are queries over published
versions (see ``selectors``); ``CatalogChange`` rows, written when a version is published or an
item cancelled, answer "what changed this year".

Element names follow GB/T 39046 (see REFERENCE.md); code values come from ``core.codes``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import BaseModel
from govhall.organizations.models import Department, Region


class Item(BaseModel):
    """One implementation-list entry (实施清单事项) of one implementing department."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        ACTIVE = "active", _("在用")
        CANCELLED = "cancelled", _("已取消")

    implementation_code = models.CharField(_("实施编码"), max_length=40, unique=True)
    basic_code = models.CharField(_("基本编码"), max_length=20, db_index=True)
    department = models.ForeignKey(
        Department, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="items"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    cancel_on = models.DateField(_("计划取消日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=500, blank=True)
    published_version = models.OneToOneField(
        "ItemVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["implementation_code"]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return self.implementation_code


class ItemVersion(BaseModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_REVIEW = "in_review", _("待审核")
        SCHEDULED = "scheduled", _("已审核待生效")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本替代")
        REJECTED = "rejected", _("审核退回")

    item = models.ForeignKey(
        Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    change_reason = models.CharField(_("变更原因"), max_length=500, blank=True)
    review_opinion = models.CharField(_("审核意见"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)

    # --- identity and classification ---
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=2)  # code table item_type
    exercise_level = models.CharField(_("行使层级"), max_length=1)  # exercise_level
    power_source = models.CharField(_("权力来源"), max_length=1, default="1")  # power_source
    region = models.ForeignKey(
        Region, verbose_name=_("实施区划"), on_delete=models.PROTECT, related_name="+"
    )
    service_targets = models.JSONField(
        _("服务对象"), default=list, blank=True
    )  # service_target codes
    themes_person = models.JSONField(_("自然人主题"), default=list, blank=True)
    themes_legal = models.JSONField(_("法人主题"), default=list, blank=True)
    undertaking_office = models.CharField(_("承办机构"), max_length=100, blank=True)

    # --- basis and conditions ---
    legal_basis = models.JSONField(
        _("设定依据"), default=list, blank=True
    )  # [{law, doc_no, article, text}]
    conditions = models.JSONField(
        _("受理条件"), default=list, blank=True
    )  # [{type: "1"|"2", text}]
    quantity_limit = models.CharField(_("数量限制"), max_length=300, blank=True)
    intermediary_services = models.JSONField(
        _("中介服务"), default=list, blank=True
    )  # [{name, basis, ...}]
    special_procedures = models.JSONField(
        _("特别程序"), default=list, blank=True
    )  # [{code, name, days, note}]

    # --- time limits ---
    statutory_limit_days = models.PositiveIntegerField(_("法定办结时限(工作日)"))
    statutory_limit_note = models.CharField(_("法定时限说明"), max_length=300, blank=True)
    promised_limit_days = models.PositiveIntegerField(_("承诺办结时限(工作日)"))
    promised_limit_note = models.CharField(_("承诺时限说明"), max_length=300, blank=True)
    case_type = models.CharField(_("办件类型"), max_length=1, default="2")  # case_type

    # --- process and channels ---
    steps = models.JSONField(
        _("办理流程"), default=list, blank=True
    )  # [{name, post, days, criteria, outcome}]
    # The process as the workflow engine runs it (see cases.workflow); empty = derived from steps.
    process = models.JSONField(_("流程定义"), default=dict, blank=True)
    # The online application form (see cases.formdef); empty = the generic applicant form.
    form = models.JSONField(_("申请表单定义"), default=dict, blank=True)
    prereview = models.BooleanField(_("网上预审"), default=False)
    channels = models.JSONField(_("办理形式"), default=list, blank=True)  # handling_form codes
    visits = models.PositiveSmallIntegerField(_("到办事现场次数"), default=0)
    visit_reason = models.CharField(_("必须现场办理原因"), max_length=300, blank=True)
    online_depth = models.PositiveSmallIntegerField(_("网上办理深度"), default=1)  # 1..4
    online_url = models.CharField(_("网上办理地址"), max_length=300, blank=True)
    mobile_url = models.CharField(_("移动端办理地址"), max_length=300, blank=True)
    appointment = models.BooleanField(_("支持预约"), default=False)
    online_payment = models.BooleanField(_("支持网上支付"), default=False)
    express_delivery = models.BooleanField(_("支持物流快递"), default=False)
    self_service = models.BooleanField(_("支持自助终端"), default=False)
    in_hall = models.BooleanField(_("进驻政务大厅"), default=True)
    cross_area_scope = models.CharField(_("通办范围"), max_length=1, blank=True)

    # --- fees ---
    fee_charged = models.BooleanField(_("是否收费"), default=False)
    fee_basis = models.CharField(_("收费依据"), max_length=500, blank=True)
    fees = models.JSONField(_("收费项目"), default=list, blank=True)
    # [{name, standard, basis, waivable: bool, waiver_basis}]

    # --- result ---
    result_type = models.CharField(_("办理结果类型"), max_length=2, default="30")  # result_type
    result_name = models.CharField(_("办理结果名称"), max_length=200, blank=True)
    license_type_code = models.CharField(_("电子证照类型代码"), max_length=50, blank=True)

    # --- service information ---
    place = models.CharField(_("办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=50, blank=True)
    faq = models.JSONField(_("常见问题"), default=list, blank=True)  # [{question, answer}]
    common_errors = models.JSONField(_("常见错误"), default=list, blank=True)  # [text]

    # --- search (filled on save of a draft by the service) ---
    search_text = models.TextField(_("检索文本"), blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_number"),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state__in=["draft", "in_review", "rejected", "scheduled"]),
                name="catalog_one_open_draft_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.REJECTED}


class Material(models.Model):
    """One material (申请材料) of one item version."""

    class SourceChannel(models.TextChoices):
        APPLICANT = "1", _("申请人自备")
        GOVERNMENT_ISSUED = "2", _("政府部门核发")
        SHARED = "3", _("调取共享数据或电子证照库")
        ONLINE_FORM = "4", _("在线填报")
        OTHER = "9", _("其他")

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    material_type = models.CharField(_("材料类型"), max_length=1, default="1")  # material_type
    material_form = models.CharField(_("材料形式"), max_length=1, default="2")  # material_form
    necessity = models.CharField(_("必要性"), max_length=1, default="1")  # material_necessity
    source_channel = models.CharField(
        _("来源渠道"), max_length=1, choices=SourceChannel.choices, default=SourceChannel.APPLICANT
    )
    issuing_body = models.CharField(_("出具单位"), max_length=200, blank=True)
    resource_code = models.CharField(
        _("共享资源代码"), max_length=50, blank=True, help_text=_("可替代本材料的共享数据资源")
    )
    license_type_code = models.CharField(_("电子证照类型代码"), max_length=50, blank=True)
    original_count = models.PositiveSmallIntegerField(_("原件份数"), default=0)
    copy_count = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    paper_format = models.CharField(_("纸质规格"), max_length=50, blank=True)
    blank_form = models.FileField(_("空白表格"), upload_to="catalog/forms/", blank=True)
    sample = models.FileField(_("示例样表"), upload_to="catalog/samples/", blank=True)
    filling_notes = models.TextField(_("填报须知"), blank=True)
    acceptance_standard = models.TextField(_("受理标准"), blank=True)
    legal_basis = models.CharField(_("材料依据"), max_length=500, blank=True)
    common_errors = models.JSONField(_("常见错误"), default=list, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version_id", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_fetched(self) -> bool:
        """Satisfied from shared data or the e-license library: the applicant submits nothing."""
        return self.source_channel == self.SourceChannel.SHARED and bool(
            self.resource_code or self.license_type_code
        )


class Responsibility(models.Model):
    """A responsibility entry (责任清单) of a power item version."""

    version = models.ForeignKey(
        ItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    matter = models.TextField(_("责任事项"))
    situations = models.TextField(_("追责情形"))
    accountable_body = models.CharField(_("追责主体"), max_length=300)
    basis = models.TextField(_("追责依据"))
    liability = models.TextField(_("应负责任"))

    class Meta:
        verbose_name = _("责任事项")
        verbose_name_plural = _("责任事项")
        ordering = ["version_id", "order", "id"]

    def __str__(self) -> str:
        return self.matter[:50]


class CatalogChange(models.Model):
    """One change of the published catalog: an item added, changed or removed, with its reason."""

    class Kind(models.TextChoices):
        ADDED = "added", _("新增")
        CHANGED = "changed", _("变更")
        REMOVED = "removed", _("取消")

    item = models.ForeignKey(
        Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="changes"
    )
    version = models.ForeignKey(
        ItemVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("变更类型"), max_length=10, choices=Kind.choices)
    lists = models.JSONField(
        _("涉及清单"), default=list, blank=True
    )  # list keys, see selectors.LISTS
    reason = models.CharField(_("原因"), max_length=500)
    changed_fields = models.JSONField(_("变更要素"), default=list, blank=True)
    happened_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("清单变更")
        verbose_name_plural = _("清单变更")
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_id}"


__all__ = ["CatalogChange", "Item", "ItemVersion", "Material", "Responsibility"]
