"""问 and 诉: enquiries and complaints, their routing and answers, and the FAQ made from them.

A person asks from the portal (picking the department or the item); the 12345 hotline desk
enters a call on someone's behalf and routes it. The answer deadline counts in working days
from the day the ticket is registered (``GOVHALL_ENQUIRY_DAYS`` / ``GOVHALL_COMPLAINT_DAYS``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts.models import User
from govhall.cases.models import Case
from govhall.catalog.models import Item
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.calendar import add_working_days
from govhall.core.identifiers import mask_phone
from govhall.interaction import permissions
from govhall.interaction.models import Faq, Ticket
from govhall.interaction.services_evaluation import clean_text
from govhall.notifications.services import notification_enqueue
from govhall.organizations.models import Department

SUBJECT_MAX = 200


def answer_days(kind: str) -> int:
    if kind == Ticket.Kind.COMPLAINT:
        return settings.GOVHALL_COMPLAINT_DAYS
    return settings.GOVHALL_ENQUIRY_DAYS


def _department(department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = Department.objects.filter(pk=department_id, is_active=True).first()
    if department is None:
        raise errors.ValidationError(_("部门不存在。"), fields={"department": [_("部门不存在。")]})
    return department


def _item(item_code: str) -> Item | None:
    if not item_code:
        return None
    item = (
        Item.objects.filter(implementation_code=item_code, status=Item.Status.ACTIVE)
        .select_related("department")
        .first()
    )
    if item is None:
        raise errors.ValidationError(_("事项不存在。"), fields={"item": [_("事项不存在。")]})
    return item


def _own_case(person: User | None, case_number: str) -> Case | None:
    """A complaint names one of the person's own cases; any other number is refused (422, the
    same answer whether the case exists or not)."""
    if not case_number:
        return None
    case = Case.objects.filter(number=case_number).first()
    if case is None or person is None or case.applicant_id != person.pk:
        raise errors.ValidationError(
            _("只能就本人的办件投诉。"), code="case_not_own", fields={"case": [_("办件不存在。")]}
        )
    return case


def _contact(actor: Any, person: User | None, name: str, phone: str) -> tuple[str, str]:
    if person is not None:
        return person.name, person.phone
    name = clean_text(name, "contact_name", required=True, limit=100)
    phone = clean_text(phone, "contact_phone", required=True, limit=20)
    return name, phone


@transaction.atomic
def ticket_create(
    *,
    actor: Any,
    kind: str,
    subject: str,
    text: str,
    department_id: int | None = None,
    item_code: str = "",
    case_number: str = "",
    person: User | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Ticket:
    """From the portal (``actor`` is the person) or by the hotline desk on someone's behalf
    (``person`` when they have an account, else their name and phone)."""
    if kind not in Ticket.Kind.values:
        raise errors.ValidationError(_("类型无效。"), fields={"kind": [_("类型无效。")]})
    hotline = permissions.is_hotline_staff(actor)
    if not (permissions.is_public_person(actor) or hotline):
        raise errors.PermissionDenied(_("请以个人或企业账户登录后提问。"))
    subject = clean_text(subject, "subject", required=True, limit=SUBJECT_MAX)
    text = clean_text(text, "text", required=True)
    if not hotline:
        person = actor
    name, phone = _contact(actor, person, contact_name, contact_phone)
    item = _item(item_code)
    case = _own_case(person, case_number) if kind == Ticket.Kind.COMPLAINT else None
    department = _department(department_id) or (item.department if item else None)
    if department is None and case is not None:
        department = case.department
    if department is None and not hotline:
        raise errors.ValidationError(
            _("请选择部门或事项。"), fields={"department": [_("请选择部门或事项。")]}
        )
    today = timezone.localdate()
    ticket = Ticket.objects.create(
        kind=kind,
        source=Ticket.Source.HOTLINE if hotline else Ticket.Source.PORTAL,
        person=person,
        contact_name=name,
        contact_phone=phone,
        entered_by=actor if hotline else None,
        department=department,
        routed_at=timezone.now() if department else None,
        item=item,
        case=case,
        subject=subject,
        text=text,
        opened_on=today,
        due_date=add_working_days(today, answer_days(kind)),
    )
    audit_record(
        actor=actor,
        action="ticket_create",
        obj=ticket,
        after={"kind": kind, "department": ticket.department_id, "source": ticket.source},
        extra={"phone": mask_phone(phone)} if phone else None,
    )
    return ticket


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def ticket_route(*, actor: Any, ticket: Ticket, department_id: int) -> Ticket:
    """转办: the hotline desk (or the department it reached by mistake) hands it on."""
    ticket = _lock(ticket)
    if not permissions.can_route_ticket(actor, ticket):
        raise errors.PermissionDenied(_("您不能转办此件。"))
    if ticket.state != Ticket.State.OPEN:
        raise errors.Conflict(_("已答复的件不能转办。"), code="wrong_state")
    department = _department(department_id)
    before = ticket.department_id
    ticket.department = department
    ticket.routed_at = timezone.now()
    ticket.save(update_fields=["department", "routed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="ticket_route",
        obj=ticket,
        before={"department": before},
        after={"department": department.pk},
    )
    return ticket


@transaction.atomic
def ticket_answer(*, actor: Any, ticket: Ticket, answer: str) -> Ticket:
    """答复: the department answers; the person sees it on the portal and gets a message."""
    answer = clean_text(answer, "answer", required=True)
    ticket = _lock(ticket)
    if not permissions.can_answer_ticket(actor, ticket):
        raise errors.PermissionDenied(_("只有承办部门可以答复。"))
    if ticket.state != Ticket.State.OPEN:
        raise errors.Conflict(_("已答复。"), code="already_answered")
    ticket.answer = answer
    ticket.answered_at = timezone.now()
    ticket.answered_by = actor
    ticket.state = Ticket.State.ANSWERED
    ticket.save(update_fields=["answer", "answered_at", "answered_by", "state", "updated_at"])
    _notify_answer(ticket)
    audit_record(actor=actor, action="ticket_answer", obj=ticket, after={"state": ticket.state})
    return ticket


def _notify_answer(ticket: Ticket) -> None:
    body = _("您的%(kind)s“%(subject)s”已答复,请登录网上办事大厅查看。") % {
        "kind": ticket.get_kind_display(),
        "subject": ticket.subject[:30],
    }
    notification_enqueue(
        event="interaction.ticket_answered",
        subject=_("咨询投诉答复"),
        body=body,
        recipient=ticket.person,
        phone=ticket.contact_phone,
        link=reverse("interaction:ticket", args=[ticket.pk]) if ticket.person else "",
        related=f"ticket:{ticket.pk}",
        dedupe_key=f"ticket:{ticket.pk}:answered",
    )


@transaction.atomic
def faq_publish(*, actor: Any, ticket: Ticket, question: str = "", answer: str = "") -> Faq:
    """Make a FAQ entry from an answered enquiry; the department may reword both (the person's
    own words and details are not published unless the staff keep them)."""
    ticket = _lock(ticket)
    if not permissions.can_publish_faq(actor, ticket.department_id):
        raise errors.PermissionDenied(_("只有承办部门可以发布常见问题。"))
    if ticket.kind != Ticket.Kind.ENQUIRY or ticket.state == Ticket.State.OPEN:
        raise errors.Conflict(_("只有已答复的咨询可以发布为常见问题。"), code="wrong_state")
    if Faq.objects.filter(ticket=ticket).exists():
        raise errors.Conflict(_("已发布为常见问题。"), code="already_published")
    faq = Faq.objects.create(
        ticket=ticket,
        department_id=ticket.department_id,
        item_id=ticket.item_id,
        question=clean_text(question or ticket.subject, "question", required=True, limit=500),
        answer=clean_text(answer or ticket.answer, "answer", required=True),
        published_by=actor,
    )
    audit_record(actor=actor, action="faq_publish", obj=faq, after={"ticket": ticket.pk})
    return faq


@transaction.atomic
def faq_withdraw(*, actor: Any, faq: Faq) -> Faq:
    faq = Faq.objects.select_for_update().get(pk=faq.pk)
    if not permissions.can_publish_faq(actor, faq.department_id):
        raise errors.PermissionDenied(_("只有本部门可以撤下常见问题。"))
    if not faq.is_published:
        raise errors.Conflict(_("已撤下。"), code="wrong_state")
    faq.is_published = False
    faq.save(update_fields=["is_published", "updated_at"])
    audit_record(actor=actor, action="faq_withdraw", obj=faq)
    return faq
