"""The department ranking: score = Σ weight × normalised figure, no ``eval``.

Normalisation: rates (0..1) are used as they are; counts and working days are divided by the
largest value among the ranked departments (so 0..1 as well). A figure without data for a
department (no closed case: no on-time rate) contributes nothing. Positive weights reward,
negative ones penalise; the score is rounded to two decimals and departments are ranked by it
(ties share a rank).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govhall.analytics.figures import CASE_COLUMNS
from govhall.core import errors

RANKABLE = {column.key: column for column in CASE_COLUMNS}
MAX_WEIGHT = 1000
# Used while no formula is active.
DEFAULT_WEIGHTS: dict[str, float] = {
    "on_time_rate": 40,
    "satisfaction_rate": 30,
    "overdue": -20,
    "red_cards": -10,
}


def weights_clean(weights: Any) -> dict[str, float]:
    """The weights as ``{figure: number}``; 422 for an unknown figure or a non-number."""
    if not isinstance(weights, dict) or not weights:
        raise errors.ValidationError(
            _("权重应为“指标: 数值”的对照表,至少一项。"), fields={"weights": [_("格式错误")]}
        )
    cleaned: dict[str, float] = {}
    for key, value in weights.items():
        if key not in RANKABLE:
            message = _("未知指标:%(key)s。") % {"key": str(key)[:40]}
            raise errors.ValidationError(message, fields={"weights": [message]})
        if isinstance(value, bool) or not isinstance(value, int | float):
            message = _("指标 %(key)s 的权重应为数值。") % {"key": key}
            raise errors.ValidationError(message, fields={"weights": [message]})
        if abs(value) > MAX_WEIGHT or value != value:  # NaN
            message = _("权重应在 -%(max)s 到 %(max)s 之间。") % {"max": MAX_WEIGHT}
            raise errors.ValidationError(message, fields={"weights": [message]})
        cleaned[key] = float(value)
    return cleaned


def _normalisers(rows: list[dict[str, Any]], weights: dict[str, float]) -> dict[str, float]:
    """The divisor of each figure: 1 for rates, the largest value for counts and days."""
    divisors = {}
    for key in weights:
        if RANKABLE[key].kind == "rate":
            divisors[key] = 1.0
        else:
            largest = max((row["figures"].get(key) or 0 for row in rows), default=0)
            divisors[key] = float(largest) or 1.0
    return divisors


def rank(rows: list[dict[str, Any]], weights: dict[str, float]) -> list[dict[str, Any]]:
    """``rows`` ({"figures": {...}, ...}) with ``score``, ``parts`` and ``rank``, best first."""
    divisors = _normalisers(rows, weights)
    scored = []
    for row in rows:
        parts = {}
        for key, weight in weights.items():
            value = row["figures"].get(key)
            parts[key] = 0.0 if value is None else round(weight * value / divisors[key], 4)
        scored.append({**row, "parts": parts, "score": round(sum(parts.values()), 2)})
    scored.sort(key=lambda r: (-r["score"], str(r.get("label", ""))))
    previous, position = None, 0
    for index, row in enumerate(scored, start=1):
        if row["score"] != previous:
            position, previous = index, row["score"]
        row["rank"] = position
    return scored
