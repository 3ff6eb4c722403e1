from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from govhall.accounts.models import ApiToken, User
from govhall.core.admin_mixins import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "name", "kind", "department", "is_active", "last_login"]
    list_filter = ["kind", "is_active", "department"]
    search_fields = ["username", "name", "phone"]
    ordering = ["username"]
    filter_horizontal = ["posts", "groups", "user_permissions"]
    autocomplete_fields = ["department", "service_center"]
    fieldsets = (
        (None, {"fields": ("username", "password", "kind", "name")}),
        (
            _("实名信息"),
            {"fields": ("id_number", "uscc", "legal_representative", "phone", "email")},
        ),
        (_("所属与岗位"), {"fields": ("department", "service_center", "posts")}),
        (
            _("状态与权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "kind", "name", "department", "password1", "password2"),
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "key_hash", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
