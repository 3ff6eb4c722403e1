import os

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "govhall.catalog"
    label = "catalog"
    verbose_name = "事项清单"

    def ready(self) -> None:
        # Web processes started by `govhall serve` / `govhall demo` load the search tables at
        # start, so that no citizen waits for them; tests and commands skip this.
        if os.environ.get("GOVHALL_WARMUP") == "1":
            from govhall.catalog.search import warm_up

            warm_up()
