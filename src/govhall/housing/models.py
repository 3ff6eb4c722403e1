"""Public rental housing (公租房) after approval: stock, waiting list, allocation, leases, rent.

- ``Estate`` → ``Building`` → ``Unit``: the stock; a unit's ``state`` says if it may be offered.
- ``WaitingEntry``: one per qualified household, made from a completed 公租房 case;
  ``HouseholdMember`` keeps the household's ID numbers (unique) so that a member already on the
  list or housed is refused.
- ``AllocationRound`` offers units; ``Choice`` records who took which unit, unique per round and
  unit and per round and entry, so that two households can never hold the same unit.
- ``Lease`` → ``RentBill`` (one per lease and month) → ``Payment`` (unique provider reference).
- ``Inspection``: occupancy inspections (入住巡查) of a lease.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import BaseModel

USER = settings.AUTH_USER_MODEL


class Estate(BaseModel):
    name = models.CharField(_("小区名称"), max_length=100, unique=True)
    region_code = models.CharField(_("区划代码"), max_length=12)
    address = models.CharField(_("地址"), max_length=200)

    class Meta:
        verbose_name = _("公租房小区")
        verbose_name_plural = _("公租房小区")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("楼栋"), max_length=40)
    floors = models.PositiveSmallIntegerField(_("层数"), default=6)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["estate", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="housing_building_unique")
        ]

    def __str__(self) -> str:
        return f"{self.estate_id}/{self.name}"


class Unit(models.Model):
    class State(models.TextChoices):
        AVAILABLE = "available", _("可分配")
        RESERVED = "reserved", _("已选定")
        LET = "let", _("已出租")
        MAINTENANCE = "maintenance", _("维修中")

    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units"
    )
    number = models.CharField(_("房号"), max_length=20)
    floor = models.SmallIntegerField(_("楼层"))
    area = models.DecimalField(_("面积(㎡)"), max_digits=7, decimal_places=2)
    rooms = models.PositiveSmallIntegerField(_("居室"))
    monthly_rent = models.DecimalField(_("月租金"), max_digits=9, decimal_places=2)
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.AVAILABLE
    )

    class Meta:
        verbose_name = _("房源")
        verbose_name_plural = _("房源")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="housing_unit_unique")
        ]
        indexes = [models.Index(fields=["state"], name="housing_unit_state_idx")]

    def __str__(self) -> str:
        return f"{self.building_id}-{self.number}"


class WaitingEntry(BaseModel):
    class State(models.TextChoices):
        WAITING = "waiting", _("轮候中")
        ALLOCATED = "allocated", _("已配租")
        WITHDRAWN = "withdrawn", _("已放弃")
        REMOVED = "removed", _("已移出")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("资格办件"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="housing_entries"
    )
    household_size = models.PositiveSmallIntegerField(_("家庭人数"))
    income_per_capita = models.DecimalField(
        _("人均年收入"), max_digits=12, decimal_places=2, default=0
    )
    area_per_capita = models.DecimalField(
        _("人均住房面积"), max_digits=8, decimal_places=2, default=0
    )
    disability = models.BooleanField(_("残疾"), default=False)
    elderly = models.BooleanField(_("老年人"), default=False)
    subsistence = models.BooleanField(_("低保/特困"), default=False)
    qualified_on = models.DateField(_("取得资格日期"))
    score = models.DecimalField(_("评分"), max_digits=8, decimal_places=2, default=0)
    lottery_key = models.CharField(_("摇号序"), max_length=64, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.WAITING)

    class Meta:
        verbose_name = _("轮候登记")
        verbose_name_plural = _("轮候登记")
        ordering = ["rank", "pk"]
        indexes = [models.Index(fields=["state", "rank"], name="housing_entry_rank_idx")]

    def __str__(self) -> str:
        return f"entry {self.pk}"


class HouseholdMember(models.Model):
    """One ID number of a household on the list: unique while the household waits or is housed."""

    entry = models.ForeignKey(
        WaitingEntry, on_delete=models.CASCADE, related_name="member_rows", verbose_name=_("轮候")
    )
    id_number = models.CharField(_("证件号码"), max_length=18, unique=True)

    class Meta:
        verbose_name = _("轮候家庭成员")
        verbose_name_plural = _("轮候家庭成员")

    def __str__(self) -> str:
        return self.id_number


class AllocationRound(BaseModel):
    class Method(models.TextChoices):
        SCORE = "score", _("按评分")
        LOTTERY = "lottery", _("摇号")

    class State(models.TextChoices):
        OPEN = "open", _("选房中")
        CLOSED = "closed", _("已结束")

    name = models.CharField(_("批次名称"), max_length=100)
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT)
    units = models.ManyToManyField(Unit, verbose_name=_("房源"), related_name="rounds")
    method = models.CharField(_("排序方式"), max_length=10, choices=Method.choices)
    seed = models.CharField(_("摇号种子"), max_length=64, blank=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(USER, verbose_name=_("发起人"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("选房批次")
        verbose_name_plural = _("选房批次")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.name


class RoundSeat(models.Model):
    """An entry invited to a round, in rank order; it may choose when its turn comes."""

    class State(models.TextChoices):
        PENDING = "pending", _("待选房")
        CHOSEN = "chosen", _("已选房")
        PASSED = "passed", _("放弃")

    round = models.ForeignKey(
        AllocationRound, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="seats"
    )
    entry = models.ForeignKey(WaitingEntry, verbose_name=_("轮候"), on_delete=models.PROTECT)
    position = models.PositiveIntegerField(_("选房顺序"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)

    class Meta:
        verbose_name = _("选房顺序")
        verbose_name_plural = _("选房顺序")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry"], name="housing_seat_entry_unique"),
            models.UniqueConstraint(fields=["round", "position"], name="housing_seat_pos_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.position}"


class Choice(models.Model):
    round = models.ForeignKey(
        AllocationRound, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="choices"
    )
    entry = models.ForeignKey(WaitingEntry, verbose_name=_("轮候"), on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("房源"), on_delete=models.PROTECT)
    chosen_at = models.DateTimeField(_("选房时间"))

    class Meta:
        verbose_name = _("选房结果")
        verbose_name_plural = _("选房结果")
        ordering = ["chosen_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="housing_choice_unit_unique"),
            models.UniqueConstraint(fields=["round", "entry"], name="housing_choice_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.entry_id}->{self.unit_id}"


class Lease(BaseModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("待签约")
        ACTIVE = "active", _("履约中")
        ENDED = "ended", _("已退租")

    entry = models.ForeignKey(
        WaitingEntry, verbose_name=_("轮候"), on_delete=models.PROTECT, related_name="leases"
    )
    tenant = models.ForeignKey(
        USER, verbose_name=_("承租人"), on_delete=models.PROTECT, related_name="housing_leases"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("房源"), on_delete=models.PROTECT, related_name="leases"
    )
    number = models.CharField(_("合同编号"), max_length=30, unique=True)
    start = models.DateField(_("起租日"))
    end = models.DateField(_("到期日"))
    monthly_rent = models.DecimalField(_("月租金"), max_digits=9, decimal_places=2)
    terms = models.TextField(_("合同条款"))
    signed_at = models.DateTimeField(_("签约时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    ended_on = models.DateField(_("退租日期"), null=True, blank=True)
    end_reason = models.CharField(_("退租原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("租赁合同")
        verbose_name_plural = _("租赁合同")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(state__in=["draft", "active"]),
                name="housing_lease_one_per_unit",
            )
        ]

    def __str__(self) -> str:
        return self.number


class RentBill(models.Model):
    class State(models.TextChoices):
        UNPAID = "unpaid", _("待缴")
        PAID = "paid", _("已缴")
        WAIVED = "waived", _("已减免")

    lease = models.ForeignKey(
        Lease, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="bills"
    )
    month = models.DateField(_("账期(月首日)"))
    amount = models.DecimalField(_("金额"), max_digits=9, decimal_places=2)
    due_date = models.DateField(_("缴费截止日"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.UNPAID)
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    payment_reference = models.CharField(_("支付流水号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("租金账单")
        verbose_name_plural = _("租金账单")
        ordering = ["-month", "lease"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "month"], name="housing_bill_unique")
        ]
        indexes = [models.Index(fields=["state", "due_date"], name="housing_bill_due_idx")]

    def __str__(self) -> str:
        return f"{self.lease_id}:{self.month:%Y-%m}"


class Payment(models.Model):
    bill = models.ForeignKey(
        RentBill, verbose_name=_("账单"), on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(_("支付渠道"), max_length=20)
    reference = models.CharField(_("支付流水号"), max_length=64, unique=True)
    amount = models.DecimalField(_("金额"), max_digits=9, decimal_places=2)
    paid_at = models.DateTimeField(_("支付时间"))

    class Meta:
        verbose_name = _("租金缴费")
        verbose_name_plural = _("租金缴费")
        ordering = ["-paid_at"]

    def __str__(self) -> str:
        return self.reference


class Inspection(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", _("正常")
        VIOLATION = "violation", _("违规")

    lease = models.ForeignKey(
        Lease, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="inspections"
    )
    date = models.DateField(_("巡查日期"))
    inspector = models.ForeignKey(USER, verbose_name=_("巡查人"), on_delete=models.PROTECT)
    findings = models.TextField(_("巡查情况"))
    outcome = models.CharField(_("结论"), max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = _("入住巡查")
        verbose_name_plural = _("入住巡查")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.lease_id}@{self.date}"


class ReverificationRun(models.Model):
    """One yearly re-verification (动态核查) of the whole tenant population: every household on
    the waiting list or with an active lease, checked against the registries in one batch."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    by = models.ForeignKey(
        USER,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示年度定时任务"),
    )
    on = models.DateField(_("核查基准日"))
    purpose = models.CharField(_("查询用途编号"), max_length=64)
    parameters = models.JSONField(_("核查参数"), default=dict)
    checked = models.PositiveIntegerField(_("核查户数"), default=0)
    eligible = models.PositiveIntegerField(_("仍符合条件"), default=0)
    flagged = models.PositiveIntegerField(_("不再符合条件"), default=0)
    unknown = models.PositiveIntegerField(_("无法判断"), default=0)
    already_open = models.PositiveIntegerField(_("已在复核中"), default=0)
    unknown_entries = models.JSONField(_("无法判断的轮候登记"), default=list, blank=True)

    class Meta:
        verbose_name = _("动态核查批次")
        verbose_name_plural = _("动态核查批次")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.on})"


class ReverificationFlag(models.Model):
    """A household that no longer qualifies: the failed conditions (value, threshold), the reason
    given to the household, and the human decision (kept / terminated) that closes the review."""

    class State(models.TextChoices):
        OPEN = "open", _("待复核")
        KEPT = "kept", _("保留资格")
        TERMINATED = "terminated", _("终止保障")

    run = models.ForeignKey(
        ReverificationRun,
        verbose_name=_("核查批次"),
        on_delete=models.PROTECT,
        related_name="flags",
    )
    entry = models.ForeignKey(
        WaitingEntry,
        verbose_name=_("轮候登记"),
        on_delete=models.PROTECT,
        related_name="reverification_flags",
    )
    lease = models.ForeignKey(
        Lease,
        verbose_name=_("租赁合同"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reverification_flags",
    )
    subject_key = models.CharField(_("申请人证件号码"), max_length=18)
    failed = models.JSONField(_("不符合的条件"), default=dict)
    conditions = models.JSONField(_("全部条件核查结果"), default=dict)
    reason = models.TextField(_("原因"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("复核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    opinion = models.TextField(_("复核意见"), blank=True)
    review_case = models.CharField(_("复核办件编号"), max_length=40, blank=True)
    # the decision is due within GOVHALL_HOUSING_REVIEW_DAYS working days (电子监察 watches it)
    due_date = models.DateField(_("复核期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("动态核查预警")
        verbose_name_plural = _("动态核查预警")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(state="open"),
                name="housing_flag_one_open_per_entry",
            )
        ]

    def __str__(self) -> str:
        return f"flag {self.pk} ({self.state})"
