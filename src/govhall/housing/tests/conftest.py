from __future__ import annotations

import pytest

from govhall.cases.tests.factories import online_item


@pytest.fixture
def item(housing_department):
    """The published 公租房 item of 住建局 (the department that runs housing)."""
    return online_item(housing_department)
