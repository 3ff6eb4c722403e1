"""Precise push pages and endpoints: the right staff start and read rounds, every other persona
is refused; the preferences page and endpoint act only for the logged-in person."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import CitizenFactory, StaffFactory
from govhall.analytics.models import PushOptOut, PushRound
from govhall.analytics.services_push import push_round_start
from govhall.analytics.tests.rules_factories import household_put, parameters_make, registries_make
from govhall.cases.tests.factories import online_item
from govhall.core.jobs import discover, run_pending
from govhall.organizations.tests.factories import DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db
RULE_SET = "public_rental_housing"
ROUNDS = "/api/v1/push/rounds"
PREFERENCES = "/api/v1/push/preferences"
POOR = {
    "家庭人数": "1",
    "各成员年收入(元)": "20000",
    "房产面积(平方米;按证)": "",
    "车辆购置价(元)": "",
    "企业注册资本(元)": "",
    "户籍地区码": "341602",
    "社保缴费月数": "0",
}
REFUSED = ["clerk", "other_clerk", "applicant", "enterprise"]


@pytest.fixture(autouse=True)
def _jobs():
    discover()


@pytest.fixture
def city(approver):
    parameters_make()
    regs = registries_make(approver.department)
    version = online_item(approver.department)
    key = household_put(regs, POOR)
    user = CitizenFactory(id_number=key, username=key)
    return SimpleNamespace(regs=regs, item=version.item, purpose=regs.purpose, user=user)


@pytest.fixture
def done_round(city, approver):
    row = push_round_start(actor=approver, rule_set=RULE_SET, item=city.item, purpose=city.purpose)
    run_pending()
    row.refresh_from_db()
    assert row.state == PushRound.State.DONE
    return row


@pytest.fixture
def police_reviewer(police_department):
    return StaffFactory(username="gaj_reviewer", department=police_department, posts=["review"])


@pytest.fixture
def far_supervisor(db):
    region = RegionFactory(code="341700000000", name="池州市")
    department = DepartmentFactory(name="池州市数据资源管理局", region=region)
    return StaffFactory(username="cz_supervisor", department=department, posts=["supervision"])


# --- the workbench page ----------------------------------------------------------------------


def test_approval_staff_start_a_round_and_see_its_reach(city, approver, client_as):
    client = client_as(approver)
    page = client.get(reverse("analytics:push"))
    assert page.status_code == 200
    assert 'name="purpose"' in page.content.decode()

    response = client.post(reverse("analytics:push"), {"purpose": city.purpose, "message": ""})
    row = PushRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("analytics:push_round", args=[row.pk])
    pending = client.get(response["Location"]).content.decode()
    assert 'data-state="pending"' in pending and 'hx-trigger="every 2s"' in pending

    run_pending()
    html = client.get(response["Location"]).content.decode()
    assert 'data-state="done"' in html and "hx-trigger" not in html
    assert '<tr data-count="invited"><th scope="row">' in html
    listing = client.get(reverse("analytics:push")).content.decode()
    assert f'data-round="{row.pk}"' in listing


def test_the_status_refreshes_as_a_fragment(done_round, approver, client_as):
    response = client_as(approver).get(
        reverse("analytics:push_round", args=[done_round.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.startswith('<section id="push-status"') and "<html" not in html


def test_a_refused_start_shows_the_reason(city, reviewer, client_as):
    response = client_as(reviewer).post(reverse("analytics:push"), {"purpose": "YT-NOPE"})
    assert response.status_code == 403
    assert not PushRound.objects.exists()


def test_supervisors_read_rounds_but_cannot_start_one(done_round, supervisor, client_as):
    client = client_as(supervisor)
    page = client.get(reverse("analytics:push"))
    assert page.status_code == 200
    assert 'name="purpose"' not in page.content.decode()
    assert f'data-round="{done_round.pk}"' in page.content.decode()
    assert client.get(reverse("analytics:push_round", args=[done_round.pk])).status_code == 200
    assert client.post(reverse("analytics:push"), {"purpose": "x"}).status_code == 403
    assert PushRound.objects.count() == 1


@pytest.mark.parametrize("persona", REFUSED)
def test_wrong_personas_are_refused_by_the_pages(done_round, request, client_as, persona):
    client = client_as(request.getfixturevalue(persona))
    assert client.get(reverse("analytics:push")).status_code == 403
    assert client.post(reverse("analytics:push"), {"purpose": "x"}).status_code == 403
    assert client.get(reverse("analytics:push_round", args=[done_round.pk])).status_code == 403


def test_rounds_of_other_departments_and_regions_are_not_found(
    done_round, police_reviewer, far_supervisor, client_as
):
    for user in (police_reviewer, far_supervisor):
        client = client_as(user)
        url = reverse("analytics:push_round", args=[done_round.pk])
        assert client.get(url).status_code == 404
        assert (
            f'data-round="{done_round.pk}"'
            not in client.get(reverse("analytics:push")).content.decode()
        )


def test_anonymous_visitors_go_to_login(done_round, client_as):
    client = client_as(None)
    for url in (reverse("analytics:push"), reverse("analytics:push_round", args=[done_round.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- the API -----------------------------------------------------------------------------------


def test_the_api_starts_a_round_and_reports_its_counts(city, approver, client_for):
    client = client_for(approver)
    response = client.post(ROUNDS, {"purpose": city.purpose}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "pending" and body["item"] == city.item.implementation_code
    run_pending()
    detail = client.get(f"{ROUNDS}/{body['id']}").json()
    assert detail["state"] == "done"
    assert detail["counts"]["invited"] == 1 and detail["counts"]["qualifying"] == 1
    listing = client.get(ROUNDS).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == body["id"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [({}, 400), ({"purpose": "x", "rule_set": "nope"}, 404), ({"purpose": "x", "item": "NO"}, 404)],
)
def test_bad_start_input_is_a_4xx(city, approver, client_for, payload, status):
    response = client_for(approver).post(ROUNDS, payload, format="json")
    assert response.status_code == status
    assert "error" in response.json()


@pytest.mark.parametrize("persona", REFUSED)
def test_wrong_personas_are_refused_by_the_api(done_round, request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(ROUNDS).status_code == 403
    assert client.post(ROUNDS, {"purpose": "x"}, format="json").status_code == 403
    assert client.get(f"{ROUNDS}/{done_round.pk}").status_code == 403


def test_supervisors_and_admins_cannot_start_by_the_api(city, supervisor, admin_user, client_for):
    for user in (supervisor, admin_user):
        response = client_for(user).post(ROUNDS, {"purpose": city.purpose}, format="json")
        assert response.status_code == 403
        assert client_for(user).get(ROUNDS).status_code == 200


def test_other_departments_rounds_are_404_by_the_api(done_round, police_reviewer, client_for):
    client = client_for(police_reviewer)
    assert client.get(f"{ROUNDS}/{done_round.pk}").status_code == 404
    assert client.get(ROUNDS).json()["count"] == 0


def test_anonymous_api_is_refused(done_round, api_client):
    assert api_client.get(ROUNDS).status_code in {401, 403}
    assert api_client.get(f"{ROUNDS}/{done_round.pk}").status_code in {401, 403}
    assert api_client.get(PREFERENCES).status_code in {401, 403}


# --- preferences -------------------------------------------------------------------------------


def test_a_citizen_opts_out_and_back_in_on_the_page(applicant, other_applicant, client_as):
    client = client_as(applicant)
    url = reverse("analytics:push_preferences")
    assert client.get(url).status_code == 200
    # a field naming another person is ignored: the page acts for the logged-in person only
    response = client.post(
        url, {"topic": RULE_SET, "opted_out": "1", "id_number": other_applicant.id_number}
    )
    assert response.status_code == 302
    assert list(PushOptOut.objects.values_list("id_number", "topic")) == [
        (applicant.id_number, RULE_SET)
    ]
    html = client.get(url).content.decode()
    assert f'data-topic="{RULE_SET}" data-opted-out="1"' in html
    client.post(url, {"topic": RULE_SET, "opted_out": "0"})
    assert not PushOptOut.objects.exists()


def test_the_preferences_page_needs_a_logged_in_citizen(client_as, clerk, enterprise):
    url = reverse("analytics:push_preferences")
    response = client_as(None).get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client_as(None).post(url, {"topic": "", "opted_out": "1"}).status_code == 302
    for user in (clerk, enterprise):
        assert client_as(user).get(url).status_code == 403
        assert client_as(user).post(url, {"topic": "", "opted_out": "1"}).status_code == 403
    assert not PushOptOut.objects.exists()


def test_the_preferences_api(applicant, clerk, client_for):
    client = client_for(applicant)
    body = client.post(PREFERENCES, {"topic": "", "opted_out": True}, format="json").json()
    assert {row["topic"]: row["opted_out"] for row in body["topics"]}[""] is True
    assert client.get(PREFERENCES).json() == body
    assert PushOptOut.objects.get().id_number == applicant.id_number
    assert client_for(clerk).get(PREFERENCES).status_code == 403
    bad = client.post(PREFERENCES, {"topic": "nope", "opted_out": True}, format="json")
    assert bad.status_code == 422
