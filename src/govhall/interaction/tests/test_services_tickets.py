"""问 and 诉: creating, routing, answering, who sees what, FAQ entries."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govhall.core import errors
from govhall.core.calendar import add_working_days
from govhall.interaction import deadlines, selectors
from govhall.interaction import services_tickets as svc
from govhall.interaction.models import Ticket
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _enquiry(actor, department, **kwargs):
    return svc.ticket_create(
        actor=actor,
        kind="enquiry",
        subject="公租房申请条件",
        text="家庭收入多少可以申请?",
        department_id=department.pk,
        **kwargs,
    )


def test_portal_enquiry_is_routed_with_its_deadline(applicant, housing_department):
    ticket = _enquiry(applicant, housing_department)
    assert ticket.person == applicant and ticket.source == "portal"
    assert ticket.department == housing_department
    assert ticket.due_date == add_working_days(timezone.localdate(), 5)
    complaint = svc.ticket_create(
        actor=applicant,
        kind="complaint",
        subject="窗口推诿",
        text="多次往返",
        department_id=housing_department.pk,
    )
    assert complaint.due_date == add_working_days(timezone.localdate(), 10)
    assert {row["id"] for row in deadlines.open_tickets("complaint")} == {complaint.pk}


def test_a_department_or_item_is_required_from_the_portal(applicant):
    with pytest.raises(errors.ValidationError):
        svc.ticket_create(actor=applicant, kind="enquiry", subject="问", text="问")


def test_item_picks_the_department(applicant, item, housing_department):
    ticket = svc.ticket_create(
        actor=applicant,
        kind="enquiry",
        subject="问",
        text="问",
        item_code=item.item.implementation_code,
    )
    assert ticket.department == housing_department and ticket.item == item.item


def test_staff_of_a_department_cannot_file_from_the_portal(clerk, housing_department):
    with pytest.raises(errors.PermissionDenied):
        _enquiry(clerk, housing_department)


def test_hotline_enters_on_behalf_and_routes(hotline, housing_department, clerk, other_clerk):
    ticket = svc.ticket_create(
        actor=hotline,
        kind="complaint",
        subject="来电投诉",
        text="办事慢",
        contact_name="王大妈",
        contact_phone="13900000000",
    )
    assert ticket.source == "hotline" and ticket.department is None and ticket.person is None
    with pytest.raises(errors.PermissionDenied):
        svc.ticket_route(actor=other_clerk, ticket=ticket, department_id=housing_department.pk)
    ticket = svc.ticket_route(actor=hotline, ticket=ticket, department_id=housing_department.pk)
    assert selectors.ticket_get(actor=clerk, ticket_id=ticket.pk) == ticket
    svc.ticket_answer(actor=clerk, ticket=ticket, answer="已督促办理")
    sms = Notification.objects.get(event="interaction.ticket_answered", channel="sms")
    assert sms.address == "13900000000"


def test_hotline_needs_a_contact(hotline):
    with pytest.raises(errors.ValidationError):
        svc.ticket_create(actor=hotline, kind="enquiry", subject="问", text="问")


def test_answer_is_visible_only_to_the_person_and_the_department(
    applicant, other_applicant, clerk, other_clerk, housing_department
):
    ticket = _enquiry(applicant, housing_department)
    with pytest.raises(errors.PermissionDenied):
        svc.ticket_answer(actor=other_clerk, ticket=ticket, answer="x")
    svc.ticket_answer(actor=clerk, ticket=ticket, answer="人均月收入低于标准即可")
    with pytest.raises(errors.Conflict):
        svc.ticket_answer(actor=clerk, ticket=ticket, answer="again")
    mine = selectors.ticket_get(actor=applicant, ticket_id=ticket.pk)
    assert mine.state == "answered" and mine.answer.startswith("人均")
    for actor in (other_applicant, other_clerk):
        with pytest.raises(errors.NotFound):
            selectors.ticket_get(actor=actor, ticket_id=ticket.pk)
        assert not selectors.ticket_list(actor=actor).exists()
    assert not deadlines.open_tickets("enquiry").exists()


def test_complaint_about_my_case_and_not_someone_elses(applicant, other_applicant, submitted_case):
    ticket = svc.ticket_create(
        actor=applicant,
        kind="complaint",
        subject="进度慢",
        text="一直没受理",
        case_number=submitted_case.number,
    )
    assert ticket.case == submitted_case and ticket.department == submitted_case.department
    with pytest.raises(errors.ValidationError) as refused:
        svc.ticket_create(
            actor=other_applicant,
            kind="complaint",
            subject="x",
            text="x",
            case_number=submitted_case.number,
        )
    assert refused.value.code == "case_not_own"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("subject", "text"), [("长" * 201, "内容"), ("标题", "长" * 2001), ("", "内容"), ("标题", "  ")]
)
def test_oversized_or_empty_text_is_refused(applicant, housing_department, subject, text):
    with pytest.raises(errors.ValidationError):
        svc.ticket_create(
            actor=applicant,
            kind="complaint",
            subject=subject,
            text=text,
            department_id=housing_department.pk,
        )


def test_good_answer_becomes_public_faq(applicant, clerk, other_clerk, housing_department):
    ticket = _enquiry(applicant, housing_department)
    with pytest.raises(errors.Conflict):  # not answered yet
        svc.faq_publish(actor=clerk, ticket=ticket)
    svc.ticket_answer(actor=clerk, ticket=ticket, answer="见申请指南")
    with pytest.raises(errors.PermissionDenied):
        svc.faq_publish(actor=other_clerk, ticket=ticket)
    faq = svc.faq_publish(actor=clerk, ticket=ticket, question="公租房申请条件是什么?")
    assert list(selectors.faq_list(department_id=housing_department.pk)) == [faq]
    with pytest.raises(errors.Conflict):
        svc.faq_publish(actor=clerk, ticket=ticket)
    svc.faq_withdraw(actor=clerk, faq=faq)
    assert not selectors.faq_list().exists()
