"""The calendar pages of the Django admin: "导入年度日历" and audited direct edits."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.core import calendar
from govhall.core.calendar import SOURCE_ADMIN, is_working_day, year_source
from govhall.core.calendar_services import calendar_file_render_csv, calendar_year_import
from govhall.core.models import AuditEntry, CalendarDay, CalendarYear
from govhall.core.tests.test_calendar import DAYS_2027, SOURCE_2027

IMPORT_URL = "admin:core_calendaryear_import"
CHANGELIST_URL = "admin:core_calendaryear_changelist"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 11, 20))
    calendar.calendar_cache_clear()
    yield
    calendar.calendar_cache_clear()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def staff_with_admin_access(housing_department):
    """A department clerk who may enter the admin (is_staff) and even holds the calendar model
    permissions, but is not a system administrator."""
    user = StaffFactory(username="zjj_config", department=housing_department, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="core", codename__contains="calendar")
    )
    return user


def _upload(content: bytes, name: str = "2027.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _import_form(content: bytes, year: int = 2027, source: str = SOURCE_2027) -> dict:
    return {"year": str(year), "source": source, "file": _upload(content)}


@pytest.mark.django_db
def test_changelist_links_to_the_import_page_and_warns_about_missing_years(admin_client):
    response = admin_client.get(reverse(CHANGELIST_URL))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse(IMPORT_URL) in content and "导入年度日历" in content
    assert "缺少 2027 年的工作日历" in content


@pytest.mark.django_db
def test_admin_imports_a_year_through_the_page(admin_client, admin_user):
    page = admin_client.get(reverse(IMPORT_URL))
    assert page.status_code == 200 and "导入年度日历" in page.content.decode()
    content = calendar_file_render_csv(DAYS_2027).encode("gbk")
    response = admin_client.post(reverse(IMPORT_URL), _import_form(content))
    assert response.status_code == 302 and response.url == reverse(CHANGELIST_URL)
    calendar_year = CalendarYear.objects.get(year=2027)
    assert calendar_year.loaded_by == admin_user and calendar_year.days.count() == len(DAYS_2027)
    assert year_source(2027) == SOURCE_ADMIN and not is_working_day(date(2027, 1, 1))
    entry = AuditEntry.objects.get(action="core.calendar_year_import")
    assert entry.actor == admin_user


@pytest.mark.django_db
def test_the_page_shows_every_problem_and_imports_nothing(admin_client):
    content = (
        "date,kind,name\n2027-01-04,workday,元旦\n2026-12-31,holiday,跨年\n2027-01-01,holiday,元旦\n"
    ).encode()
    response = admin_client.post(reverse(IMPORT_URL), _import_form(content))
    assert response.status_code == 200
    page = response.content.decode()
    assert "第 1 条(2027-01-04):调休上班日应为周六或周日。" in page
    assert "第 2 条(2026-12-31):日期不在 2027 年内。" in page
    assert not CalendarYear.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_page_shows_file_problems_by_line(admin_client):
    response = admin_client.post(
        reverse(IMPORT_URL), _import_form(b"date,kind,name\n2027-02-30,holiday,x\n")
    )
    assert response.status_code == 200
    assert "第 2 行" in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_staff_who_are_not_system_administrators_are_refused(client, staff_with_admin_access):
    client.force_login(staff_with_admin_access)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    content = calendar_file_render_csv(DAYS_2027).encode()
    assert client.post(reverse(IMPORT_URL), _import_form(content)).status_code == 403
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_users_without_admin_access_are_sent_to_the_login(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302 and "login" in response.url


def _change_form(calendar_year: CalendarYear, days: list[CalendarDay], extra: list[dict]) -> dict:
    data = {
        "source": calendar_year.source,
        "days-TOTAL_FORMS": str(len(days) + len(extra)),
        "days-INITIAL_FORMS": str(len(days)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    rows = [
        {"id": d.pk, "date": d.date, "kind": d.kind, "name": d.name, "calendar_year": d.pk}
        for d in days
    ] + extra
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"days-{index}-{key}"] = "" if value is None else str(value)
        data[f"days-{index}-calendar_year"] = str(calendar_year.pk)
    return data


@pytest.mark.django_db
def test_direct_edits_are_audited_and_seen_at_once(admin_client, admin_user):
    calendar_year = calendar_year_import(
        actor=admin_user, year=2027, source=SOURCE_2027, days=DAYS_2027[:3]
    )
    assert is_working_day(date(2027, 5, 3))  # cached as a working day
    days = list(calendar_year.days.order_by("date"))
    new_day = {"date": "2027-05-03", "kind": "holiday", "name": "劳动节"}
    url = reverse("admin:core_calendaryear_change", args=[calendar_year.pk])
    response = admin_client.post(url, _change_form(calendar_year, days, [new_day]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not is_working_day(date(2027, 5, 3))
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["core.calendar_year_change", "core.calendar_days_change"]
    entry = AuditEntry.objects.get(action="core.calendar_days_change")
    assert entry.summary["extra"]["added"] == ["2027-05-03"]
    assert entry.summary["after"]["holidays"] == 4


@pytest.mark.django_db
def test_direct_edits_obey_the_import_rules(admin_client, admin_user):
    calendar_year = calendar_year_import(
        actor=admin_user, year=2027, source=SOURCE_2027, days=DAYS_2027[:3]
    )
    days = list(calendar_year.days.order_by("date"))
    monday = {"date": "2027-05-03", "kind": "workday", "name": ""}
    url = reverse("admin:core_calendaryear_change", args=[calendar_year.pk])
    response = admin_client.post(url, _change_form(calendar_year, days, [monday]))
    assert response.status_code == 200
    assert "调休上班日应为周六或周日" in response.content.decode()
    assert calendar_year.days.count() == 3


@pytest.mark.django_db
def test_deleting_a_year_is_audited_and_seen_at_once(admin_client, admin_user):
    calendar_year = calendar_year_import(
        actor=admin_user, year=2027, source=SOURCE_2027, days=DAYS_2027
    )
    assert not is_working_day(date(2027, 1, 1))
    url = reverse("admin:core_calendaryear_delete", args=[calendar_year.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not CalendarYear.objects.exists()
    assert is_working_day(date(2027, 1, 1))
    entry = AuditEntry.objects.get(action="core.calendar_year_delete")
    assert entry.summary["before"] == {
        "year": 2027,
        "holidays": 19,
        "workdays": 3,
        "source": SOURCE_2027,
    }


@pytest.mark.django_db
def test_staff_who_are_not_system_administrators_cannot_edit(client, staff_with_admin_access):
    calendar_year = calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)
    client.force_login(staff_with_admin_access)
    assert client.get(reverse(CHANGELIST_URL)).status_code == 200  # may look
    assert reverse(IMPORT_URL) not in client.get(reverse(CHANGELIST_URL)).content.decode()
    url = reverse("admin:core_calendaryear_delete", args=[calendar_year.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    change = reverse("admin:core_calendaryear_change", args=[calendar_year.pk])
    assert client.post(change, {"source": "篡改"}).status_code == 403
    assert CalendarYear.objects.exists()
