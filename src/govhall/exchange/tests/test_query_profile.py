"""GET /api/v1/exchange/subjects/{key}/profile: grant-limited, purpose-bound, logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.exchange.access_log import AccessContext
from govhall.exchange.models import AccessLogEntry, AccessLogSubject, Grant
from govhall.exchange.selectors_registry import records_of
from govhall.exchange.tests.factories import PurposeFactory, record_put

pytestmark = pytest.mark.django_db


def _profile(client, key, **params):
    return client.get(f"/api/v1/exchange/subjects/{key}/profile", params)


def test_profile_returns_only_granted_fields(registry, clerk, client_for):
    response = _profile(
        client_for(clerk),
        registry.applicant.id_number,
        purpose=registry.purpose.reference,
        resources="population,real_estate",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    (subject,) = body["subjects"]
    (person,) = subject["records"]["population"]
    assert person["data"] == {
        "name": "张三",
        "sex": "1",
        "birth_date": "1985-03-01",
        "household_number": "341602000123",
        "relation": "head",
    }
    assert "address" not in person["data"]  # not granted
    assert person["source"] == registry.population.provider.name
    assert len(subject["records"]["real_estate"]) == 2
    assert body["purpose"]["reference"] == registry.purpose.reference


def test_profile_reports_resources_without_grant_as_withheld(registry, clerk, client_for):
    response = _profile(
        client_for(clerk),
        registry.spouse.id_number,
        purpose=registry.purpose.reference,
        resources="population,income_tax",
    )
    assert response.status_code == 200
    body = response.json()
    assert [w["code"] for w in body["withheld"]] == ["income_tax"]
    assert "income_tax" not in body["subjects"][0]["records"]


def test_profile_refused_without_any_grant_and_refusal_logged(registry, clerk, client_for):
    response = _profile(
        client_for(clerk),
        registry.spouse.id_number,
        purpose=registry.purpose.reference,
        resources="income_tax",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "access_refused"
    entry = AccessLogEntry.objects.get()
    assert entry.outcome == "refused"
    assert entry.actor == clerk
    assert "授权" in entry.reason


def test_profile_refused_without_purpose(registry, clerk, client_for):
    response = _profile(client_for(clerk), registry.applicant.id_number)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "access_refused"
    assert AccessLogEntry.objects.get().outcome == "refused"


def test_profile_refused_for_another_departments_purpose(
    registry, clerk, police_department, client_for
):
    foreign = PurposeFactory(department=police_department)
    response = _profile(client_for(clerk), registry.applicant.id_number, purpose=foreign.reference)
    assert response.status_code == 403
    entry = AccessLogEntry.objects.get()
    assert entry.outcome == "refused"
    assert entry.purpose_reference == foreign.reference


def test_profile_refused_for_unknown_purpose(registry, clerk, client_for):
    response = _profile(client_for(clerk), registry.applicant.id_number, purpose="NO-SUCH-CASE")
    assert response.status_code == 403


def test_profile_refused_after_grant_revoked(registry, clerk, client_for):
    Grant.objects.filter(resource=registry.real_estate).update(status=Grant.Status.REVOKED)
    response = _profile(
        client_for(clerk),
        registry.applicant.id_number,
        purpose=registry.purpose.reference,
        resources="real_estate",
    )
    assert response.status_code == 403


def test_profile_refused_after_grant_expired(registry, clerk, client_for):
    Grant.objects.filter(resource=registry.real_estate).update(
        valid_to="2020-01-01", valid_from="2019-01-01"
    )
    response = _profile(
        client_for(clerk),
        registry.applicant.id_number,
        purpose=registry.purpose.reference,
        resources="real_estate",
    )
    assert response.status_code == 403


def test_department_without_grants_is_refused(registry, supervisor, client_for):
    purpose = PurposeFactory(department=supervisor.department)
    response = _profile(
        client_for(supervisor), registry.applicant.id_number, purpose=purpose.reference
    )
    assert response.status_code == 403


def test_provider_reads_its_own_resource_in_full(registry, other_clerk, client_for):
    purpose = PurposeFactory(department=other_clerk.department)
    response = _profile(
        client_for(other_clerk),
        registry.applicant.id_number,
        purpose=purpose.reference,
        resources="population",
    )
    assert response.status_code == 200
    data = response.json()["subjects"][0]["records"]["population"][0]["data"]
    assert data["address"] == "亳州市谯城区药都路1号"


@pytest.mark.parametrize("persona", ["applicant", "enterprise", "admin_user"])
def test_public_users_and_admins_cannot_query(registry, persona, request, client_for):
    user = request.getfixturevalue(persona)
    response = _profile(
        client_for(user), registry.applicant.id_number, purpose=registry.purpose.reference
    )
    assert response.status_code == 403
    assert AccessLogEntry.objects.get().outcome == "refused"


def test_anonymous_gets_401(registry, api_client):
    response = _profile(api_client, registry.applicant.id_number, purpose="x")
    assert response.status_code == 401
    assert not AccessLogEntry.objects.exists()


def test_invalid_subject_key_is_422(registry, clerk, client_for):
    response = _profile(client_for(clerk), "341602198503011234", purpose=registry.purpose.reference)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_subject"


def test_unknown_resource_is_422(registry, clerk, client_for):
    response = _profile(
        client_for(clerk),
        registry.applicant.id_number,
        purpose=registry.purpose.reference,
        resources="population,nope",
    )
    assert response.status_code == 422


def test_household_members_are_read_and_logged(registry, clerk, client_for):
    response = _profile(
        client_for(clerk),
        registry.applicant.id_number,
        purpose=registry.purpose.reference,
        resources="population",
        household="1",
    )
    assert response.status_code == 200
    keys = [s["subject_key"] for s in response.json()["subjects"]]
    assert keys[0] == registry.applicant.id_number
    assert set(keys) == {
        registry.applicant.id_number,
        registry.spouse.id_number,
        registry.child.id_number,
    }
    entry = AccessLogEntry.objects.get()
    logged = set(AccessLogSubject.objects.filter(entry=entry).values_list("subject_key", flat=True))
    assert logged == set(keys)
    assert entry.fields["population"] == sorted(
        ["name", "sex", "birth_date", "household_number", "relation"]
    )


def test_granted_read_is_logged_with_purpose_and_channel(registry, clerk, client_for):
    _profile(client_for(clerk), registry.applicant.id_number, purpose=registry.purpose.reference)
    entry = AccessLogEntry.objects.get()
    assert entry.outcome == "granted"
    assert entry.channel == "api"
    assert entry.department == clerk.department
    assert entry.purpose_title == registry.purpose.title
    assert entry.subject_count == 1


def test_records_outside_their_validity_are_not_returned(registry, clerk, client_for):
    record_put(
        registry.real_estate,
        registry.spouse.id_number,
        {"certificate_number": "old", "location": "x", "area": 10, "registered_on": "2000-01-01"},
        valid_to="2010-12-31",
    )
    response = _profile(
        client_for(clerk),
        registry.spouse.id_number,
        purpose=registry.purpose.reference,
        resources="real_estate",
    )
    assert response.json()["subjects"][0]["records"]["real_estate"] == []


def test_one_subject_across_resources_is_one_query(registry):
    ids = [registry.population.pk, registry.real_estate.pk, registry.income.pk]
    with CaptureQueriesContext(connection) as queries:
        rows = records_of(
            subject_keys=[registry.applicant.id_number],
            resource_ids=ids,
            on=registry.purpose.valid_to,
        )
    assert len(queries) == 1
    assert len(rows) == 3


def test_refused_call_raises_after_logging_the_refusal(registry, clerk):
    """The service itself (not only the API view) logs the refusal before it raises."""
    from govhall.exchange.services_query import AccessRefused, profile_read

    with pytest.raises(AccessRefused):
        profile_read(
            context=AccessContext(actor=clerk, channel="api"),
            subject_key=registry.applicant.id_number,
            purpose_reference="",
        )
    assert AccessLogEntry.objects.filter(outcome="refused").count() == 1
