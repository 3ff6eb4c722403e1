from __future__ import annotations

import pytest
from django.core.management import call_command

from govhall.catalog.models import ItemVersion
from govhall.catalog.selectors_search import item_search
from govhall.catalog.tests.factories import published_item


@pytest.mark.django_db
def test_reindex_restores_search_text_and_is_idempotent(housing_department, capsys):
    version = published_item(housing_department)
    ItemVersion.objects.filter(pk=version.pk).update(search_text="")
    assert len(item_search(q="gzf")) == 0
    call_command("catalog_reindex")
    assert "1 changed" in capsys.readouterr().out
    assert [i.pk for i in item_search(q="gzf")] == [version.item_id]
    call_command("catalog_reindex")
    assert "0 changed" in capsys.readouterr().out
