"""``/api/v1/me/messages``: my in-site messages over the API."""

from __future__ import annotations

import pytest

from govhall.notifications.models import Notification
from govhall.notifications.tests.factories import SiteMessageFactory

MESSAGES = "/api/v1/me/messages"


@pytest.mark.django_db
def test_i_get_my_messages_paginated_newest_first(client_for, applicant, other_applicant):
    older = SiteMessageFactory(recipient=applicant, subject="材料需补正", link="/cases/1/")
    newer = SiteMessageFactory(recipient=applicant, subject="您的办件已受理", read=True)
    SiteMessageFactory(recipient=other_applicant)
    response = client_for(applicant).get(MESSAGES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    item = body["results"][1]
    assert item["subject"] == "材料需补正" and item["link"] == "/cases/1/"
    assert item["event"] == "case.accepted" and item["unread"] is True and item["read_at"] is None
    assert body["results"][0]["unread"] is False
    assert set(item) == {
        "id",
        "event",
        "subject",
        "body",
        "link",
        "related",
        "created_at",
        "read_at",
        "unread",
    }


@pytest.mark.django_db
def test_unread_filter_and_page_size(client_for, applicant):
    SiteMessageFactory.create_batch(3, recipient=applicant)
    SiteMessageFactory(recipient=applicant, read=True)
    client = client_for(applicant)
    assert client.get(MESSAGES, {"unread": "1"}).json()["count"] == 3
    page = client.get(MESSAGES, {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert client.get(f"{MESSAGES}/unread-count").json() == {"unread": 3}
    assert client.get(MESSAGES, {"unread": "maybe"}).status_code == 400


@pytest.mark.django_db
def test_marking_my_message_read(client_for, applicant):
    message = SiteMessageFactory(recipient=applicant)
    client = client_for(applicant)
    response = client.post(f"{MESSAGES}/{message.pk}/read")
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"]
    first_read = Notification.objects.get(pk=message.pk).read_at
    assert client.post(f"{MESSAGES}/{message.pk}/read").status_code == 200
    assert Notification.objects.get(pk=message.pk).read_at == first_read


@pytest.mark.django_db
def test_another_users_message_answers_404(client_for, applicant, other_applicant, clerk):
    message = SiteMessageFactory(recipient=applicant)
    for intruder in (other_applicant, clerk):
        response = client_for(intruder).post(f"{MESSAGES}/{message.pk}/read")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert client_for(intruder).get(MESSAGES).json()["count"] == 0
    assert client_for(applicant).post(f"{MESSAGES}/999999/read").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.django_db
def test_sms_rows_are_not_messages(client_for, applicant):
    sms = Notification.objects.create(
        channel="sms", recipient=applicant, address="13800000000", event="x", subject="s", body="b"
    )
    client = client_for(applicant)
    assert client.get(MESSAGES).json()["count"] == 0
    assert client.post(f"{MESSAGES}/{sms.pk}/read").status_code == 404


@pytest.mark.django_db
def test_read_all(client_for, applicant, other_applicant):
    SiteMessageFactory.create_batch(2, recipient=applicant)
    SiteMessageFactory(recipient=other_applicant)
    response = client_for(applicant).post(f"{MESSAGES}/read-all")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_anonymous_gets_401(api_client, applicant):
    message = SiteMessageFactory(recipient=applicant)
    assert api_client.get(MESSAGES).status_code == 401
    assert api_client.get(f"{MESSAGES}/unread-count").status_code == 401
    assert api_client.post(f"{MESSAGES}/{message.pk}/read").status_code == 401
    assert api_client.post(f"{MESSAGES}/read-all").status_code == 401


@pytest.mark.django_db
def test_the_schema_documents_the_message_endpoints(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me/messages" in paths
    assert "post" in paths["/api/v1/me/messages/{notification_id}/read"]
