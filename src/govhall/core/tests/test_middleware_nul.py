"""A NUL character in a path, query string or form/JSON body is a 400, never a database error."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/items/%00/prefill", "/api/v1/regions?parent=34%00", "/catalog/?q=%00"],
)
def test_nul_in_path_or_query_is_refused(client, path):
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "invalid_characters"


def test_nul_in_a_json_body_is_refused(client_for, applicant):
    body = json.dumps({"item": "a\u0000b"})
    response = client_for(applicant).post(
        "/api/v1/applications", body, content_type="application/json"
    )
    assert response.status_code == 400


def test_nul_in_a_posted_form_is_refused(client):
    response = client.post(
        "/login/", "username=a%00b&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_ordinary_requests_pass(client):
    assert client.get("/api/v1/regions?parent=341600000000").status_code == 200
