"""POST /api/v1/exchange/verifications and the batch page: set-based, purpose-bound, logged."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.exchange.models import AccessLogEntry, AccessLogSubject, Grant, VerificationBatch
from govhall.exchange.tests.factories import GrantFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/verifications"


def _body(registry, **overrides):
    body = {
        "purpose": registry.purpose.reference,
        "resources": ["population", "real_estate"],
        "checks": [
            {
                "id": "area",
                "resource": "real_estate",
                "aggregate": "sum",
                "field": "area",
                "op": "lte",
                "value": 60,
            },
            {"id": "no_estate", "resource": "real_estate", "aggregate": "absent"},
        ],
        "subjects": [
            registry.applicant.id_number,
            registry.spouse.id_number,
            registry.child.id_number,
        ],
    }
    body.update(overrides)
    return body


def test_batch_verifies_every_subject_with_checks(registry, clerk, client_for):
    response = client_for(clerk).post(URL, _body(registry), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    results = {row["subject_key"]: row for row in body["results"]}
    applicant = results[registry.applicant.id_number]
    assert applicant["found"] == {"population": 1, "real_estate": 2}
    assert applicant["checks"]["area"] == {"value": 68.5, "passed": False}
    assert applicant["checks"]["no_estate"]["passed"] is False
    assert applicant["status"] == "failed"
    spouse = results[registry.spouse.id_number]
    assert spouse["checks"]["area"]["passed"] is True  # no property: a sum of 0
    assert spouse["status"] == "passed"
    assert body["subject_count"] == 3
    assert body["passed_count"] == 2


def test_batch_reports_invalid_and_unknown_subjects(registry, clerk, client_for):
    from govhall.core.identifiers import id_number_with_check

    unknown = id_number_with_check("34160219900101123")
    body = _body(registry, subjects=[registry.applicant.id_number, "12345", unknown, unknown])
    response = client_for(clerk).post(URL, body, format="json")
    assert response.status_code == 201
    statuses = {row["subject_key"]: row["status"] for row in response.json()["results"]}
    assert statuses == {
        registry.applicant.id_number: "failed",
        unknown: "not_found",
        "12345": "invalid",
    }


def test_batch_is_set_based(registry, clerk, client_for):
    from govhall.exchange.access_log import AccessContext
    from govhall.exchange.services_batch import verifications_run

    many = [registry.applicant.id_number, registry.spouse.id_number, registry.child.id_number]
    with CaptureQueriesContext(connection) as queries:
        verifications_run(
            context=AccessContext(actor=clerk, channel="api"),
            purpose_reference=registry.purpose.reference,
            subjects=many,
            resource_codes=["population", "real_estate"],
            checks=[],
        )
    record_queries = [q for q in queries.captured_queries if "exchange_record" in q["sql"]]
    assert len(record_queries) == 1


def test_batch_is_logged_once_with_every_subject(registry, clerk, client_for):
    client_for(clerk).post(URL, _body(registry), format="json")
    entry = AccessLogEntry.objects.get()
    assert entry.kind == "batch"
    assert entry.subject_count == 3
    assert AccessLogSubject.objects.filter(entry=entry).count() == 3
    assert entry.fields["real_estate"] == ["area"]


def test_batch_results_download_as_csv_and_xlsx(registry, clerk, client_for):
    created = client_for(clerk).post(URL, _body(registry), format="json").json()
    csv_response = client_for(clerk).get(f"{URL}/{created['id']}/results.csv")
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["subject_key", "status", "reason"]
    assert len(rows) == 4
    xlsx = client_for(clerk).get(f"{URL}/{created['id']}/results.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_batch_results_hidden_from_other_departments(registry, clerk, other_clerk, client_for):
    created = client_for(clerk).post(URL, _body(registry), format="json").json()
    assert client_for(other_clerk).get(f"{URL}/{created['id']}").status_code == 404
    assert client_for(other_clerk).get(f"{URL}/{created['id']}/results.csv").status_code == 404
    assert client_for(other_clerk).get(URL).json()["count"] == 0


def test_batch_refused_without_grant_for_a_resource(registry, clerk, client_for):
    response = client_for(clerk).post(
        URL, _body(registry, resources=["population", "income_tax"], checks=[]), format="json"
    )
    assert response.status_code == 403
    assert AccessLogEntry.objects.get().outcome == "refused"
    assert not VerificationBatch.objects.exists()


def test_batch_refused_for_a_check_on_an_ungranted_field(registry, clerk, client_for):
    checks = [
        {"resource": "population", "aggregate": "max", "field": "address", "op": "eq", "value": "x"}
    ]
    response = client_for(clerk).post(URL, _body(registry, checks=checks), format="json")
    assert response.status_code == 403
    assert AccessLogEntry.objects.get().outcome == "refused"


def test_batch_refused_without_purpose(registry, clerk, client_for):
    response = client_for(clerk).post(URL, _body(registry, purpose=""), format="json")
    assert response.status_code == 403


def test_batch_refused_after_revocation(registry, clerk, client_for):
    Grant.objects.update(status=Grant.Status.REVOKED)
    response = client_for(clerk).post(URL, _body(registry), format="json")
    assert response.status_code == 403


def test_oversized_batch_is_413(registry, clerk, client_for, settings):
    settings.GOVHALL_EXCHANGE_BATCH_MAX = 2
    response = client_for(clerk).post(URL, _body(registry), format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "batch_too_large"
    assert AccessLogEntry.objects.get().outcome == "refused"


def test_check_on_an_unknown_field_is_422(registry, clerk, client_for):
    checks = [
        {"resource": "real_estate", "aggregate": "sum", "field": "nope", "op": "lte", "value": 1}
    ]
    response = client_for(clerk).post(URL, _body(registry, checks=checks), format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_check"


def test_bad_check_is_422(registry, clerk, client_for):
    checks = [{"resource": "real_estate", "aggregate": "sum", "field": "area", "op": "lte"}]
    response = client_for(clerk).post(URL, _body(registry, checks=checks), format="json")
    assert response.status_code == 422


@pytest.mark.parametrize("persona", ["applicant", "enterprise", "admin_user"])
def test_batch_refused_for_non_staff(registry, persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).post(
        URL, _body(registry), format="json"
    )
    assert response.status_code == 403


def test_batch_page_runs_and_offers_downloads(registry, clerk, client_as):
    response = client_as(clerk).post(
        "/exchange/batch/",
        {
            "purpose": registry.purpose.reference,
            "resources": ["population", "real_estate"],
            "subjects_text": "\n".join([registry.applicant.id_number, registry.spouse.id_number]),
            "check0_resource": "real_estate",
            "check0_aggregate": "sum",
            "check0_field": "area",
            "check0_op": "lte",
            "check0_value": "60",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert "下载 Excel" in html
    batch = VerificationBatch.objects.get()
    assert batch.failed_count == 1 and batch.passed_count == 1
    download = client_as(clerk).get(f"/exchange/batch/{batch.pk}/results.xlsx")
    assert download.status_code == 200


def test_batch_page_shows_refusal(registry, clerk, client_as):
    response = client_as(clerk).post(
        "/exchange/batch/",
        {"purpose": "NOT-MINE", "resources": ["population"], "subjects_text": "x"},
    )
    assert response.status_code == 403
    assert "用途" in response.content.decode()


def test_batch_page_refuses_citizens(applicant, client_as):
    assert client_as(applicant).get("/exchange/batch/").status_code == 403


def test_batch_page_lists_only_granted_resources(registry, clerk, client_as, housing_department):
    GrantFactory(resource=registry.income, consumer=housing_department, status="requested")
    html = client_as(clerk).get("/exchange/batch/").content.decode()
    assert "不动产登记信息" in html
    assert 'value="income_tax"' not in html
