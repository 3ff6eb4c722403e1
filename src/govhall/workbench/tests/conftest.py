from __future__ import annotations

import pytest


@pytest.fixture
def no_missing_calendar(monkeypatch):
    monkeypatch.setattr("govhall.workbench.frame.calendar_missing_years", lambda: [])


@pytest.fixture
def missing_2027(monkeypatch):
    monkeypatch.setattr("govhall.workbench.frame.calendar_missing_years", lambda: [2027])
