"""The SQL rules of the PostgreSQL path against python-stdnum and the portable validator.

The check characters of GB 11643 and GB 32100 are hand-written in SQL (migration 0002) because
python-stdnum cannot run inside the database; these property tests prove them equal to stdnum
over random valid and corrupted identifiers. PostgreSQL only.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from govhall.exchange.ingest import values as V

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the SQL functions of migration 0002 exist on PostgreSQL only",
    ),
]
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TODAY = dt.date(2026, 6, 30)
DIGITS = "0123456789"


def sql_values(expression: str, values: list[str]) -> list:
    """``expression`` over ``v`` for every value, in one query, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression} FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
            [values],
        )
        return [row[0] for row in cursor.fetchall()]


def _date_body(draw_random: random.Random) -> str:
    day = dt.date(1900, 1, 1) + dt.timedelta(days=draw_random.randrange(50_000))
    return day.strftime("%Y%m%d")


id_bodies = st.text(alphabet=DIGITS, min_size=17, max_size=17)
uscc_bodies = st.builds(
    lambda head, tail: head + tail,
    st.text(alphabet=DIGITS, min_size=8, max_size=8),
    st.text(alphabet=V.USCC_ALPHABET, min_size=9, max_size=9),
)


@PROPERTY
@given(st.lists(id_bodies, min_size=1, max_size=200))
def test_the_sql_id_check_digit_is_stdnums(bodies):
    expected = [ric.calc_check_digit(body + "0") for body in bodies]
    assert sql_values("govhall_ric_check_char(v)", bodies) == expected


@PROPERTY
@given(st.lists(uscc_bodies, min_size=1, max_size=200))
def test_the_sql_uscc_check_character_is_stdnums(bodies):
    expected = [uscc.calc_check_digit(body) for body in bodies]
    assert sql_values("govhall_uscc_check_char(v)", bodies) == expected


def _corruptions(valid: str, alphabet: str, rnd: random.Random) -> list[str]:
    """A valid identifier, and the typos a person makes: one character, a swap, a cut, a stray."""
    position = rnd.randrange(len(valid))
    other = rnd.choice(alphabet.replace(valid[position], ""))
    swapped = list(valid)
    i = rnd.randrange(len(valid) - 1)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    return [
        valid,
        valid[:position] + other + valid[position + 1 :],
        "".join(swapped),
        valid[:-1],
        valid + rnd.choice(alphabet),
        valid[:position] + rnd.choice("xOIZ 中-") + valid[position + 1 :],
    ]


@PROPERTY
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=40))
def test_sql_and_python_agree_on_id_numbers_valid_and_corrupted(rnd, count):
    values = []
    for _ in range(count):
        region = "".join(rnd.choice(DIGITS) for _ in range(6))
        body = region + _date_body(rnd) + "".join(rnd.choice(DIGITS) for _ in range(3))
        if rnd.random() < 0.2:  # impossible dates: month 13, day 30 of February, year 0000
            body = (
                body[:6] + rnd.choice(["19901301", "20230229", "00000101", "20991231"]) + body[14:]
            )
        values.extend(_corruptions(body + ric.calc_check_digit(body + "0"), DIGITS + "X", rnd))
    expected = [V.ric_problem(value, TODAY) for value in values]
    found = sql_values(f"govhall_ric_problem(v, '{TODAY:%Y%m%d}')", values)
    assert found == expected


@PROPERTY
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=40))
def test_sql_and_python_agree_on_usccs_valid_and_corrupted(rnd, count):
    values = []
    for _ in range(count):
        body = "".join(rnd.choice(DIGITS) for _ in range(8))
        body += "".join(rnd.choice(V.USCC_ALPHABET) for _ in range(9))
        values.extend(_corruptions(body + uscc.calc_check_digit(body), V.USCC_ALPHABET, rnd))
    assert sql_values("govhall_uscc_problem(v)", values) == [V.uscc_problem(v) for v in values]


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
            st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
            st.text(alphabet="0123456789-/ ", max_size=12),
        ),
        min_size=1,
        max_size=100,
    )
)
def test_sql_and_python_agree_on_dates(values):
    assert sql_values("govhall_date_ok(v)", values) == [V.date_ok(v) for v in values]


def test_stdnums_historical_region_check_is_the_documented_difference():
    """A region code unknown to GB/T 2260 passes both validators of ingestion, not stdnum."""
    body = "99999919900101001"
    number = body + ric.calc_check_digit(body + "0")
    assert not ric.is_valid(number)
    assert V.ric_problem(number, TODAY) is None
    assert sql_values(f"govhall_ric_problem(v, '{TODAY:%Y%m%d}')", [number]) == [None]
