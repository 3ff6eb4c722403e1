from __future__ import annotations

import pytest

from govhall.accounts.models import User
from govhall.accounts.services import agent_create, staff_create
from govhall.accounts.tests.factories import PASSWORD
from govhall.core import errors
from govhall.core.identifiers import id_number_with_check
from govhall.core.models import AuditEntry
from govhall.organizations.tests.factories import ServiceCenterFactory


@pytest.mark.django_db
def test_admin_creates_staff_with_posts_audited(admin_user, housing_department):
    user = staff_create(
        actor=admin_user,
        username="zjj_new",
        name="赵六",
        department=housing_department,
        posts=["acceptance", "review"],
        password=PASSWORD,
    )
    assert set(user.posts.values_list("code", flat=True)) == {"acceptance", "review"}
    assert AuditEntry.objects.filter(
        action="accounts.staff_create", object_id=str(user.pk)
    ).exists()


@pytest.mark.django_db
def test_only_administrators_create_staff(clerk, housing_department):
    with pytest.raises(errors.PermissionDenied):
        staff_create(
            actor=clerk,
            username="sneaky",
            name="钱七",
            department=housing_department,
            posts=["approval"],
            password=PASSWORD,
        )
    assert not User.objects.filter(username="sneaky").exists()


@pytest.mark.django_db
def test_staff_with_unknown_post_or_bad_login_is_refused(admin_user, housing_department):
    with pytest.raises(errors.ValidationError):
        staff_create(
            actor=admin_user,
            username="zjj_x",
            name="赵六",
            department=housing_department,
            posts=["king"],
            password=PASSWORD,
        )
    with pytest.raises(errors.ValidationError):
        staff_create(
            actor=admin_user,
            username="1bad",
            name="赵六",
            department=housing_department,
            posts=["review"],
            password=PASSWORD,
        )


@pytest.mark.django_db
def test_agents_belong_to_an_agency_point(admin_user, clerk):
    point = ServiceCenterFactory(name="赵庙村代办点", is_agency_point=True)
    hall = ServiceCenterFactory(name="市政务服务中心")
    id_number = id_number_with_check("34160220010101123")
    agent = agent_create(
        actor=admin_user,
        username="daiban02",
        name="周红梅",
        id_number=id_number,
        phone="13900001111",
        service_center=point,
        password=PASSWORD,
    )
    assert agent.kind == User.Kind.AGENT and agent.service_center == point
    with pytest.raises(errors.ValidationError):
        agent_create(
            actor=admin_user,
            username="daiban03",
            name="周红",
            id_number=id_number,
            phone="13900001111",
            service_center=hall,
            password=PASSWORD,
        )
    with pytest.raises(errors.PermissionDenied):
        agent_create(
            actor=clerk,
            username="daiban04",
            name="周红",
            id_number=id_number,
            phone="13900001111",
            service_center=point,
            password=PASSWORD,
        )
    with pytest.raises(errors.Conflict):
        agent_create(
            actor=admin_user,
            username="daiban05",
            name="周红",
            id_number=id_number,
            phone="13900001111",
            service_center=point,
            password=PASSWORD,
        )
