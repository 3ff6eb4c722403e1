from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def client_as() -> Callable[..., Client]:
    """``client_as(user)``: a test client with a session for ``user`` (None: anonymous)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend=MODEL_BACKEND)
        return client

    return make


@pytest.fixture
def no_missing_calendar(monkeypatch):
    monkeypatch.setattr("govhall.workbench.frame.calendar_missing_years", lambda: [])


@pytest.fixture
def missing_2027(monkeypatch):
    monkeypatch.setattr("govhall.workbench.frame.calendar_missing_years", lambda: [2027])
