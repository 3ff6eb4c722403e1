"""Real-name registration checks the name against the population registry, and logs the read."""

from __future__ import annotations

import pytest

from govhall.core.identifiers import id_number_with_check
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.tests.factories import population_resource, record_put

pytestmark = pytest.mark.django_db

NEW_PERSON = id_number_with_check("34160219900101777")


def _register(api_client, name: str, id_number: str = NEW_PERSON):
    return api_client.post(
        "/api/v1/auth/register",
        {
            "kind": "citizen",
            "name": name,
            "id_number": id_number,
            "phone": "13912345678",
            "password": "Str0ng#Passw0rd",
        },
        format="json",
    )


@pytest.fixture
def population(police_department):
    resource = population_resource(provider=police_department)
    record_put(resource, NEW_PERSON, {"name": "钱七", "sex": "1", "household_number": "1"})
    return resource


def test_registration_with_the_registry_name_succeeds_and_is_logged(population, api_client):
    response = _register(api_client, "钱七")
    assert response.status_code == 201, response.content
    entry = AccessLogEntry.objects.get()
    assert entry.purpose_reference == "REALNAME"
    assert entry.actor_label == "system"
    assert entry.subjects.get().subject_key == NEW_PERSON


def test_registration_with_another_name_is_refused(population, api_client):
    response = _register(api_client, "钱八")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "real_name_mismatch"


def test_person_unknown_to_the_city_registry_may_register(population, api_client):
    other = id_number_with_check("34160219910101777")
    assert _register(api_client, "孙九", other).status_code == 201


def test_without_a_population_registry_registration_is_not_checked(api_client):
    assert _register(api_client, "钱八").status_code == 201
    assert not AccessLogEntry.objects.exists()


def test_the_registrant_sees_the_real_name_check_in_my_data(population, api_client):
    from django.contrib.auth import get_user_model

    _register(api_client, "钱七")
    user = get_user_model().objects.get(username=NEW_PERSON)
    api_client.force_authenticate(user=user)
    body = api_client.get("/api/v1/me/data-access").json()
    assert body["count"] == 1
    assert body["results"][0]["purpose_reference"] == "REALNAME"
