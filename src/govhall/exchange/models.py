"""Data sharing and exchange: resource catalog, registries, grants, purposes, access log.

Registries are one table (:class:`Record`) keyed by ``(subject_key, resource, record_key)``: one
subject's records across every resource are one index range, read in one round trip, and a cohort
is verified by joining its keys to that index. ``data`` holds the resource's typed fields as JSON
(``jsonb`` on PostgreSQL). Rows are bulk-loaded (COPY on PostgreSQL) up to several times 10^7, so
the table carries only the indexes the queries need.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.models import BaseModel
from govhall.organizations.models import Department


class Resource(BaseModel):
    """An entry of the government information resource catalog (政务信息资源目录)."""

    class SubjectKind(models.TextChoices):
        ID_NUMBER = "id_number", _("公民身份号码")
        USCC = "uscc", _("统一社会信用代码")
        LICENSE = "license", _("证照标识")

    class SharingType(models.TextChoices):
        # 国发〔2016〕51号
        UNCONDITIONAL = "unconditional", _("无条件共享")
        CONDITIONAL = "conditional", _("有条件共享")
        NONE = "none", _("不予共享")

    class UpdateCycle(models.TextChoices):
        REALTIME = "realtime", _("实时")
        DAILY = "daily", _("每日")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        YEARLY = "yearly", _("每年")
        IRREGULAR = "irregular", _("不定期")

    code = models.SlugField(
        _("资源代码"),
        max_length=40,
        unique=True,
        help_text=_("事项材料的“数据来源”引用此代码,例如 population、real_estate。"),
    )
    catalog_number = models.CharField(_("目录编号"), max_length=40, blank=True)
    name = models.CharField(_("资源名称"), max_length=100)
    provider = models.ForeignKey(
        Department,
        verbose_name=_("提供部门"),
        on_delete=models.PROTECT,
        related_name="provided_resources",
    )
    subject_kind = models.CharField(_("主体标识类型"), max_length=12, choices=SubjectKind.choices)
    sharing_type = models.CharField(_("共享类型"), max_length=16, choices=SharingType.choices)
    sharing_conditions = models.TextField(_("共享条件"), blank=True)
    update_cycle = models.CharField(_("更新周期"), max_length=12, choices=UpdateCycle.choices)
    legal_basis = models.TextField(_("共享依据"), blank=True)
    data_format = models.CharField(_("资源格式"), max_length=40, default="数据库")
    description = models.TextField(_("资源摘要"), blank=True)
    record_key_field = models.SlugField(
        _("记录标识字段"),
        max_length=40,
        blank=True,
        help_text=_("一个主体可有多条记录时(如多处房产、多辆车),区分记录的字段。"),
    )
    group_field = models.SlugField(
        _("分组字段"),
        max_length=40,
        blank=True,
        help_text=_("把多个主体归为一组的字段,例如人口资源的户号,用于查询家庭成员。"),
    )
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("信息资源")
        verbose_name_plural = _("信息资源目录")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def records_exist(self) -> bool:
        return Record.objects.filter(resource=self).exists()


class ResourceField(models.Model):
    """A typed field (信息项) of a resource."""

    class Type(models.TextChoices):
        TEXT = "text", _("文本")
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("数值")
        DATE = "date", _("日期")
        BOOLEAN = "boolean", _("是否")
        ID_NUMBER = "id_number", _("公民身份号码")
        USCC = "uscc", _("统一社会信用代码")
        REGION_CODE = "region_code", _("行政区划代码")

    resource = models.ForeignKey(
        Resource, verbose_name=_("信息资源"), on_delete=models.CASCADE, related_name="fields"
    )
    name = models.SlugField(_("字段名"), max_length=40)
    label = models.CharField(_("信息项名称"), max_length=60)
    type = models.CharField(_("数据类型"), max_length=12, choices=Type.choices)
    personal = models.BooleanField(_("个人信息"), default=False)
    required = models.BooleanField(_("必填"), default=False)
    max_length = models.PositiveIntegerField(_("最大长度"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("信息项")
        verbose_name_plural = _("信息项")
        ordering = ["resource", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "name"], name="exchange_field_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.resource.code}.{self.name}"


class Load(BaseModel):
    """One load of rows into a resource's registry (数据归集批次), with its counts."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("文件上传")
        API = "api", _("接口推送")
        SEED = "seed", _("示范数据生成")
        SYSTEM = "system", _("系统推送")  # written by another app in its own transaction

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("有错误则整批不入库")
        VALID_ONLY = "valid_only", _("只入库校验通过的行")

    class Status(models.TextChoices):
        RUNNING = "running", _("处理中")
        LOADED = "loaded", _("已入库")
        REJECTED = "rejected", _("已拒收")
        FAILED = "failed", _("失败")

    resource = models.ForeignKey(
        Resource, verbose_name=_("信息资源"), on_delete=models.PROTECT, related_name="loads"
    )
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    mode = models.CharField(_("入库方式"), max_length=16, choices=Mode.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_format = models.CharField(_("文件格式"), max_length=8, blank=True)
    content_sha256 = models.CharField(_("内容摘要"), max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_valid = models.PositiveIntegerField(_("校验通过"), default=0)
    rows_rejected = models.PositiveIntegerField(_("校验不通过"), default=0)
    rows_inserted = models.PositiveIntegerField(_("新增"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    rejections = models.JSONField(
        _("不通过的行"),
        default=list,
        help_text=_("[{line, field, value, reason}],最多保存前 1000 条;全部见错误报告文件。"),
    )
    rejections_file = models.FileField(_("错误报告"), upload_to="exchange/rejections/", blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    method = models.CharField(_("入库方法"), max_length=16, blank=True)
    seconds = models.FloatField(_("用时(秒)"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据归集批次")
        verbose_name_plural = _("数据归集批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resource", "-created_at"], name="exchange_load_res_idx")]

    def __str__(self) -> str:
        return f"{self.resource.code} #{self.pk}"


class Record(models.Model):
    """One registry record of one subject in one resource.

    ``record_key`` tells apart several records of one subject (parcels, vehicles); it is ``""``
    for resources with one record per subject. ``group_key`` copies the resource's group field
    (the household number of the population) so that a household is one indexed lookup.
    """

    id = models.BigAutoField(primary_key=True)
    subject_key = models.CharField(_("主体标识"), max_length=40)
    # No database-level foreign keys on this table of 10^7+ rows: Django's deferred FK checks
    # cost a trigger call per inserted row. Only the ingestion service writes records, with the
    # resource and the load it holds; PROTECT is still enforced by Django on delete.
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("信息资源"),
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    record_key = models.CharField(_("记录标识"), max_length=64, default="", blank=True)
    group_key = models.CharField(_("分组标识"), max_length=40, default="", blank=True)
    data = models.JSONField(_("数据"))
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    load = models.ForeignKey(
        Load,
        verbose_name=_("归集批次"),
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    row_hash = models.CharField(_("内容摘要"), max_length=32)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登记记录")
        verbose_name_plural = _("登记记录")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "resource", "record_key"], name="exchange_record_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["resource", "group_key"],
                name="exchange_record_group_idx",
                condition=~models.Q(group_key=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}:{self.subject_key}:{self.record_key}"


class Grant(BaseModel):
    """A consumer department's access to named fields of a resource, for a purpose and a period.

    Deny by default: without an approved, current grant nothing is returned, unconditional
    resources included (their requests are approved at once, but the record is still made).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("已拒绝")
        REVOKED = "revoked", _("已撤销")

    resource = models.ForeignKey(
        Resource, verbose_name=_("信息资源"), on_delete=models.PROTECT, related_name="grants"
    )
    consumer = models.ForeignKey(
        Department, verbose_name=_("使用部门"), on_delete=models.PROTECT, related_name="grants"
    )
    fields = models.JSONField(_("授权信息项"), default=list)
    purpose = models.TextField(_("使用用途"))
    legal_basis = models.TextField(_("使用依据"))
    valid_from = models.DateField(_("授权起始日"))
    valid_to = models.DateField(_("授权截止日"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        verbose_name = _("共享授权")
        verbose_name_plural = _("共享授权")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["consumer", "resource", "status"], name="exchange_grant_idx")
        ]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.resource}"

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.status == self.Status.APPROVED and self.valid_from <= on <= self.valid_to


class Purpose(BaseModel):
    """A registered purpose (用途) other than a case: e.g. a yearly re-verification campaign.

    A query names its purpose by reference; case numbers are resolved by the cases app through
    :mod:`govhall.exchange.purposes`.
    """

    reference = models.CharField(_("用途编号"), max_length=64, unique=True)
    title = models.CharField(_("用途名称"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="purposes"
    )
    legal_basis = models.TextField(_("依据"))
    valid_from = models.DateField(_("起始日"))
    valid_to = models.DateField(_("截止日"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("查询用途")
        verbose_name_plural = _("查询用途")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class AccessLogEntry(models.Model):
    """One read of registry data (or one refused attempt), hash-chained to the previous entry.

    ``hash = SM3(canonical(entry) + digest of its subject keys + prev_hash)``; written only by
    :func:`govhall.exchange.access_log.access_log_append`.
    """

    class Channel(models.TextChoices):
        API = "api", _("接口")
        PAGE = "page", _("页面")
        SYSTEM = "system", _("系统")

    class Kind(models.TextChoices):
        PROFILE = "profile", _("主体查询")
        VERIFICATION = "verification", _("信息核查")
        BATCH = "batch", _("批量核验")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("已提供")
        REFUSED = "refused", _("已拒绝")

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查询人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("查询人标识"), max_length=150)
    department = models.ForeignKey(
        Department,
        verbose_name=_("查询部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    client = models.CharField(_("调用系统"), max_length=100, blank=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("查询类型"), max_length=14, choices=Kind.choices)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    reason = models.TextField(_("拒绝原因"), blank=True)
    purpose_reference = models.CharField(_("用途编号"), max_length=64, blank=True)
    purpose_title = models.CharField(_("用途"), max_length=200, blank=True)
    resources = models.JSONField(_("信息资源"), default=list)
    fields = models.JSONField(_("信息项"), default=dict)
    subject_count = models.PositiveIntegerField(_("主体数"), default=0)
    subjects_digest = models.CharField(_("主体摘要"), max_length=64)
    request_id = models.CharField(_("请求标识"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, unique=True)
    hash = models.CharField(_("本条哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("数据访问日志")
        verbose_name_plural = _("数据访问日志")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.kind}"


class AccessLogSubject(models.Model):
    """A subject whose data an access log entry read: what a citizen's "who used my data" lists."""

    id = models.BigAutoField(primary_key=True)
    entry = models.ForeignKey(
        AccessLogEntry, on_delete=models.PROTECT, related_name="subjects", db_index=False
    )
    subject_key = models.CharField(_("主体标识"), max_length=40)

    class Meta:
        verbose_name = _("数据访问主体")
        verbose_name_plural = _("数据访问主体")
        indexes = [
            models.Index(fields=["subject_key", "entry"], name="exchange_access_subject_idx"),
            models.Index(fields=["entry"], name="exchange_access_entry_idx"),
        ]

    def __str__(self) -> str:
        return self.subject_key


class VerificationBatch(BaseModel):
    """One batch verification request and where its results are kept."""

    department = models.ForeignKey(
        Department, verbose_name=_("查询部门"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查询人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose_reference = models.CharField(_("用途编号"), max_length=64)
    resources = models.JSONField(_("信息资源"), default=list)
    checks = models.JSONField(_("核验规则"), default=list)
    subject_count = models.PositiveIntegerField(_("主体数"), default=0)
    passed_count = models.PositiveIntegerField(_("全部通过"), default=0)
    failed_count = models.PositiveIntegerField(_("未通过"), default=0)
    not_found_count = models.PositiveIntegerField(_("无登记"), default=0)
    seconds = models.FloatField(_("用时(秒)"), default=0)
    results_file = models.FileField(_("结果文件"), upload_to="exchange/verifications/")
    access_entry = models.ForeignKey(
        AccessLogEntry,
        verbose_name=_("访问日志"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("批量核验")
        verbose_name_plural = _("批量核验")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose_reference}"
