"""The synthetic population: the ground truth every department's registry is derived from.

Both tables are bulk-loaded (``seed`` command, PostgreSQL COPY) up to 10^7 rows, so they are kept
lean: the primary key is the generator's index (so a load can resume where it stopped), the
identifier is unique through a constraint (no extra ``varchar_pattern_ops`` index on PostgreSQL),
and only the household and the representative have secondary indexes. ``region_code`` is a plain
12-digit code, not a foreign key, so that loads do not check 10^7 references.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    class Sex(models.TextChoices):
        # GB/T 2261.1; agrees with the parity of the 17th digit of the ID number (odd = male)
        MALE = "1", _("男")
        FEMALE = "2", _("女")

    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")

    id = models.BigIntegerField(_("序号"), primary_key=True)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    region_code = models.CharField(_("户籍地区划代码"), max_length=12)
    household_id = models.BigIntegerField(_("户号"))
    relation = models.CharField(_("与户主关系"), max_length=8, choices=Relation.choices)
    address = models.CharField(_("住址"), max_length=200)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("人口(示范)")
        verbose_name_plural = _("人口(示范)")
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="demo_person_id_number_key")
        ]
        indexes = [models.Index(fields=["household_id"], name="demo_person_household_idx")]

    def __str__(self) -> str:
        return self.name


class LegalPerson(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INDIVIDUAL = "individual", _("个体工商户")
        SOCIAL = "social", _("社会组织")

    id = models.BigIntegerField(_("序号"), primary_key=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("主体类型"), max_length=12, choices=Kind.choices)
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    legal_representative_id_number = models.CharField(_("法定代表人身份证号"), max_length=18)
    registered_capital = models.DecimalField(_("注册资本(万元)"), max_digits=14, decimal_places=2)
    established_on = models.DateField(_("成立日期"))
    region_code = models.CharField(_("住所区划代码"), max_length=12)
    address = models.CharField(_("住所"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("法人(示范)")
        verbose_name_plural = _("法人(示范)")
        constraints = [models.UniqueConstraint(fields=["uscc"], name="demo_legalperson_uscc_key")]
        indexes = [
            models.Index(fields=["legal_representative_id_number"], name="demo_legalperson_rep_idx")
        ]

    def __str__(self) -> str:
        return self.name
