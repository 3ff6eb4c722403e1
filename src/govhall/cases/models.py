"""Applications (申请) and cases (办件): the workflow engine's tables.

- An ``Application`` is the applicant's draft: form data, prefill record, uploaded materials. Its
  submission creates exactly one ``Case`` (the idempotency key and a unique one-to-one make sure).
- A ``Case`` carries the clock (received, accepted, due dates with stopped time and the one
  extension), the status the engine moves, and a ``revision`` bumped by every transition so that two
  concurrent actions on one case cannot both win.
- ``Task`` rows are the work of one step for one department and post (parallel approval opens
  one per department). ``CaseEvent`` is the append-only history: every transition, who, when,
  opinion.
- ``ClockStop`` records special procedures (特别程序) that stop the clock.
- ``Notice``, ``PaymentOrder`` and ``Delivery`` are what the case produces and waits for.
- ``AgentAuthorization`` records who may apply for whom (代办), with the signed letter.
- ``PublicityNotice`` and ``Objection`` (``models_publicity``): the 公示 of a publicity step.

Status is never assigned outside ``cases.engine``; history rows are never updated.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Item, ItemVersion, Material
from govhall.core.models import BaseModel
from govhall.organizations.models import Department, Post

USER = settings.AUTH_USER_MODEL


class AgentAuthorization(BaseModel):
    """An applicant's authorization of an agent (代办员) for one item, with the signed letter."""

    agent = models.ForeignKey(
        USER, verbose_name=_("代办员"), on_delete=models.PROTECT, related_name="agencies"
    )
    principal = models.ForeignKey(
        USER, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="authorizations"
    )
    item = models.ForeignKey(Item, verbose_name=_("委托事项"), on_delete=models.PROTECT)
    letter = models.CharField(_("授权委托书"), max_length=300)
    letter_sha256 = models.CharField(_("委托书摘要"), max_length=64)
    valid_until = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["principal", "item"], name="cases_auth_principal_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id}→{self.principal_id}:{self.item_id}"


class Application(BaseModel):
    """A draft application (申请) and, once submitted, the record of what was submitted."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PREREVIEW = "prereview", _("预审中")
        RETURNED = "returned", _("预审退回")
        SUBMITTED = "submitted", _("已提交")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT)
    version = models.ForeignKey(ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT)
    applicant = models.ForeignKey(
        USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    authorization = models.ForeignKey(
        AgentAuthorization,
        verbose_name=_("代办授权"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    channel = models.CharField(_("申报渠道"), max_length=10, default="pc")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    form = models.JSONField(_("表单数据"), default=dict, blank=True)
    prefill = models.JSONField(_("预填数据"), default=dict, blank=True)
    # material id -> {"resource", "provider", "records", "note"}: materials the registries answer.
    satisfied = models.JSONField(_("免提交材料"), default=dict, blank=True)
    prereview_opinion = models.TextField(_("预审意见"), blank=True)
    prereview_passed_at = models.DateTimeField(_("预审通过时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["applicant", "state"], name="cases_app_applicant_idx")]

    def __str__(self) -> str:
        return f"application {self.pk}"


class Upload(models.Model):
    """A file uploaded for one material of an application (a correction may add more)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="uploads"
    )
    material = models.ForeignKey(Material, verbose_name=_("材料"), on_delete=models.PROTECT)
    file = models.CharField(_("存储位置"), max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    content_type = models.CharField(_("MIME 类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    sha256 = models.CharField(_("摘要"), max_length=64)
    round = models.PositiveSmallIntegerField(_("提交轮次"), default=1)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("上传人"), on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请材料文件")
        verbose_name_plural = _("申请材料文件")
        ordering = ["material__order", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Case(BaseModel):
    """One case (办件): the applicant's matter as the departments handle it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        CORRECTION = "correction", _("补正中")
        PROCESSING = "processing", _("办理中")
        SUSPENDED = "suspended", _("特别程序")
        APPROVED = "approved", _("准予许可")
        COMPLETED = "completed", _("已办结")
        DENIED = "denied", _("不予许可")
        REFUSED = "refused", _("不予受理")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("办件编号"), max_length=40, unique=True)
    query_password = models.CharField(_("查询密码"), max_length=8)
    application = models.OneToOneField(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="case"
    )
    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT)
    version = models.ForeignKey(ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT)
    item_name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("主办部门"), on_delete=models.PROTECT, related_name="cases"
    )
    region_code = models.CharField(_("区划代码"), max_length=12)
    applicant = models.ForeignKey(
        USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="cases"
    )
    applicant_name = models.CharField(_("申请人名称"), max_length=100)
    applicant_key = models.CharField(_("证件号码"), max_length=18)  # ID number or USCC
    # The applicant's residence (12-digit village code): routes ``@village``/``@township`` steps.
    residence_code = models.CharField(_("居住地区划代码"), max_length=12, blank=True)
    agent = models.ForeignKey(
        USER,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_cases",
    )
    channel = models.CharField(_("申报渠道"), max_length=10, default="pc")
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    step = models.CharField(_("当前环节"), max_length=40, blank=True)
    revision = models.PositiveIntegerField(_("版本"), default=1)
    instant = models.BooleanField(_("即办件"), default=False)
    # The clock (行政许可法): limits in working days; due dates move with stops and the extension.
    received_at = models.DateTimeField(_("收件时间"))
    correction_due = models.DateField(_("补正告知期限"))
    correction_requested = models.BooleanField(_("已一次性告知"), default=False)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期视为受理"), default=False)
    clock_start = models.DateField(_("计时起点"), null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺时限(工作日)"))
    statutory_days = models.PositiveSmallIntegerField(_("法定时限(工作日)"))
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    stopped_days = models.PositiveSmallIntegerField(_("暂停计时天数"), default=0)
    due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    statutory_due_date = models.DateField(_("法定办结日期"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    result_name = models.CharField(_("办理结果"), max_length=200, blank=True)
    delivery_method = models.CharField(_("结果送达方式"), max_length=10, default="pickup")
    delivery_address = models.CharField(_("邮寄地址"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at"]
        indexes = [
            # The staff case list: one department's cases by status, newest first.
            models.Index(
                fields=["department", "status", "-received_at"], name="cases_case_dept_idx"
            ),
            models.Index(fields=["applicant", "-received_at"], name="cases_case_applicant_idx"),
            # Open cases of one item by name (the 公租房 one-application-per-household check).
            models.Index(fields=["item_name", "status"], name="cases_case_item_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = frozenset(
    {
        Case.Status.SUBMITTED,
        Case.Status.CORRECTION,
        Case.Status.PROCESSING,
        Case.Status.SUSPENDED,
        Case.Status.APPROVED,
    }
)


class CaseSequence(models.Model):
    """The city-wide daily serial behind case numbers (one row per prefix and day)."""

    prefix = models.CharField(max_length=24, primary_key=True)  # region code + YYYYMMDD
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("办件流水号")
        verbose_name_plural = _("办件流水号")

    def __str__(self) -> str:
        return f"{self.prefix}:{self.value}"


class Task(models.Model):
    """The work of one step for one department and post (optionally one person)."""

    class State(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已办")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="tasks"
    )
    step = models.CharField(_("环节代码"), max_length=40)
    step_name = models.CharField(_("环节名称"), max_length=100)
    kind = models.CharField(_("环节类型"), max_length=20)
    department = models.ForeignKey(
        Department, verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="tasks"
    )
    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.PROTECT)
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("指定办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    lead = models.BooleanField(_("牵头部门"), default=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("开始时间"))
    due_date = models.DateField(_("办理期限"))
    days = models.PositiveSmallIntegerField(_("环节时限(工作日)"))
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, verbose_name=_("办理人"), null=True, blank=True, on_delete=models.PROTECT
    )
    outcome = models.CharField(_("办理结果"), max_length=20, blank=True)
    opinion = models.TextField(_("办理意见"), blank=True)

    class Meta:
        verbose_name = _("办理任务")
        verbose_name_plural = _("办理任务")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["department", "post", "state", "due_date"], name="cases_task_queue_idx"
            ),
            models.Index(fields=["case", "state"], name="cases_task_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.step}:{self.department_id}"


class CaseEvent(models.Model):
    """One line of a case's history (append-only)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="events"
    )
    seq = models.PositiveIntegerField(_("序号"))
    at = models.DateTimeField(_("时间"))
    action = models.CharField(_("动作"), max_length=30)
    actor = models.ForeignKey(
        USER, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    step = models.CharField(_("环节"), max_length=40, blank=True)
    step_name = models.CharField(_("环节名称"), max_length=100, blank=True)
    status_before = models.CharField(_("变更前状态"), max_length=12, blank=True)
    status_after = models.CharField(_("变更后状态"), max_length=12, blank=True)
    opinion = models.TextField(_("意见"), blank=True)
    due_date = models.DateField(_("期限"), null=True, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="cases_event_case_seq_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class ClockStop(models.Model):
    """A special procedure (特别程序) that stops the clock."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("听证")
        INSPECTION = "inspection", _("现场勘查")
        EXPERT = "expert", _("专家评审")
        TESTING = "testing", _("检验检测")
        OTHER = "other", _("其他")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="stops"
    )
    kind = models.CharField(_("特别程序种类"), max_length=12, choices=Kind.choices)
    reason = models.TextField(_("启动理由"))
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    result = models.TextField(_("特别程序结果"), blank=True)
    working_days = models.PositiveSmallIntegerField(_("暂停工作日数"), default=0)

    class Meta:
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")
        ordering = ["case", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


class Notice(models.Model):
    """A document the case produced (受理通知书, 补正告知书 ...), stored as PDF."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("申请回执")
        ACCEPTANCE = "acceptance", _("受理通知书")
        REFUSAL = "refusal", _("不予受理通知书")
        CORRECTION = "correction", _("补正材料通知书")
        COMPLETION = "completion", _("办结通知书")
        DENIAL = "denial", _("不予许可决定书")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("种类"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("文书编号"), max_length=60)
    file = models.CharField(_("存储位置"), max_length=300, blank=True)
    content = models.JSONField(_("内容"), default=dict)
    issued_at = models.DateTimeField(_("出具时间"))

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["case", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "number"], name="cases_notice_uniq")
        ]

    def __str__(self) -> str:
        return self.number


class PaymentOrder(models.Model):
    """A fee the case waits for: paid through a provider plugin, or waived."""

    class State(models.TextChoices):
        PENDING = "pending", _("待缴费")
        PAID = "paid", _("已缴费")
        WAIVED = "waived", _("已减免")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="payments"
    )
    number = models.CharField(_("缴款单号"), max_length=40, unique=True)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)
    items = models.JSONField(_("收费项目"), default=list)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    provider = models.CharField(_("支付渠道"), max_length=30, blank=True)
    provider_ref = models.CharField(_("支付流水号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("开单时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    waiver_reason = models.CharField(_("减免理由"), max_length=300, blank=True)
    waived_by = models.ForeignKey(
        USER, verbose_name=_("减免审批人"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("缴费单")
        verbose_name_plural = _("缴费单")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~models.Q(provider_ref=""),
                name="cases_payment_provider_ref_uniq",
            )
        ]

    def __str__(self) -> str:
        return self.number


class Delivery(models.Model):
    """Materials in or the result out: window pickup or express mail (双向快递)."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("申请材料寄递")
        OUTBOUND = "outbound", _("办理结果送达")

    class Method(models.TextChoices):
        PICKUP = "pickup", _("窗口领取")
        EXPRESS = "express", _("快递送达")

    class State(models.TextChoices):
        WAITING = "waiting", _("待送达")
        SHIPPED = "shipped", _("已寄出")
        DELIVERED = "delivered", _("已送达")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="deliveries"
    )
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.WAITING)
    carrier = models.CharField(_("承运方"), max_length=30, blank=True)
    tracking_number = models.CharField(_("运单号"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    shipped_at = models.DateTimeField(_("寄出时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("寄递")
        verbose_name_plural = _("寄递")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.direction}"


class IdempotentRequest(models.Model):
    """The first answer to a write that carried an ``Idempotency-Key`` (per user and scope)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE)
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=100)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="cases_idem_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


from govhall.cases.models_publicity import Objection, PublicityNotice  # noqa: E402

__all__ = [
    "OPEN_STATUSES",
    "AgentAuthorization",
    "Application",
    "Case",
    "CaseEvent",
    "CaseSequence",
    "ClockStop",
    "Delivery",
    "IdempotentRequest",
    "Notice",
    "Objection",
    "PaymentOrder",
    "PublicityNotice",
    "Task",
    "Upload",
]
