"""One household, one 公租房 application: the check the cases app runs inside the submitting
transaction (``cases.hooks.register_submission_check``, registered in ``apps.py``).

An application of the 公租房 item (``GOVHALL_HOUSING_ITEM_NAME``) is refused (409) when the
applicant or any household member named in its form

- is on the waiting list or housed (a ``HouseholdMember`` row): ``household_already_housed``;
- is the applicant or a member named in another open case (``cases.models.OPEN_STATUSES``) of
  the same item: ``household_already_applying``.

Members of other open applications are found in the database (their forms' ``members`` rows,
read by the JSON functions of SQLite and PostgreSQL), not by loading every form. Two
submissions naming the same person at the same moment: on PostgreSQL each takes a transaction
advisory lock per member ID number (sorted, so never a deadlock) before looking, so the second
waits for the first to commit and then sees its case; SQLite has one writer at a time anyway.
(The cases app's row lock on the application currently also locks its item version, which
serializes submissions of one item; this lock does not rely on that.) Switched off only by
``GOVHALL_HOUSING_ONE_APPLICATION = False``.
"""

# ruff: noqa: S608 (SQL from our table names and placeholders; every value is a parameter)
from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import OPEN_STATUSES, Application, Case
from govhall.core import errors
from govhall.housing import permissions
from govhall.housing.household import household_from_form
from govhall.housing.models import HouseholdMember

_LOCK_NAMESPACE = "govhall.housing.member:"


def _lock_key(id_number: str) -> int:
    digest = hashlib.sha256((_LOCK_NAMESPACE + id_number).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_members(ids: list[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(_lock_key(value) for value in ids):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _member_clause(ids: list[str]) -> tuple[str, list[str]]:
    marks = ", ".join(["%s"] * len(ids))
    if connection.vendor == "postgresql":
        members = (
            "SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a.form -> 'members') = "
            "'array' THEN a.form -> 'members' ELSE '[]'::jsonb END) AS m(value) "
            "WHERE jsonb_typeof(m.value) = 'object' "
            f"AND upper(m.value ->> 'id_number') IN ({marks})"
        )
    else:
        members = (
            "SELECT 1 FROM json_each(CASE WHEN json_type(a.form, '$.members') = 'array' "
            "THEN json_extract(a.form, '$.members') ELSE '[]' END) AS m "
            "WHERE m.type = 'object' AND upper(json_extract(m.value, '$.id_number')) "
            f"IN ({marks})"
        )
    return f"(c.applicant_key IN ({marks}) OR EXISTS ({members}))", [*ids, *ids]


def open_application_of(
    ids: list[str], *, item_name: str, exclude_application: int
) -> tuple[str, str] | None:
    """``(number, applicant key)`` of an open case of ``item_name`` whose applicant or a
    household member in its form is one of ``ids`` (other than ``exclude_application``'s)."""
    if not ids:
        return None
    clause, params = _member_clause(ids)
    statuses = sorted(str(status) for status in OPEN_STATUSES)
    sql = (
        f"SELECT c.number, c.applicant_key FROM {Case._meta.db_table} c "
        f"JOIN {Application._meta.db_table} a "
        "ON a.id = c.application_id "
        f"WHERE c.item_name = %s AND c.status IN ({', '.join(['%s'] * len(statuses))}) "
        f"AND c.application_id <> %s AND {clause} "
        "ORDER BY c.id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [item_name, *statuses, exclude_application, *params])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def check_enabled() -> bool:
    """``GOVHALL_HOUSING_ONE_APPLICATION`` (default on): the city's rule that a household holds
    one 公租房 application, listing or lease at a time."""
    return bool(getattr(settings, "GOVHALL_HOUSING_ONE_APPLICATION", True))


def _is_housing_application(application: Any) -> bool:
    return check_enabled() and application.version.name == permissions.housing_item_name()


def housing_submission_check(application: Any, *, actor: Any, cleaned: dict[str, Any]) -> None:
    """Refuse a 公租房 application of a household already listed, housed or applying."""
    if not _is_housing_application(application):
        return
    applicant_key = (
        getattr(application.applicant, "id_number", "") or getattr(application, "applicant_key", "")
    ) or ""
    household = household_from_form(cleaned or {}, applicant_key, timezone.localdate())
    ids = household.member_ids
    if not ids:
        return
    _lock_members(ids)
    if HouseholdMember.objects.filter(id_number__in=ids).exists():
        raise errors.Conflict(
            _(
                "您或您的家庭成员已在公租房轮候名单中或已承租公租房,不能重复申请。"
                "如家庭情况有变化,请联系住建部门。"
            ),
            code="household_already_housed",
        )
    found = open_application_of(
        ids, item_name=application.version.name, exclude_application=application.pk
    )
    if found is None:
        return
    number, owner = found
    if owner.upper() == applicant_key.upper():
        message = _(
            "您已有正在办理的公租房保障资格申请(办件编号 %(number)s),请等待该申请办结后再申请。"
        ) % {"number": number}
    else:  # another household's case: its number is not ours to show
        message = _(
            "您的家庭成员已在另一份正在办理的公租房保障资格申请中,"
            "同一家庭只能提交一份申请,请核对家庭成员。"
        )
    raise errors.Conflict(message, code="household_already_applying")
