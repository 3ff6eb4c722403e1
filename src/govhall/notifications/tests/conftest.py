from __future__ import annotations

import pytest

from govhall.notifications.dispatch import dispatch_schedule_forget


@pytest.fixture(autouse=True)
def _forget_scheduled_dispatch():
    # The process remembers the second it scheduled a dispatch job for; a test's rollback
    # removes that job row, so every test starts without the memory.
    dispatch_schedule_forget()
    yield
    dispatch_schedule_forget()
