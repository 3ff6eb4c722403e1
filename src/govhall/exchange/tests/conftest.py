"""A small registry scenario shared by the query tests.

住建局 (the ``clerk``'s department) holds grants on population (without the address) and real
estate, none on income tax, and a registered purpose; 公安局 provides population; the applicant's
household is the applicant, a spouse and a child.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from govhall.accounts.tests.factories import CitizenFactory
from govhall.exchange.tests.factories import (
    GrantFactory,
    PurposeFactory,
    income_resource,
    population_resource,
    real_estate_resource,
    record_put,
)


@pytest.fixture
def registry(applicant, housing_department, police_department):
    population = population_resource(provider=police_department)
    real_estate = real_estate_resource()
    income = income_resource()
    spouse = CitizenFactory(name="王芳")
    child = CitizenFactory(name="张小明")
    stranger = CitizenFactory(name="赵六")
    household = [
        (applicant, "张三", "1", "1985-03-01", "head"),
        (spouse, "王芳", "2", "1986-07-12", "spouse"),
        (child, "张小明", "1", "2012-09-30", "child"),
    ]
    for person, name, sex, birth, relation in household:
        record_put(
            population,
            person.id_number,
            {
                "name": name,
                "sex": sex,
                "birth_date": birth,
                "address": "亳州市谯城区药都路1号",
                "household_number": "341602000123",
                "relation": relation,
            },
        )
    record_put(
        population,
        stranger.id_number,
        {
            "name": "赵六",
            "sex": "1",
            "birth_date": "1970-01-01",
            "address": "亳州市利辛县",
            "household_number": "341623000999",
            "relation": "head",
        },
    )
    record_put(
        real_estate,
        applicant.id_number,
        {
            "certificate_number": "皖(2020)亳州市不动产权第0001号",
            "location": "谯城区A小区1-101",
            "area": 48.5,
            "registered_on": "2020-05-01",
        },
    )
    record_put(
        real_estate,
        applicant.id_number,
        {
            "certificate_number": "皖(2021)亳州市不动产权第0002号",
            "location": "谯城区B小区2-202",
            "area": 20.0,
            "registered_on": "2021-06-01",
        },
    )
    record_put(income, spouse.id_number, {"year": 2025, "annual_income": 30000})
    GrantFactory(
        resource=population,
        consumer=housing_department,
        fields=["name", "sex", "birth_date", "household_number", "relation"],
    )
    GrantFactory(resource=real_estate, consumer=housing_department)
    purpose = PurposeFactory(department=housing_department, reference="YT-2026-ZJJ-0001")
    return SimpleNamespace(
        population=population,
        real_estate=real_estate,
        income=income,
        applicant=applicant,
        spouse=spouse,
        child=child,
        stranger=stranger,
        purpose=purpose,
    )
