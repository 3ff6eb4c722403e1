"""The internal enum against both national code orders."""

from __future__ import annotations

import pytest

from govhall.interaction import satisfaction as sat
from govhall.interaction.models import Satisfaction as S


@pytest.mark.parametrize(
    ("value", "gbt", "interface"),
    [
        (S.VERY_SATISFIED, 1, 5),
        (S.SATISFIED, 2, 4),
        (S.BASIC, 3, 3),
        (S.DISSATISFIED, 4, 2),
        (S.VERY_DISSATISFIED, 5, 1),
    ],
)
def test_both_directions(value, gbt, interface):
    assert sat.to_gbt39046(value) == gbt
    assert sat.from_gbt39046(gbt) == value
    assert sat.to_interface(value) == interface
    assert sat.from_interface(interface) == value


def test_round_trips_and_reversal():
    for value in S:
        assert sat.from_gbt39046(sat.to_gbt39046(value)) == value
        assert sat.from_interface(sat.to_interface(value)) == value
        assert sat.to_gbt39046(value) + sat.to_interface(value) == 6
    for code in range(1, 6):
        assert sat.to_interface(sat.from_gbt39046(code)) == 6 - code


@pytest.mark.parametrize("code", [0, 6, -1, "1", 1.0, True, None])
def test_bad_codes_are_refused(code):
    with pytest.raises(ValueError):
        sat.from_gbt39046(code)
    with pytest.raises(ValueError):
        sat.from_interface(code)


def test_good_and_bad_partition_the_grades():
    assert set(S) == sat.GOOD | sat.BAD and not sat.GOOD & sat.BAD
    assert {S.DISSATISFIED, S.VERY_DISSATISFIED} == sat.BAD
    assert sat.is_bad("dissatisfied") and not sat.is_bad("basic")
