from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_schema_and_docs_load_without_external_assets(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ["/api/v1/auth/register", "/api/v1/auth/token", "/api/v1/me", "/api/v1/regions"]:
        assert path in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


@pytest.mark.django_db
def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_method_not_allowed_is_in_error_format(client_for, applicant):
    response = client_for(applicant).put("/api/v1/me", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/api/v1/regions", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"
    assert len(client.get("/api/v1/regions")["X-Request-ID"]) == 32
