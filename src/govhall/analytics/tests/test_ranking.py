"""The ranking follows the formula: Σ weight × normalised figure, no eval."""

from __future__ import annotations

import pytest

from govhall.analytics import selectors
from govhall.analytics.models import RankingFormula
from govhall.analytics.ranking import rank, weights_clean
from govhall.analytics.services import ranking_formula_save
from govhall.core import errors
from govhall.core.models import AuditEntry

from .conftest import MARCH


def _rows(**figures):
    return [{"key": key, "label": key, "figures": values} for key, values in figures.items()]


def test_score_is_weights_times_normalised_figures():
    rows = _rows(
        a={"on_time_rate": 1.0, "overdue": 0},
        b={"on_time_rate": 0.5, "overdue": 4},
        c={"on_time_rate": None, "overdue": 2},
    )
    ranked = rank(rows, {"on_time_rate": 40, "overdue": -20})
    scores = {row["key"]: row["score"] for row in ranked}
    # rates as they are; counts divided by the largest (4); a missing rate counts 0
    assert scores == {"a": 40.0, "b": 20.0 - 20.0, "c": -10.0}
    assert [row["key"] for row in ranked] == ["a", "b", "c"]
    assert [row["rank"] for row in ranked] == [1, 2, 3]


def test_changing_a_weight_changes_the_order():
    rows = _rows(a={"on_time_rate": 0.9, "overdue": 5}, b={"on_time_rate": 0.6, "overdue": 0})
    assert rank(rows, {"on_time_rate": 100, "overdue": -10})[0]["key"] == "a"
    assert rank(rows, {"on_time_rate": 10, "overdue": -100})[0]["key"] == "b"


def test_ties_share_a_rank():
    ranked = rank(_rows(a={"refused": 1}, b={"refused": 1}, c={}), {"refused": 10})
    assert [row["rank"] for row in ranked] == [1, 1, 3]


@pytest.mark.parametrize(
    "weights",
    [
        {},
        [],
        {"__import__('os')": 1},
        {"on_time_rate": "40"},
        {"on_time_rate": True},
        {"overdue": 10**9},
        {"overdue": float("nan")},
    ],
)
def test_bad_weights_are_refused(weights):
    with pytest.raises(errors.ValidationError):
        weights_clean(weights)


@pytest.mark.django_db
def test_only_admins_save_formulas_and_one_stays_active(admin_user, supervisor):
    with pytest.raises(errors.PermissionDenied):
        ranking_formula_save(actor=supervisor, name="x", weights={"overdue": -1}, active=True)
    first = ranking_formula_save(actor=admin_user, name="甲", weights={"overdue": -1}, active=True)
    second = ranking_formula_save(
        actor=admin_user, name="乙", weights={"on_time_rate": 50}, active=True
    )
    assert list(RankingFormula.objects.filter(active=True)) == [second]
    first.refresh_from_db()
    assert first.active is False
    assert AuditEntry.objects.filter(action="analytics.ranking_formula_save").count() == 2


@pytest.mark.django_db
def test_the_active_formula_ranks_the_fixture_city(city, admin_user):
    ranking_formula_save(actor=admin_user, name="只看收件", weights={"received": 10}, active=True)
    ranking = selectors.stats_ranking(actor=admin_user, period=MARCH)
    assert ranking.formula_name == "只看收件"
    # 住建局 received 7 (the largest: 1.0 × 10), 公安局 1 (1/7 × 10)
    assert [(row["key"], row["score"]) for row in ranking.rows] == [
        (city.housing.pk, 10.0),
        (city.police.pk, round(10 / 7, 2)),
    ]
