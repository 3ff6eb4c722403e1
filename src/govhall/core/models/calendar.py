from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose official calendar an administrator loaded. When a row exists for a year, its
    days are authoritative for that year (over the chinese-calendar package)."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("依据"), max_length=300, help_text=_("如:国务院办公厅关于某年部分节假日安排的通知")
    )
    loaded_at = models.DateTimeField(_("导入时间"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日(休息)")
        WORKDAY = "workday", _("调休上班日")

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
