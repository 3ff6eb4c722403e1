"""The interaction pages: portal (ask, complain, my tickets, FAQ, ratings, rating a case, the QR
rating page) and workbench (manage, hotline, one ticket, one rectification), each persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.interaction import services_evaluation, services_tickets
from govhall.interaction.models import Evaluation, Rectification, Ticket

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script>'


def _ticket(actor, department, kind="enquiry", subject="问题"):
    return services_tickets.ticket_create(
        actor=actor, kind=kind, subject=subject, text=HOSTILE, department_id=department.pk
    )


def test_enquiry_page_for_each_persona(client_as, applicant, clerk, housing_department):
    url = reverse("interaction:enquiry")
    assert client_as().get(url).status_code == 200
    anonymous_post = client_as().post(url, {"subject": "x", "text": "x"})
    assert anonymous_post.status_code == 302 and "/login/" in anonymous_post["Location"]
    assert client_as(clerk).post(url, {"subject": "x", "text": "x"}).status_code == 403
    posted = client_as(applicant).post(
        url, {"department": housing_department.pk, "subject": HOSTILE, "text": HOSTILE}
    )
    assert posted.status_code == 302
    ticket = Ticket.objects.get()
    page = client_as(applicant).get(posted["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and HOSTILE not in html and "&lt;script&gt;" in html
    assert ticket.person == applicant and ticket.kind == "enquiry"


def test_enquiry_form_errors(client_as, applicant):
    url = reverse("interaction:enquiry")
    too_long = client_as(applicant).post(url, {"subject": "s", "text": "长" * 2001})
    assert too_long.status_code == 400
    no_department = client_as(applicant).post(url, {"subject": "s", "text": "t"})
    assert no_department.status_code == 422 and "请选择部门或事项" in no_department.content.decode()
    assert not Ticket.objects.exists()


def test_complaint_page_refuses_staff_and_anonymous(client_as, clerk, applicant, submitted_case):
    url = reverse("interaction:complaint")
    assert client_as().get(url).status_code == 302
    assert client_as(clerk).get(url).status_code == 403
    page = client_as(applicant).get(url)
    assert page.status_code == 200 and submitted_case.number in page.content.decode()
    posted = client_as(applicant).post(
        url, {"case": submitted_case.number, "subject": "慢", "text": "太慢"}
    )
    assert posted.status_code == 302
    assert Ticket.objects.get().case == submitted_case


def test_complaint_about_another_persons_case_is_refused(
    client_as, other_applicant, submitted_case
):
    response = client_as(other_applicant).post(
        reverse("interaction:complaint"),
        {"case": submitted_case.number, "subject": "x", "text": "x"},
    )
    assert response.status_code == 400  # not among the person's own cases: not a choice
    assert not Ticket.objects.exists()


def test_ticket_page_only_for_its_person(
    client_as, applicant, other_applicant, clerk, housing_department
):
    ticket = _ticket(applicant, housing_department)
    url = reverse("interaction:ticket", args=[ticket.pk])
    assert client_as().get(url).status_code == 302
    assert client_as(other_applicant).get(url).status_code == 404
    assert client_as(clerk).get(url).status_code == 404
    services_tickets.ticket_answer(actor=clerk, ticket=ticket, answer="答复<b>")
    html = client_as(applicant).get(url).content.decode()
    assert "答复&lt;b&gt;" in html


def test_public_faq_and_ratings(client_as, applicant, clerk, housing_department, bad_review):
    ticket = _ticket(applicant, housing_department)
    services_tickets.ticket_answer(actor=clerk, ticket=ticket, answer="答")
    services_tickets.faq_publish(actor=clerk, ticket=ticket, question="常见<i>问题")
    faq = client_as().get(reverse("interaction:faq"), {"department": housing_department.pk})
    assert faq.status_code == 200 and "常见&lt;i&gt;问题" in faq.content.decode()
    assert client_as().get(reverse("interaction:faq"), {"department": "x"}).status_code == 200
    ratings = client_as().get(reverse("interaction:ratings")).content.decode()
    assert housing_department.name in ratings and "0%" in ratings


def test_case_page_shows_rating_form_once_completed(client_as, applicant, completed_case):
    case_url = reverse("cases:my_case", args=[completed_case.number])
    html = client_as(applicant).get(case_url).content.decode()
    assert 'id="rating-form"' in html
    rate_url = reverse("interaction:case_rate", args=[completed_case.number])
    response = client_as(applicant).post(rate_url, {"grade": "dissatisfied", "text": HOSTILE})
    assert response.status_code == 302 and response["Location"] == case_url
    evaluation = Evaluation.objects.get()
    assert evaluation.channel == "pc" and Rectification.objects.filter(evaluation=evaluation)
    html = client_as(applicant).get(case_url).content.decode()
    assert HOSTILE not in html and "提交追评" in html
    again = client_as(applicant).post(rate_url, {"grade": "satisfied"})
    assert again.status_code == 409  # a second first rating; the follow-up says so
    assert Evaluation.objects.count() == 1
    followup = client_as(applicant).post(rate_url, {"grade": "satisfied", "followup": "on"})
    assert followup.status_code == 302 and Evaluation.objects.count() == 2


def test_case_page_has_no_rating_before_completion(client_as, applicant, submitted_case):
    html = client_as(applicant).get(reverse("cases:my_case", args=[submitted_case.number]))
    assert 'id="rating-form"' not in html.content.decode()
    rate_url = reverse("interaction:case_rate", args=[submitted_case.number])
    assert client_as(applicant).post(rate_url, {"grade": "satisfied"}).status_code == 409


def test_case_rate_refuses_other_personas(client_as, other_applicant, clerk, completed_case):
    rate_url = reverse("interaction:case_rate", args=[completed_case.number])
    assert client_as().post(rate_url, {"grade": "satisfied"}).status_code == 302
    assert client_as(other_applicant).post(rate_url, {"grade": "satisfied"}).status_code == 404
    assert client_as(clerk).post(rate_url, {"grade": "satisfied"}).status_code == 404
    svg = reverse("interaction:rate_qrcode", args=[completed_case.number])
    assert client_as(other_applicant).get(svg).status_code == 404
    assert not Evaluation.objects.exists()


def test_qr_rating_page(client_as, applicant, completed_case):
    url = reverse("interaction:rate", args=[completed_case.number])
    assert client_as().get(url, {"p": "wrong"}).status_code == 404
    assert client_as().get(url).status_code == 404
    password = completed_case.query_password
    assert client_as().get(url, {"p": password}).status_code == 200
    done = client_as().post(f"{url}?channel=qrcode", {"p": password, "grade": "very_satisfied"})
    assert done.status_code == 200 and 'id="rate-done"' in done.content.decode()
    evaluation = Evaluation.objects.get()
    assert (evaluation.channel, evaluation.applicant) == ("qrcode", applicant)
    twice = client_as().post(url, {"p": password, "grade": "satisfied"})
    assert twice.status_code == 409
    svg = client_as(applicant).get(reverse("interaction:rate_qrcode", args=[completed_case.number]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"


def test_manage_page_for_each_persona(
    client_as, applicant, clerk, other_clerk, housing_department, bad_review
):
    _ticket(applicant, housing_department, subject="住建问题")
    url = reverse("interaction:manage")
    assert client_as().get(url).status_code == 302
    assert client_as(applicant).get(url).status_code == 403
    mine = client_as(clerk).get(url).content.decode()
    assert "住建问题" in mine and bad_review.case.number in mine
    other = client_as(other_clerk).get(url).content.decode()
    assert "住建问题" not in other and bad_review.case.number not in other


def test_hotline_page(client_as, hotline, clerk, housing_department):
    url = reverse("interaction:hotline")
    assert client_as(clerk).get(url).status_code == 403
    assert client_as(hotline).get(url).status_code == 200
    posted = client_as(hotline).post(
        url,
        {
            "kind": "complaint",
            "contact_name": "王大妈",
            "contact_phone": "13900000000",
            "department": housing_department.pk,
            "subject": "来电",
            "text": "办事慢",
        },
    )
    assert posted.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.entered_by) == ("hotline", hotline)


def test_manage_ticket_answer_and_faq(client_as, applicant, clerk, other_clerk, housing_department):
    ticket = _ticket(applicant, housing_department)
    url = reverse("interaction:manage_ticket", args=[ticket.pk])
    assert client_as(other_clerk).get(url).status_code == 404
    assert client_as(applicant).get(url).status_code == 403
    html = client_as(clerk).get(url).content.decode()
    assert HOSTILE not in html and 'id="answer-form"' in html
    assert client_as(clerk).post(url, {"action": "answer", "answer": ""}).status_code == 400
    assert client_as(clerk).post(url, {"action": "answer", "answer": "答"}).status_code == 302
    published = client_as(clerk).post(url, {"action": "faq", "question": "问", "answer": "答"})
    assert published.status_code == 302 and hasattr(Ticket.objects.get(), "faq")


def test_manage_rectification_steps(client_as, bad_review, clerk, other_clerk, supervisor):
    rect = bad_review.rectification
    url = reverse("interaction:manage_rectification", args=[rect.pk])
    assert client_as(other_clerk).get(url).status_code == 404
    assert 'id="verify-form"' in client_as(clerk).get(url).content.decode()
    client = client_as(clerk)
    assert client.post(url, {"step": "callback", "text": "x"}).status_code == 409
    assert client.post(url, {"step": "verify", "text": "属实"}).status_code == 302
    assert (
        client.post(url, {"step": "callback", "text": "已回访", "reached": "on"}).status_code == 302
    )
    resolved = client.post(url, {"step": "resolve", "outcome": "appeal", "text": "恶意差评"})
    assert resolved.status_code == 302
    assert client.post(url, {"step": "review", "upheld": "1", "text": "x"}).status_code == 403
    review = client_as(supervisor).post(url, {"step": "review", "upheld": "1", "text": "成立"})
    assert review.status_code == 302
    rect.refresh_from_db()
    assert rect.state == "closed" and rect.appeal_upheld is True


def test_rectification_service_shortcut_for_follow_up(applicant, completed_case):
    services_evaluation.evaluation_create(actor=applicant, case=completed_case, grade="basic")
    bad = services_evaluation.evaluation_create(
        actor=applicant, case=completed_case, grade="dissatisfied", followup=True
    )
    assert bad.rectification.state == "open"  # a bad follow-up is rectified too


def test_qr_rating_page_is_throttled(client_as, completed_case):
    url = reverse("interaction:rate", args=[completed_case.number])
    client = client_as()
    statuses = {client.get(url, {"p": f"{n:08d}"}).status_code for n in range(31)}
    assert statuses == {404, 429}


def test_rater_phone_is_masked_for_supervisors(client_as, bad_review, clerk, supervisor):
    phone = bad_review.applicant.phone
    assert phone
    url = reverse("interaction:manage_rectification", args=[bad_review.rectification.pk])
    assert phone in client_as(clerk).get(url).content.decode()
    html = client_as(supervisor).get(url).content.decode()
    assert phone not in html and f"{phone[:3]}****{phone[-4:]}" in html
