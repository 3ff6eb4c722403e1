from __future__ import annotations

import pytest

from govhall.cases.tests.factories import online_item


@pytest.fixture
def item(housing_department):
    """The published 公租房 item of 住建局 (the department that runs housing)."""
    return online_item(housing_department)


@pytest.fixture
def tenancy_resource(housing_department):
    """``public_housing_tenancy`` as the city publishes it: provider 住建局."""
    from govhall.exchange.access import catalog_cache_clear
    from govhall.exchange.models import Resource
    from govhall.exchange.tests.factories import ResourceFactory
    from govhall.housing.tenancy import TENANCY_FIELDS, TENANCY_RECORD_KEY, TENANCY_RESOURCE

    resource = ResourceFactory(
        code=TENANCY_RESOURCE,
        name="公共租赁住房保障对象信息",
        provider=housing_department,
        sharing_type=Resource.SharingType.CONDITIONAL,
        record_key_field=TENANCY_RECORD_KEY,
        field_specs=TENANCY_FIELDS,
    )
    catalog_cache_clear()
    return resource


@pytest.fixture
def regs(housing_department):
    from govhall.analytics.tests.rules_factories import parameters_make, registries_make

    parameters_make()
    return registries_make(housing_department)


@pytest.fixture
def city(regs, item, approver):
    """Three households: one housed, two waiting; the second waiting one's income then rises
    from 20,000 to 90,000 yuan a year (the limit is 33,600 per person)."""
    from govhall.housing.tests.factories import income_raise, tenant

    housed_user, housed_entry = tenant(regs, item, approver, lease=True)
    waiting_user, waiting_entry = tenant(regs, item, approver)
    richer_user, richer_entry = tenant(regs, item, approver)
    income_raise(regs, richer_user.id_number, "90000")
    return {
        "housed": (housed_user, housed_entry),
        "waiting": (waiting_user, waiting_entry),
        "richer": (richer_user, richer_entry),
    }
