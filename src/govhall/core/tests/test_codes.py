from __future__ import annotations

import pytest

from govhall.core import errors
from govhall.core.codes import (
    Satisfaction,
    code_table,
    code_tables,
    satisfaction_from_evaluation,
    satisfaction_from_gbt39046,
    satisfaction_to_evaluation,
    satisfaction_to_gbt39046,
)


def test_every_table_names_its_source():
    tables = code_tables()
    assert len(tables) >= 15
    for table in tables:
        assert table.name and table.source and table.codes


def test_item_types_follow_gbt39046():
    table = code_table("item_type")
    assert table.label("01") == "行政许可"
    assert table.label("20") == "公共服务"
    assert "99" not in table
    with pytest.raises(errors.ValidationError):
        table.label("99")


def test_unknown_table_is_not_found():
    with pytest.raises(errors.NotFound):
        code_table("nope")


@pytest.mark.parametrize("grade", list(Satisfaction))
def test_satisfaction_maps_both_national_orders_and_round_trips(grade):
    assert satisfaction_from_gbt39046(satisfaction_to_gbt39046(grade)) == grade
    assert satisfaction_from_evaluation(satisfaction_to_evaluation(grade)) == grade
    gbt_label = code_table("satisfaction_gbt39046").label(satisfaction_to_gbt39046(grade))
    evaluation_label = code_table("satisfaction_evaluation").label(
        satisfaction_to_evaluation(grade)
    )
    assert gbt_label == evaluation_label  # the same grade, whichever order it travels in


def test_the_two_orders_are_reversed():
    assert satisfaction_from_gbt39046(1) == Satisfaction.VERY_SATISFIED
    assert satisfaction_from_evaluation(1) == Satisfaction.VERY_DISSATISFIED
    assert Satisfaction.DISSATISFIED.is_bad and not Satisfaction.BASIC.is_bad
    with pytest.raises(errors.ValidationError):
        satisfaction_from_gbt39046(6)


@pytest.mark.django_db
def test_code_tables_api_is_public(api_client):
    listing = api_client.get("/api/v1/codes")
    assert listing.status_code == 200
    assert any(t["key"] == "sharing_type" for t in listing.json())
    detail = api_client.get("/api/v1/codes/case_type")
    assert detail.json()["codes"] == {"1": "即办件", "2": "承诺件", "9": "其他"}
    missing = api_client.get("/api/v1/codes/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
