from django.contrib import admin

from govhall.core.admin_mixins import AuditedAdminMixin
from govhall.organizations.models import Department, Post, Region, ServiceCenter, Window


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin):
    list_display = ["name", "short_name", "uscc", "region", "is_active"]
    list_filter = ["is_active", "region"]
    search_fields = ["name", "short_name", "uscc"]
    autocomplete_fields = ["region", "parent"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    filter_horizontal = ["departments"]


@admin.register(ServiceCenter)
class ServiceCenterAdmin(AuditedAdminMixin):
    list_display = ["name", "region", "address", "hours", "is_agency_point"]
    list_filter = ["is_agency_point"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["region"]
    inlines = [WindowInline]


@admin.register(Post)
class PostAdmin(AuditedAdminMixin):
    list_display = ["code", "name", "description", "sort_order"]
