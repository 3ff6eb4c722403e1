"""The demo tests load the city many times; the case history (about 220 cases, 30 s and more)
is made only where it is under test (``test_cases_load``). Elsewhere a stand-in stage only marks
itself loaded (audited once, like the real one), so the other tests keep their expectations."""

from __future__ import annotations

import pytest

from govhall.core.models import AuditEntry


def _marked_only() -> tuple[int, int]:
    loaded = AuditEntry.objects.filter(
        action="demo.load", object_type="demo.stage", object_id="cases"
    ).exists()
    return 0, 0 if loaded else 1


@pytest.fixture(autouse=True)
def _no_case_history(request, monkeypatch):
    if not request.module.__name__.endswith("test_cases_load"):
        monkeypatch.setattr("govhall.demo.services.demo_cases_load", _marked_only)
