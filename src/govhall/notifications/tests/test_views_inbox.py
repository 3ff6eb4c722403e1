"""我的消息 (/messages/): only the recipient sees and marks their messages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from govhall.notifications.models import Notification
from govhall.notifications.tests.factories import SiteMessageFactory

INBOX = "/messages/"


@pytest.mark.django_db
def test_the_inbox_shows_only_my_messages_newest_first(client_as, applicant, other_applicant):
    older = SiteMessageFactory(recipient=applicant, subject="材料需补正", link="/cases/1/")
    newer = SiteMessageFactory(recipient=applicant, subject="您的办件已受理")
    SiteMessageFactory(recipient=other_applicant, subject="李四的消息")
    Notification.objects.create(
        channel="sms", recipient=applicant, address="13800000000", event="x", subject="短信标题",
        body="短信",
    )  # fmt: skip
    response = client_as(applicant).get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的消息" in html and "您有 2 条未读消息" in html
    assert "李四的消息" not in html and "短信标题" not in html
    assert html.index(newer.subject) < html.index(older.subject)
    # An unread message opens through "mark read", a read one by a plain link.
    assert 'name="next" value="/cases/1/"' in html
    Notification.objects.filter(pk=older.pk).update(read_at=timezone.now())
    assert 'href="/cases/1/"' in client_as(applicant).get(INBOX).content.decode()


@pytest.mark.django_db
def test_the_unread_filter_hides_read_messages(client_as, applicant):
    SiteMessageFactory(recipient=applicant, subject="未读的消息")
    SiteMessageFactory(recipient=applicant, subject="读过的消息", read=True)
    html = client_as(applicant).get(INBOX, {"unread": "1"}).content.decode()
    assert "未读的消息" in html and "读过的消息" not in html


@pytest.mark.django_db
def test_marking_a_message_read(client_as, applicant):
    message = SiteMessageFactory(recipient=applicant)
    client = client_as(applicant)
    response = client.post(f"/messages/{message.pk}/read/")
    assert response.status_code == 302 and response.url == INBOX
    message.refresh_from_db()
    assert message.read_at is not None
    assert "没有未读消息" in client.get(INBOX).content.decode()


@pytest.mark.django_db
def test_marking_read_can_lead_on_to_the_messages_link_but_not_off_site(client_as, applicant):
    message = SiteMessageFactory(recipient=applicant, link="/cases/341602260001/")
    client = client_as(applicant)
    response = client.post(f"/messages/{message.pk}/read/", {"next": message.link})
    assert response.url == "/cases/341602260001/"
    response = client.post(f"/messages/{message.pk}/read/", {"next": "https://evil.example/"})
    assert response.url == INBOX


@pytest.mark.django_db
def test_another_user_gets_404_marking_my_message_read(client_as, applicant, other_applicant):
    message = SiteMessageFactory(recipient=applicant)
    response = client_as(other_applicant).post(f"/messages/{message.pk}/read/")
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.django_db
def test_mark_all_read_touches_only_my_messages(client_as, applicant, other_applicant):
    SiteMessageFactory.create_batch(3, recipient=applicant)
    theirs = SiteMessageFactory(recipient=other_applicant)
    client = client_as(applicant)
    response = client.post("/messages/read-all/", follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=applicant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_staff_and_enterprises_have_the_same_inbox(client_as, clerk, enterprise):
    SiteMessageFactory(recipient=clerk, subject="您有新的待受理办件")
    SiteMessageFactory(recipient=enterprise, subject="您的企业办件已办结")
    assert "您有新的待受理办件" in client_as(clerk).get(INBOX).content.decode()
    assert "您的企业办件已办结" in client_as(enterprise).get(INBOX).content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client_as, applicant):
    message = SiteMessageFactory(recipient=applicant)
    client = client_as(None)
    response = client.get(INBOX)
    assert response.status_code == 302 and response.url.startswith("/login/")
    response = client.post(f"/messages/{message.pk}/read/")
    assert response.status_code == 302 and "/login/" in response.url
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.django_db
def test_marking_read_needs_post_with_a_csrf_token(applicant):
    message = SiteMessageFactory(recipient=applicant)
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/messages/{message.pk}/read/").status_code == 405
    assert client.post(f"/messages/{message.pk}/read/").status_code == 403
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.django_db
def test_the_inbox_pages_through_many_messages(client_as, applicant):
    SiteMessageFactory.create_batch(25, recipient=applicant)
    client = client_as(applicant)
    first = client.get(INBOX).content.decode()
    assert first.count("data-message=") == 20 and "第 1 / 2 页" in first
    second = client.get(INBOX, {"page": 2}).content.decode()
    assert second.count("data-message=") == 5
