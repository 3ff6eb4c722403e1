from django.contrib import admin

from govhall.catalog.models import CatalogChange, Item, ItemVersion
from govhall.core.admin import ReadOnlyAdmin


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    """Items change only through the catalog services (drafts, review, publication)."""

    list_display = ["implementation_code", "published_version", "department", "status", "cancel_on"]
    list_filter = ["status", "department"]
    search_fields = ["implementation_code", "published_version__name"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = ["name", "item", "number", "state", "published_at", "effective_from"]
    list_filter = ["state", "item_type", "online_depth"]
    search_fields = ["name", "item__implementation_code"]


@admin.register(CatalogChange)
class CatalogChangeAdmin(ReadOnlyAdmin):
    list_display = ["happened_at", "kind", "item", "reason"]
    list_filter = ["kind"]
