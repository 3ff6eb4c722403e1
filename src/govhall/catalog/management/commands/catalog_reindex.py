from __future__ import annotations

from django.core.management.base import BaseCommand

from govhall.catalog.models import ItemVersion
from govhall.catalog.search import search_text_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search text of every published and open version "
        "(after an upgrade that changes indexing or synonyms)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=1000)

    def handle(self, *args, chunk: int, **options):
        states = ["published", "draft", "in_review", "rejected", "scheduled"]
        ids = list(
            ItemVersion.objects.filter(state__in=states).order_by("pk").values_list("pk", flat=True)
        )
        changed = 0
        for start in range(0, len(ids), chunk):
            versions = (
                ItemVersion.objects.filter(pk__in=ids[start : start + chunk])
                .select_related("item__department")
                .prefetch_related("materials")
            )
            changed += search_text_rebuild(versions)
        self.stdout.write(f"reindexed {len(ids)} versions, {changed} changed")
