"""Malformed input to the cases API answers 4xx with the error body, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

JUNK = [
    ("post", "/api/v1/applications", {"item": "", "form": "x"}),
    ("post", "/api/v1/applications", {"item": "NO-SUCH-ITEM"}),
    ("post", "/api/v1/applications", {"item": "X" * 500}),
    ("get", "/api/v1/items/NO-SUCH/prefill", None),
    ("get", "/api/v1/items/%00%ff/prefill", None),
    ("post", "/api/v1/applications/999999/submit", None),
    ("patch", "/api/v1/applications/999999", {"form": {}}),
    ("post", "/api/v1/applications/999999/materials", {"material": "x"}),
    ("get", "/api/v1/cases?department=abc", None),
    ("get", "/api/v1/cases?status=%27%3B--&overdue=maybe&scope=everything", None),
    ("get", "/api/v1/cases/NOPE", None),
    ("get", "/api/v1/cases/NOPE/timeline", None),
    ("get", "/api/v1/cases/NOPE/notices/1", None),
    ("post", "/api/v1/cases/NOPE/actions/accept", {"days": "many"}),
    ("get", "/api/v1/tasks?queue=everything", None),
    ("get", "/api/v1/progress", None),
    ("get", "/api/v1/progress?number=" + "9" * 300 + "&name=%3Cscript%3E", None),
    ("post", "/api/v1/payments/callback/simulated", {"order": "x", "amount": "NaN"}),
    ("post", "/api/v1/payments/callback/nobody", {"order": "x"}),
    ("post", "/api/v1/cases/NOPE/delivery/ship", {"tracking_number": ""}),
    ("post", "/api/v1/authorizations/999/revoke", None),
]


@pytest.mark.parametrize(("method", "path", "data"), JUNK)
def test_junk_answers_a_client_error(client_for, applicant, method, path, data):
    response = getattr(client_for(applicant), method)(path, data, format="json")
    assert 400 <= response.status_code < 500, (path, response.status_code)


ACTION_JUNK = [
    {"opinion": "x" * 5000},
    {"days": -3},
    {"days": 10**9},
    {"task": "abc"},
    {"reasons": "not a list"},
    {"missing": [None]},
    {"kind": "torture"},
    {"revision": "old"},
]


@pytest.mark.parametrize(
    "action",
    [
        "accept",
        "refuse",
        "request-correction",
        "extend",
        "suspend",
        "approve",
        "close-overdue",
        "complete",
    ],
)
@pytest.mark.parametrize("data", ACTION_JUNK)
def test_junk_actions_answer_a_client_error(client_for, case, clerk, approver, action, data):
    for actor in (clerk, approver):
        response = client_for(actor).post(
            f"/api/v1/cases/{case.number}/actions/{action}", data, format="json"
        )
        assert response.status_code < 500, (action, data, response.content[:200])
