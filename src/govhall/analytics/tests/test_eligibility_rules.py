"""The eligibility rules as a policy officer reads them: every row of
``data/rules/public_rental_housing_cases.csv`` is built as registry records and judged, one
household (explain) and all at once (batch), by condition and overall."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from govhall.analytics.rules import RULES_DIR, rule_set_get
from govhall.analytics.services_eligibility import eligibility_batch, eligibility_explain
from govhall.analytics.tests.rules_factories import household_put, parameters_make, registries_make
from govhall.core import errors

pytestmark = pytest.mark.django_db
RULE_SET = "public_rental_housing"
CASES = list(csv.DictReader((RULES_DIR / "public_rental_housing_cases.csv").open(encoding="utf-8")))
CONDITIONS = [condition.code for condition in rule_set_get(RULE_SET).conditions]


@pytest.fixture
def regs(clerk):
    parameters_make()
    return registries_make(clerk.department)


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_the_readable_cases(regs, clerk, case):
    key = household_put(regs, case)
    explained = eligibility_explain(
        actor=clerk, purpose=regs.purpose, subject_key=key, rule_set=RULE_SET
    )
    expected = {code: case[code] for code in CONDITIONS}
    assert {c: v["status"] for c, v in explained["conditions"].items()} == expected
    assert explained["outcome"] == case["outcome"]
    [batched] = eligibility_batch(
        actor=clerk, purpose=regs.purpose, subject_keys=[key], rule_set=RULE_SET
    ).results
    assert {c: v["status"] for c, v in batched["conditions"].items()} == expected
    assert batched["outcome"] == case["outcome"]


def test_batch_equals_single_results_on_the_same_data(regs, clerk):
    keys = [household_put(regs, case) for case in CASES]
    batch = eligibility_batch(
        actor=clerk, purpose=regs.purpose, subject_keys=keys, rule_set=RULE_SET
    )
    singles = [
        eligibility_explain(actor=clerk, purpose=regs.purpose, subject_key=key, rule_set=RULE_SET)
        for key in keys
    ]
    for one, many in zip(singles, batch.results, strict=True):
        assert one["subject_key"] == many["subject_key"]
        assert one["outcome"] == many["outcome"]
        assert one["conditions"] == many["conditions"]
        assert sorted(one["members"]) == sorted(many["members"])


def test_explanation_names_values_thresholds_and_sources(regs, clerk):
    case = next(c for c in CASES if c["case"] == "area-too-large")
    key = household_put(regs, case)
    explained = eligibility_explain(
        actor=clerk, purpose=regs.purpose, subject_key=key, rule_set=RULE_SET
    )
    [clause] = explained["conditions"]["housing"]["clauses"]
    assert (clause["value"], clause["threshold"]) == (34.62, 15)
    sources = explained["sources"]["housing"]
    assert len(sources) == 2  # one certificate, two owners: counted once in the value
    assert {s["resource"] for s in sources} == {"real_estate"}
    assert all(s["provider"] and s["record_key"] for s in sources)
    assert len(explained["members"]) == 4


def test_parameters_changed_mid_case_keep_the_application_dates_set(regs, clerk):
    parameters_make(dt.date(2026, 7, 1), income_per_capita_max=30000)
    key = household_put(regs, next(c for c in CASES if c["case"] == "single-qualifies"))
    before = eligibility_explain(
        actor=clerk,
        purpose=regs.purpose,
        subject_key=key,
        rule_set=RULE_SET,
        on=dt.date(2026, 6, 30),
    )
    after = eligibility_explain(
        actor=clerk,
        purpose=regs.purpose,
        subject_key=key,
        rule_set=RULE_SET,
        on=dt.date(2026, 7, 1),
    )
    assert before["parameters"]["effective_from"] == "2020-01-01"
    assert before["conditions"]["income"]["status"] == "pass" and before["outcome"] == "eligible"
    assert after["conditions"]["income"]["status"] == "fail" and after["outcome"] == "ineligible"
    batch = eligibility_batch(
        actor=clerk,
        purpose=regs.purpose,
        subject_keys=[key],
        rule_set=RULE_SET,
        on=dt.date(2026, 6, 30),
    )
    assert batch.results[0]["outcome"] == "eligible"


def test_no_parameters_in_force_is_a_422(regs, clerk):
    key = household_put(regs, CASES[0])
    with pytest.raises(errors.ValidationError):
        eligibility_explain(
            actor=clerk,
            purpose=regs.purpose,
            subject_key=key,
            rule_set=RULE_SET,
            on=dt.date(2019, 1, 1),
        )


def test_a_resource_without_grant_makes_its_condition_unknown(clerk):
    parameters_make()
    regs = registries_make(clerk.department, skip=("vehicle",))
    key = household_put(regs, CASES[0])
    explained = eligibility_explain(
        actor=clerk, purpose=regs.purpose, subject_key=key, rule_set=RULE_SET
    )
    assert explained["conditions"]["vehicle"]["status"] == "unknown"
    assert explained["outcome"] == "unknown"


def test_an_applicant_outside_the_population_registry_is_unknown(regs, clerk):
    from govhall.analytics.tests.rules_factories import person_key

    stranger = person_key()
    explained = eligibility_explain(
        actor=clerk, purpose=regs.purpose, subject_key=stranger, rule_set=RULE_SET
    )
    assert explained["outcome"] == "unknown"
    assert {v["status"] for v in explained["conditions"].values()} == {"unknown"}
    [batched] = eligibility_batch(
        actor=clerk, purpose=regs.purpose, subject_keys=[stranger], rule_set=RULE_SET
    ).results
    assert batched["outcome"] == "unknown"


def test_unknown_rule_set_is_a_404(regs, clerk):
    with pytest.raises(errors.NotFound):
        eligibility_explain(actor=clerk, purpose=regs.purpose, subject_key="x", rule_set="nope")
