"""The supervision pages, persona by persona, and hostile text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.supervision.models import Accountability, Alert

pytestmark = pytest.mark.django_db


def red(task) -> Alert:
    return Alert.objects.get(source="task", source_id=task.pk, level="red")


def pages(task) -> list[str]:
    alert = red(task)
    record = Accountability.objects.get(alert=alert)
    return [
        reverse("supervision:alerts"),
        reverse("supervision:alert_detail", args=[alert.pk]),
        reverse("supervision:accountabilities"),
        reverse("supervision:accountability_detail", args=[record.pk]),
    ]


def test_anonymous_and_citizens_are_refused(swept, client_as, applicant):
    for url in pages(swept):
        response = client_as(None).get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
        assert client_as(applicant).get(url).status_code == 403, url
    alert = red(swept)
    post = reverse("supervision:alert_act", args=[alert.pk, "comment"])
    assert client_as(applicant).post(post, {"text": "x"}).status_code == 403
    assert client_as(None).post(post, {"text": "x"}).status_code == 302


def test_supervisor_board(swept, client_as, supervisor):
    response = client_as(supervisor).get(reverse("supervision:alerts"))
    assert response.status_code == 200
    text = response.content.decode()
    assert swept.case.number in text and "hx-get" in text
    assert response.context["totals"] == {"reminder": 2, "yellow": 2, "red": 2}
    by_department = response.context["groups"]["department"]
    assert by_department[0]["red"] == 2 and by_department[0]["id"] == swept.case.department_id
    by_post = {row["id"]: row for row in response.context["groups"]["post"]}
    assert by_post[swept.post_id]["red"] == 1  # the task's card; the case's has no post
    assert by_post[None]["red"] == 1 and "整件时限" in str(by_post[None]["name"])
    partial = client_as(supervisor).get(
        reverse("supervision:alerts"), {"level": "red"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert partial.context["totals"]["reminder"] == 0


def test_district_supervisor_sees_nothing_of_the_city(swept, client_as, district_supervisor):
    client = client_as(district_supervisor)
    response = client.get(reverse("supervision:alerts"))
    assert response.status_code == 200 and swept.case.number not in response.content.decode()
    assert client.get(reverse("supervision:alerts"), {"region": "341600000000"}).status_code == 404
    for url in pages(swept)[1::2]:
        assert client.get(url).status_code == 404, url


def test_department_reads_its_own_board_only(swept, client_as, reviewer, other_clerk):
    response = client_as(reviewer).get(reverse("supervision:alerts"))
    assert response.status_code == 200 and swept.case.number in response.content.decode()
    assert not response.context["can_supervise"]
    detail = client_as(reviewer).get(pages(swept)[1])
    assert detail.status_code == 200 and "升级督办" not in detail.content.decode()
    post = reverse("supervision:alert_act", args=[red(swept).pk, "acknowledge"])
    assert client_as(reviewer).post(post).status_code == 403
    board = client_as(other_clerk).get(reverse("supervision:alerts"))
    assert swept.case.number not in board.content.decode()
    for url in pages(swept)[1::2]:
        assert client_as(other_clerk).get(url).status_code == 404, url


def test_alert_detail_has_timeline_and_hostile_comment_is_escaped(swept, client_as, supervisor):
    alert = red(swept)
    client = client_as(supervisor)
    hostile = "<script>alert('x')</script>"
    response = client.post(
        reverse("supervision:alert_act", args=[alert.pk, "comment"]), {"text": hostile}
    )
    assert response.status_code == 302
    page = client.get(reverse("supervision:alert_detail", args=[alert.pk])).content.decode()
    assert hostile not in page and "&lt;script&gt;" in page
    assert reverse("cases:case_detail", args=[swept.case.number]) in page
    assert "办理过程" in page  # the case timeline
    empty = client.post(reverse("supervision:alert_act", args=[alert.pk, "comment"]), {"text": ""})
    assert empty.status_code == 422
    bad = client.post(reverse("supervision:alert_act", args=[alert.pk, "explode"]), {})
    assert bad.status_code == 404


def test_decide_page(swept, client_as, supervisor, reviewer):
    record = Accountability.objects.get(alert=red(swept))
    url = reverse("supervision:accountability_decide", args=[record.pk])
    assert client_as(reviewer).post(url, {"decision": "confirmed"}).status_code == 403
    detail = client_as(supervisor).get(
        reverse("supervision:accountability_detail", args=[record.pk])
    )
    assert "逾期" in detail.content.decode()  # the responsibility entry
    assert client_as(supervisor).post(url, {"decision": "dismissed"}).status_code == 422
    response = client_as(supervisor).post(url, {"decision": "confirmed", "reason": "<b>属实</b>"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == "confirmed"
    page = client_as(reviewer).get(reverse("supervision:accountability_detail", args=[record.pk]))
    assert "&lt;b&gt;属实&lt;/b&gt;" in page.content.decode()
