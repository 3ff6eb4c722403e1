"""Eligibility reads are the exchange's reads: purpose, grants and the access log."""

from __future__ import annotations

import pytest

from govhall.analytics.services_eligibility import (
    eligibility_batch,
    eligibility_explain,
    eligibility_population,
    rules_demo_load,
)
from govhall.analytics.tests.rules_factories import household_put, parameters_make, registries_make
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.services_query import AccessRefused

pytestmark = pytest.mark.django_db
RULE_SET = "public_rental_housing"
CASE = {
    "家庭人数": "2",
    "各成员年收入(元)": "20000;0",
    "房产面积(平方米;按证)": "",
    "车辆购置价(元)": "",
    "企业注册资本(元)": "",
    "户籍地区码": "341602",
    "社保缴费月数": "0",
}


@pytest.fixture
def regs(clerk):
    parameters_make()
    return registries_make(clerk.department)


def test_explain_is_logged_with_its_purpose(regs, clerk):
    key = household_put(regs, CASE)
    result = eligibility_explain(
        actor=clerk, purpose=regs.purpose, subject_key=key, rule_set=RULE_SET
    )
    entry = AccessLogEntry.objects.get(seq=result["access_entry"])
    assert entry.outcome == AccessLogEntry.Outcome.GRANTED
    assert entry.purpose_reference == regs.purpose


@pytest.mark.parametrize("purpose", ["", "YT-0000-NOPE"])
def test_explain_without_purpose_is_refused_and_logged(regs, clerk, purpose):
    key = household_put(regs, CASE)
    with pytest.raises(AccessRefused):
        eligibility_explain(actor=clerk, purpose=purpose, subject_key=key, rule_set=RULE_SET)
    assert AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.REFUSED).count() == 1


def test_a_department_without_grants_is_refused_and_logged(clerk, other_clerk):
    parameters_make()
    regs = registries_make(clerk.department)
    key = household_put(regs, CASE)
    from govhall.exchange.tests.factories import PurposeFactory

    purpose = PurposeFactory(department=other_clerk.department).reference
    for call in (
        lambda: eligibility_explain(
            actor=other_clerk, purpose=purpose, subject_key=key, rule_set=RULE_SET
        ),
        lambda: eligibility_batch(
            actor=other_clerk, purpose=purpose, subject_keys=[key], rule_set=RULE_SET
        ),
        lambda: eligibility_population(actor=other_clerk, purpose=purpose, rule_set=RULE_SET),
    ):
        with pytest.raises(AccessRefused):
            call()
    assert AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.REFUSED).count() == 3
    assert not AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.GRANTED).exists()


def test_a_citizen_is_refused(regs, applicant):
    key = household_put(regs, CASE)
    with pytest.raises(AccessRefused):
        eligibility_batch(
            actor=applicant, purpose=regs.purpose, subject_keys=[key], rule_set=RULE_SET
        )


def test_batch_is_logged_once_naming_the_households(regs, clerk):
    keys = [household_put(regs, CASE) for _ in range(3)]
    before = AccessLogEntry.objects.count()
    result = eligibility_batch(
        actor=clerk, purpose=regs.purpose, subject_keys=keys, rule_set=RULE_SET
    )
    assert [r["outcome"] for r in result.results] == ["eligible"] * 3
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("seq")
    assert entry.kind == AccessLogEntry.Kind.BATCH


def test_population_finds_every_qualifying_household_once(regs, clerk):
    good = [household_put(regs, CASE) for _ in range(2)]
    household_put(regs, CASE | {"车辆购置价(元)": "300000"})
    result = eligibility_population(actor=clerk, purpose=regs.purpose, rule_set=RULE_SET)
    assert len(result.results) == 3
    eligible = {m for r in result.results if r["outcome"] == "eligible" for m in r["members"]}
    assert set(good) <= eligible
    assert AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.GRANTED).count() == 1


def test_demo_parameters_load_once():
    assert rules_demo_load() == (1, 0)
    assert rules_demo_load() == (0, 1)


def test_parameter_sets_are_read_only_in_the_admin(admin_user, client_as):
    rules_demo_load()
    client = client_as(admin_user)
    assert client.get("/admin/analytics/ruleparameterset/").status_code == 200
    assert client.get("/admin/analytics/ruleparameterset/add/").status_code == 403
