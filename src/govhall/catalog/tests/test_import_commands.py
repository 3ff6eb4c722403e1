"""govhall catalog_export / catalog_import."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govhall.catalog.importexport import catalog_template
from govhall.catalog.models import Item, ItemVersion
from govhall.catalog.tests.factories import published_item
from govhall.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_export_then_import_from_the_command_line(tmp_path, housing_department, fmt):
    published_item(housing_department)
    path = tmp_path / f"catalog.{ {'csv': 'zip'}.get(fmt, fmt) }"
    call_command("catalog_export", "--format", fmt, "--output", str(path), stderr=io.StringIO())
    out = io.StringIO()
    call_command("catalog_import", str(path), "--reason", "年度核对", stdout=out)
    assert "created 0, updated 0, unchanged 1" in out.getvalue()
    assert ItemVersion.objects.count() == 1


def test_gbt39046_export(tmp_path, housing_department):
    published_item(housing_department)
    path = tmp_path / "province.json"
    call_command(
        "catalog_export", "--format", "gbt39046", "--output", str(path), stderr=io.StringIO()
    )
    assert json.loads(path.read_text(encoding="utf-8"))[0]["事项名称"] == "公共租赁住房保障资格申请"


def test_import_runs_as_the_system_and_writes_drafts(tmp_path, housing_department):
    path = tmp_path / "template.xlsx"
    path.write_bytes(catalog_template(department=housing_department))
    out = io.StringIO()
    call_command(
        "catalog_import",
        str(path),
        "--reason",
        "首次导入",
        "--department",
        housing_department.uscc,
        stdout=out,
    )
    assert "created 1" in out.getvalue()
    assert Item.objects.get().versions.get().state == "draft"
    entry = AuditEntry.objects.get(action="catalog.import")
    assert entry.actor_label == "catalog_import" and entry.summary["after"]["created"] == 1


def test_import_errors_are_printed_and_nothing_is_imported(tmp_path, housing_department):
    path = tmp_path / "bad.json"
    document = json.loads(catalog_template(fmt="json", department=housing_department))
    document[0]["basic_code"] = "12345"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalog_import", str(path), "--reason", "导入", stderr=err)
    assert "事项\t1\t基本编码\t" in err.getvalue()
    assert not Item.objects.exists()


def test_command_argument_errors(tmp_path):
    with pytest.raises(CommandError):
        call_command("catalog_import", str(tmp_path / "missing.xlsx"), "--reason", "x")
    with pytest.raises(CommandError):
        call_command("catalog_export", "--output", str(tmp_path / "x"), "--department", "NOPE")
