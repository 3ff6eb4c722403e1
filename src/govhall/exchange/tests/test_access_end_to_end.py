"""Issue 4's "done when" for the access log: a citizen sees who read their data and why, the
provider sees who read its registry, and the tamper check finds an edited log row."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import mask_id_number
from govhall.exchange.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_a_registry_read_shows_to_the_citizen_and_the_provider_and_is_tamper_evident(
    registry, clerk, client_for, client_as, police_department, capsys
):
    applicant = registry.applicant
    read = client_for(clerk).get(
        f"/api/v1/exchange/subjects/{applicant.id_number}/profile",
        {"purpose": registry.purpose.reference, "resources": "population,real_estate"},
    )
    assert read.status_code == 200, read.content

    mine = client_for(applicant).get("/api/v1/me/data-access").json()
    assert mine["count"] == 1
    [item] = mine["results"]
    assert item["department"] == clerk.department.name
    assert item["purpose_reference"] == registry.purpose.reference
    assert item["purpose_title"] == registry.purpose.title
    assert item["outcome"] == "granted"
    labels = {fields["code"]: fields["labels"] for fields in item["fields"]}
    assert "姓名" in labels["population"] and "户籍地址" not in labels["population"]
    page = client_as(applicant).get("/exchange/me/data-access/").content.decode()
    assert registry.purpose.reference in page and "人口基础信息" in page
    assert client_for(registry.spouse).get("/api/v1/me/data-access").json()["count"] == 0

    officer = StaffFactory(department=police_department, posts=["data_officer"])
    provided = client_for(officer).get("/api/v1/exchange/resources/population/access").json()
    assert provided["count"] == 1
    assert provided["results"][0]["subjects"] == [mask_id_number(applicant.id_number)]

    call_command("exchange", "verify-log")
    assert capsys.readouterr().out.startswith("OK: 1 entries")
    entry = AccessLogEntry.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AccessLogEntry._meta.db_table} SET purpose_reference = %s WHERE id = %s",
            ["YT-FAKE", entry.pk],
        )
    with pytest.raises(CommandError, match=f"entry seq {entry.seq}"):
        call_command("exchange", "verify-log")
