"""The figures against a hand count of the fixture city (tests/conftest.py).

住建局, March 2026 (2026-03-02 .. 2026-03-31), promised limit 10 working days:

| case | received | accepted | closed | status | used days | notes |
|---|---|---|---|---|---|---|
| c0 | 03-31 23:30 | – | – | submitted | – | last minute of the period |
| c1 | 03-02 | 03-02 | 03-09 | completed on time | 5 | |
| c2 | 03-03 | 03-03 | 03-20 | completed late | 13 | window, not online |
| c3 | 03-04 | – | 03-05 | refused | – | |
| c4 | 03-05 | – | – | correction | – | told to correct |
| c5 | 03-06 | 03-06 | – | processing, due 03-20 | – | open past due |
| c6 | 03-09 | 03-09 | 03-12 | denied on time | 3 | |
| c7 | 02-26 | 02-27 | 03-10 | completed on time | 8 | before the period; 02-28 调休 |
| c9 | 04-01 00:00 | – | – | submitted | – | first minute after the period |

received 7 (c0-c6); accepted 4 (c1 c2 c5 c6); completed 3 (c1 c2 c7); closed 4 (+ c6);
on time 3/4; days 5, 13, 3, 8 → mean 7.25, p90 (nearest rank, 4 values) 13; correction 1/7;
refused 1; overdue 2 (c5 open past due, c2 late); online 6/7. 公安局: c8 received 03-10.
"""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.analytics import selectors
from govhall.analytics.figures import Period, percentile
from govhall.core import errors

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def _row(table, key):
    return next(row["figures"] for row in table.rows if row["key"] == key)


def test_department_figures_match_the_hand_count(city, admin_user):
    table = selectors.stats_table(actor=admin_user, dimension="department", period=MARCH)
    housing = _row(table, city.housing.pk)
    assert {
        k: housing[k]
        for k in (
            "received",
            "accepted",
            "completed",
            "closed",
            "on_time_rate",
            "days_mean",
            "days_p90",
            "promised_mean",
            "correction_rate",
            "refused",
            "overdue",
            "online_share",
        )
    } == {
        "received": 7,
        "accepted": 4,
        "completed": 3,
        "closed": 4,
        "on_time_rate": 0.75,
        "days_mean": 7.25,
        "days_p90": 13,
        "promised_mean": 10.0,
        "correction_rate": round(1 / 7, 4),
        "refused": 1,
        "overdue": 2,
        "online_share": round(6 / 7, 4),
    }
    police = _row(table, city.police.pk)
    assert (police["received"], police["completed"], police["on_time_rate"]) == (1, 0, None)


def test_item_figures_split_by_item(city, admin_user):
    table = selectors.stats_table(actor=admin_user, dimension="item", period=MARCH)
    assert _row(table, city.item.item_id)["received"] == 7
    assert _row(table, city.police_item.item_id)["received"] == 1
    assert {row["label"] for row in table.rows} == {city.item.name, city.police_item.name}


def test_period_boundaries_are_whole_days_in_the_city_time_zone(city, admin_user):
    def received(start, end):
        table = selectors.stats_table(
            actor=admin_user, dimension="department", period=Period(start, end)
        )
        return _row(table, city.housing.pk)["received"]

    assert received(dt.date(2026, 3, 31), dt.date(2026, 3, 31)) == 1  # c0 at 23:30
    assert received(dt.date(2026, 4, 1), dt.date(2026, 4, 1)) == 1  # c9 at 00:00
    assert received(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == 1  # c7
    assert received(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == 1  # c1


def test_overdue_is_judged_at_the_end_of_the_period(city, admin_user):
    # On 03-19 c5 (due 03-20) is not yet late and c2 (closed 03-20) not yet closed, but it is
    # open past its due date 03-17.
    table = selectors.stats_table(
        actor=admin_user,
        dimension="department",
        period=Period(dt.date(2026, 3, 2), dt.date(2026, 3, 19)),
    )
    assert _row(table, city.housing.pk)["overdue"] == 1


def test_percentile_is_nearest_rank():
    assert percentile([]) is None
    assert percentile([4]) == 4
    assert percentile(list(range(1, 11))) == 9
    assert percentile([5, 13, 3, 8]) == 13


def test_a_reversed_or_too_long_period_is_refused():
    with pytest.raises(errors.ValidationError):
        Period.of(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    with pytest.raises(errors.ValidationError):
        Period.of(dt.date(2020, 1, 1), dt.date(2026, 1, 1))


def test_post_and_person_figures_come_from_the_tasks(
    housing_department, applicant, clerk, reviewer, approver, admin_user, settings
):
    settings.GOVHALL_HOUSING_ONE_APPLICATION = False  # two cases of one applicant on one item
    from govhall.analytics.tests.conftest import _completed
    from govhall.cases.tests.factories import case_accepted, online_item

    item = online_item(housing_department)
    _completed(applicant, item, clerk, reviewer, approver)
    case_accepted(applicant, clerk, item)  # its review task stays open with the reviewer post
    today = Period.of(None, None)
    today = Period(today.end, today.end)
    posts = selectors.stats_table(actor=admin_user, dimension="post", period=today)
    review = _row(posts, "review")
    assert (review["tasks_opened"], review["tasks_done"], review["on_time_rate"]) == (2, 1, 1.0)
    persons = selectors.stats_table(actor=admin_user, dimension="person", period=today)
    assert _row(persons, reviewer.pk)["tasks_done"] == 1
    assert _row(persons, approver.pk)["tasks_done"] == 1
    clerk_row = _row(persons, clerk.pk)
    assert clerk_row["tasks_done"] >= 2 and clerk_row["days_mean"] == 0
