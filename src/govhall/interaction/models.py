"""Models of the interaction app: 好差评 (evaluations and their rectifications), 问 and 诉
(enquiries and complaints in one ``Ticket`` table) and the FAQ made from good answers.

State is changed only by the services (``services_evaluation``, ``services_tickets``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import BaseModel

USER = settings.AUTH_USER_MODEL
TEXT_MAX = 2000


class Satisfaction(models.TextChoices):
    """The one internal satisfaction enum; national codes are mapped in ``satisfaction.py``."""

    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("非常不满意")


class Channel(models.TextChoices):
    PC = "pc", _("电脑端")
    MOBILE = "mobile", _("移动端")
    QRCODE = "qrcode", _("二维码")
    TABLET = "tablet", _("大厅评价器")
    SMS = "sms", _("短信")


class Evaluation(BaseModel):
    """One rating of a case (一事一评) at one stage, plus at most one follow-up (追评)."""

    class Stage(models.TextChoices):
        ACCEPTANCE = "acceptance", _("受理环节")
        COMPLETION = "completion", _("办结环节")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="evaluations"
    )
    applicant = models.ForeignKey(
        USER, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="evaluations"
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("被评价部门"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(
        _("评价环节"), max_length=12, choices=Stage.choices, default=Stage.COMPLETION
    )
    grade = models.CharField(_("评价等级"), max_length=20, choices=Satisfaction.choices)
    text = models.TextField(_("评价内容"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=10, choices=Channel.choices)
    is_followup = models.BooleanField(_("追评"), default=False)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage", "is_followup"], name="interaction_evaluation_once"
            )
        ]
        indexes = [models.Index(fields=["department", "grade"], name="interaction_eval_dept")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.grade}"


class Rectification(BaseModel):
    """整改: every bad review is verified, called back and fixed / explained / appealed."""

    class State(models.TextChoices):
        OPEN = "open", _("待回访")
        CALLED_BACK = "called_back", _("已回访")
        APPEALED = "appealed", _("申诉复核中")
        CLOSED = "closed", _("已办结")

    class Outcome(models.TextChoices):
        FIX_NOW = "fix_now", _("立即整改")
        FIX_BY_DEADLINE = "fix_by_deadline", _("限期整改")
        EXPLAIN = "explain", _("解释说明")
        APPEAL = "appeal", _("申诉复核")

    evaluation = models.OneToOneField(
        Evaluation,
        verbose_name=_("评价"),
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("整改部门"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.OPEN, db_index=True
    )
    outcome = models.CharField(_("整改方式"), max_length=16, choices=Outcome.choices, blank=True)
    opened_on = models.DateField(_("启动日期"))
    due_date = models.DateField(_("整改期限"))
    fix_due = models.DateField(_("限期整改日期"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification = models.TextField(_("核实情况"), blank=True)
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        USER,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    callback_reached = models.BooleanField(_("回访联系上"), default=False)
    callback_record = models.TextField(_("回访记录"), blank=True)
    resolution = models.TextField(_("整改情况"), blank=True)
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appeal_upheld = models.BooleanField(_("申诉成立"), null=True, blank=True)
    appeal_decision = models.TextField(_("复核意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["department", "state"], name="interaction_rect_dept")]

    def __str__(self) -> str:
        return f"rectification {self.pk}"


class Ticket(BaseModel):
    """问 (enquiry) and 诉 (complaint) in one table."""

    class Kind(models.TextChoices):
        ENQUIRY = "enquiry", _("咨询")
        COMPLAINT = "complaint", _("投诉")

    class State(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    class Source(models.TextChoices):
        PORTAL = "portal", _("网上办事大厅")
        HOTLINE = "hotline", _("12345热线")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    person = models.ForeignKey(
        USER,
        verbose_name=_("提问人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact_name = models.CharField(_("联系人"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    entered_by = models.ForeignKey(
        USER,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("事项"), null=True, blank=True, on_delete=models.PROTECT
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("所涉办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    subject = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"))
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    opened_on = models.DateField(_("登记日期"))
    due_date = models.DateField(_("答复期限"))
    routed_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("咨询投诉")
        verbose_name_plural = _("咨询投诉")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "state"], name="interaction_ticket_dept")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class Faq(BaseModel):
    """常见问题: a good answer promoted by the department, public per department and item."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("来源咨询"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faq",
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="faqs",
    )
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("事项"), null=True, blank=True, on_delete=models.PROTECT
    )
    question = models.CharField(_("问题"), max_length=500)
    answer = models.TextField(_("解答"))
    published_by = models.ForeignKey(USER, verbose_name=_("发布人"), on_delete=models.PROTECT)
    is_published = models.BooleanField(_("公开"), default=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["department_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.question[:50]
