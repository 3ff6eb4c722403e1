"""The waiting list's order: a need score, or a lottery reproducible from a recorded seed.

Score (higher first), with the weights in ``WEIGHTS`` (override any of them with the setting
``GOVHALL_HOUSING_SCORE_WEIGHTS``, a dict):

- income: ``income_points * max(0, 1 - income_per_capita / income_line)``
- area: ``area_points * max(0, 1 - area_per_capita / area_line)``
- family size: ``member_points * min(household_size, member_cap)``
- special groups: ``disability_points``, ``elderly_points``, ``subsistence_points`` (低保/特困)
- waiting time: ``month_points`` per full month since ``qualified_on``, at most ``wait_cap``

Ties: earlier ``qualified_on`` first, then the lower entry id. Lottery: the order of
``sha256(seed + ":" + entry id)``; the same seed gives the same order on any machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

WEIGHTS: dict[str, Decimal] = {
    "income_points": Decimal("40"),
    "income_line": Decimal("30000"),  # yuan per person per year
    "area_points": Decimal("20"),
    "area_line": Decimal("15"),  # m² per person
    "member_points": Decimal("3"),
    "member_cap": Decimal("5"),
    "disability_points": Decimal("10"),
    "elderly_points": Decimal("5"),
    "subsistence_points": Decimal("15"),
    "month_points": Decimal("0.5"),
    "wait_cap": Decimal("20"),
}


def weights() -> dict[str, Decimal]:
    overrides = getattr(settings, "GOVHALL_HOUSING_SCORE_WEIGHTS", None) or {}
    return {**WEIGHTS, **{key: Decimal(str(value)) for key, value in overrides.items()}}


@dataclass(frozen=True)
class Need:
    entry_id: int
    household_size: int
    income_per_capita: Decimal
    area_per_capita: Decimal
    disability: bool
    elderly: bool
    subsistence: bool
    qualified_on: dt.date


def _share(value: Decimal, line: Decimal) -> Decimal:
    if line <= 0:
        return Decimal(0)
    return max(Decimal(0), Decimal(1) - value / line)


def months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


def score(need: Need, *, today: dt.date, w: dict[str, Decimal] | None = None) -> Decimal:
    w = w or weights()
    points = w["income_points"] * _share(need.income_per_capita, w["income_line"])
    points += w["area_points"] * _share(need.area_per_capita, w["area_line"])
    points += w["member_points"] * min(Decimal(need.household_size), w["member_cap"])
    points += w["disability_points"] if need.disability else 0
    points += w["elderly_points"] if need.elderly else 0
    points += w["subsistence_points"] if need.subsistence else 0
    waited = w["month_points"] * months_between(need.qualified_on, today)
    points += min(waited, w["wait_cap"])
    return points.quantize(Decimal("0.01"))


def lottery_key(seed: str, entry_id: int) -> str:
    return hashlib.sha256(f"{seed}:{entry_id}".encode()).hexdigest()


def order_by_score(scored: list[tuple[Need, Decimal]]) -> list[int]:
    ordered = sorted(scored, key=lambda pair: (-pair[1], pair[0].qualified_on, pair[0].entry_id))
    return [need.entry_id for need, _ in ordered]


def order_by_lottery(seed: str, entry_ids: list[int]) -> list[int]:
    return sorted(entry_ids, key=lambda entry_id: (lottery_key(seed, entry_id), entry_id))
