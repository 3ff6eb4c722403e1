from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import BaseModel


class Region(models.Model):
    """A region by its 12-digit code: GB/T 2260 (6) + township (3) + village (3)."""

    class Level(models.IntegerChoices):
        # Same numbering as 行使层级 (GB/T 39046 annex A) for the levels a city has.
        PROVINCE = 2, _("省")
        CITY = 3, _("市")
        COUNTY = 4, _("县(区)")
        TOWNSHIP = 5, _("乡镇(街道)")
        VILLAGE = 6, _("村(社区)")

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A post (岗位) a staff member holds within their department."""

    ACCEPTANCE = "acceptance"
    REVIEW = "review"
    APPROVAL = "approval"
    SUPERVISION = "supervision"
    DATA_OFFICER = "data_officer"
    CATALOG_ADMIN = "catalog_admin"

    code = models.CharField(_("岗位代码"), max_length=32, primary_key=True)
    name = models.CharField(_("岗位名称"), max_length=50)
    description = models.CharField(_("职责"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Department(BaseModel):
    class Nature(models.TextChoices):
        # 实施主体性质 (GB/T 39046): 1 法定机关, 2 授权组织, 3 受委托组织, 9 其他
        STATUTORY = "1", _("法定机关")
        AUTHORIZED = "2", _("授权组织")
        ENTRUSTED = "3", _("受委托组织")
        OTHER = "9", _("其他")

    name = models.CharField(_("部门名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    nature = models.CharField(
        _("主体性质"), max_length=1, choices=Nature.choices, default=Nature.STATUTORY
    )
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="org_department_region_name")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceCenter(BaseModel):
    """A physical service hall (政务服务中心 / 便民服务中心 / 代办点)."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="centers"
    )
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("办公时间"), max_length=200)
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_agency_point = models.BooleanField(_("是否代办点"), default=False)

    class Meta:
        verbose_name = _("服务中心")
        verbose_name_plural = _("服务中心")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class Window(BaseModel):
    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="windows"
    )
    number = models.CharField(_("窗口号"), max_length=10)
    name = models.CharField(_("窗口名称"), max_length=100)
    departments = models.ManyToManyField(
        Department, verbose_name=_("进驻部门"), related_name="windows", blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["center_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="org_window_center_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
