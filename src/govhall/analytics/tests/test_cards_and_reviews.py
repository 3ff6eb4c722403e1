"""Yellow and red cards (supervision.Alert) and 好差评 (interaction.Evaluation / Rectification)
in the figures. The rows are written directly: analytics only reads them."""

from __future__ import annotations

import pytest

from govhall.analytics import selectors
from govhall.interaction.models import Evaluation, Rectification, Satisfaction
from govhall.supervision.models import Alert

from .conftest import MARCH, at

pytestmark = pytest.mark.django_db


def _alert(case, level, raised, *, source_id, post="review", handler=None):
    return Alert.objects.create(
        level=level,
        kind=Alert.Kind.DEADLINE,
        source="task",
        source_id=source_id,
        case=case,
        item=case.item,
        department=case.department,
        region_code=case.region_code,
        post_id=post,
        handler=handler,
        raised_at=at(raised),
    )


def _evaluation(case, grade, day, *, stage="completion", followup=False):
    evaluation = Evaluation.objects.create(
        case=case,
        applicant=case.applicant,
        department=case.department,
        item=case.item,
        stage=stage,
        grade=grade,
        channel="pc",
        is_followup=followup,
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(created_at=at(day))
    return evaluation


@pytest.fixture
def reviews(city, reviewer):
    _c0, c1, c2, _c3, _c4, c5, c6, c7, c8, _c9 = city.cases
    _alert(c5, "yellow", "2026-03-19", source_id=1, handler=reviewer)
    _alert(c5, "red", "2026-03-23", source_id=2, handler=reviewer)
    _alert(c2, "red", "2026-03-18", source_id=3)
    _alert(c2, "reminder", "2026-03-10", source_id=4)
    _alert(c7, "red", "2026-02-27", source_id=5)  # before the period
    _alert(c8, "yellow", "2026-03-11", source_id=6, post="acceptance")
    _evaluation(c1, Satisfaction.VERY_SATISFIED, "2026-03-09")
    _evaluation(c6, Satisfaction.BASIC, "2026-03-12")
    _evaluation(c7, Satisfaction.SATISFIED, "2026-03-11")
    bad = _evaluation(c2, Satisfaction.DISSATISFIED, "2026-03-20")
    worse = _evaluation(c2, Satisfaction.VERY_DISSATISFIED, "2026-03-25", followup=True)
    _evaluation(c1, Satisfaction.VERY_DISSATISFIED, "2026-04-02", stage="acceptance")  # after
    for evaluation, state in ((bad, "closed"), (worse, "called_back")):
        Rectification.objects.create(
            evaluation=evaluation,
            case=evaluation.case,
            department=evaluation.department,
            state=state,
            opened_on=evaluation.created_at.date(),
            due_date="2026-04-10",
        )
    Rectification.objects.filter(evaluation=bad).update(opened_on="2026-03-20")
    Rectification.objects.filter(evaluation=worse).update(opened_on="2026-03-25")
    return city


def _row(table, key):
    return next(row["figures"] for row in table.rows if row["key"] == key)


def test_cards_satisfaction_and_rectification_per_department(reviews, admin_user):
    table = selectors.stats_table(actor=admin_user, dimension="department", period=MARCH)
    housing = _row(table, reviews.housing.pk)
    # yellow: c5; red: c5, c2 (c7's is February; the reminder is no card)
    assert (housing["yellow_cards"], housing["red_cards"]) == (1, 2)
    # five ratings in March: three good (非常满意, 基本满意, 满意), two bad
    assert housing["satisfaction_rate"] == 0.6
    assert housing["bad_review_rate"] == 0.4
    assert housing["rectification_rate"] == 0.5
    police = _row(table, reviews.police.pk)
    assert (police["yellow_cards"], police["red_cards"], police["satisfaction_rate"]) == (
        1,
        0,
        None,
    )
    columns = {column.key for column in table.columns}
    assert {"yellow_cards", "satisfaction_rate", "rectification_rate"} <= columns


def test_cards_per_post_and_person(reviews, admin_user, reviewer):
    posts = selectors.stats_table(actor=admin_user, dimension="post", period=MARCH)
    assert (_row(posts, "review")["yellow_cards"], _row(posts, "review")["red_cards"]) == (1, 2)
    assert _row(posts, "acceptance")["yellow_cards"] == 1
    persons = selectors.stats_table(actor=admin_user, dimension="person", period=MARCH)
    assert (
        _row(persons, reviewer.pk)["yellow_cards"],
        _row(persons, reviewer.pk)["red_cards"],
    ) == (
        1,
        1,
    )


def test_cards_and_reviews_are_scoped(reviews, other_clerk):
    table = selectors.stats_table(actor=other_clerk, dimension="department", period=MARCH)
    assert [row["key"] for row in table.rows] == [reviews.police.pk]
    assert table.rows[0]["figures"]["yellow_cards"] == 1


def test_satisfaction_ranks_departments(reviews, admin_user):
    from govhall.analytics.services import ranking_formula_save

    ranking_formula_save(
        actor=admin_user,
        name="满意度",
        weights={"satisfaction_rate": 100, "red_cards": -10},
        active=True,
    )
    ranking = selectors.stats_ranking(actor=admin_user, period=MARCH)
    scores = {row["key"]: row["score"] for row in ranking.rows}
    # 住建局: 0.6 × 100 − 10 × 2/2; 公安局: no ratings, no red cards
    assert scores == {reviews.housing.pk: 50.0, reviews.police.pk: 0.0}


def test_cards_and_reviews_per_item(reviews, admin_user):
    table = selectors.stats_table(actor=admin_user, dimension="item", period=MARCH)
    item = _row(table, reviews.item.item_id)
    assert (item["red_cards"], item["satisfaction_rate"], item["rectification_rate"]) == (
        2,
        0.6,
        0.5,
    )
