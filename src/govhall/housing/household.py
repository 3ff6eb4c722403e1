"""What the waiting list needs from a completed 公租房 case: the household read from the
application's form (members and values the registries prefilled, corrected by the applicant)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

ELDERLY_AGE = 60


@dataclass(frozen=True)
class Household:
    member_ids: list[str]
    size: int
    income_per_capita: Decimal
    area_per_capita: Decimal
    disability: bool
    elderly: bool
    subsistence: bool


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _truthy(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1, "on", "yes")


def birth_date(id_number: str) -> dt.date | None:
    if len(id_number) != 18:
        return None
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def _age(id_number: str, today: dt.date) -> int:
    born = birth_date(id_number)
    if born is None:
        return 0
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def household_from_form(form: dict[str, Any], applicant_key: str, today: dt.date) -> Household:
    rows = [row for row in form.get("members") or [] if isinstance(row, dict)]
    ids = [str(row.get("id_number") or "").upper() for row in rows]
    ids = [value for value in ids if value]
    if applicant_key and applicant_key.upper() not in ids:
        ids.insert(0, applicant_key.upper())
    size = max(1, len(ids))
    income = sum((_decimal(row.get("annual_income")) for row in rows), Decimal(0))
    housing = form.get("housing") or {}
    area = _decimal(housing.get("own_area"))
    if not area:
        area = sum((_decimal(row.get("property_area")) for row in rows), Decimal(0))
    special = form.get("special") or {}
    disability = _truthy(special.get("disability")) or any(
        _truthy(row.get("disabled")) for row in rows
    )
    subsistence = _truthy(special.get("subsistence")) or _truthy(special.get("five_guarantee"))
    return Household(
        member_ids=list(dict.fromkeys(ids)),
        size=size,
        income_per_capita=(income / size).quantize(Decimal("0.01")),
        area_per_capita=(area / size).quantize(Decimal("0.01")),
        disability=disability,
        elderly=any(_age(value, today) >= ELDERLY_AGE for value in ids),
        subsistence=subsistence,
    )
