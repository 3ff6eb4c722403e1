from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.organizations.models import Department, Post, ServiceCenter


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields):
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields):
        fields.setdefault("kind", User.Kind.ADMIN)
        fields.setdefault("name", username)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Every person or organization that signs in.

    ``username`` is the ID number (citizens), the USCC (enterprises) or a staff login.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("自然人")
        ENTERPRISE = "enterprise", _("法人")
        STAFF = "staff", _("工作人员")
        AGENT = "agent", _("代办员")
        ADMIN = "admin", _("系统管理员")

    username = models.CharField(_("登录名"), max_length=64, unique=True)
    kind = models.CharField(_("用户类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True, unique=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("所属代办点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agents",
    )
    posts = models.ManyToManyField(Post, verbose_name=_("岗位"), blank=True, related_name="holders")
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(
        _("可进入管理后台"),
        default=False,
        help_text=_("系统管理员和配置人员可登录 Django 管理后台。"),
    )
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="citizen") | models.Q(id_number__isnull=False),
                name="accounts_citizen_has_id_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="enterprise") | models.Q(uscc__isnull=False),
                name="accounts_enterprise_has_uscc",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="staff") | models.Q(department__isnull=False),
                name="accounts_staff_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.username})"

    @property
    def is_public_user(self) -> bool:
        return self.kind in {self.Kind.CITIZEN, self.Kind.ENTERPRISE}

    @property
    def is_department_staff(self) -> bool:
        return self.kind == self.Kind.STAFF and self.department_id is not None


class ApiToken(models.Model):
    """A bearer token for apps and systems. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    name = models.CharField(_("用途"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
