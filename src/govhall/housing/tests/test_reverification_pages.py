"""Re-verification pages and API: runs with counts, a run's flags with the explanation per
condition, the decision buttons, the tenant's view of their own flag, and who is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.housing import services_reverify as reverify
from govhall.housing.models import ReverificationFlag, ReverificationRun, WaitingEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/housing/reverification"


@pytest.fixture
def run(city, approver):
    return reverify.reverification_run(actor=approver)


def test_staff_start_a_run_and_see_the_flag_explained(city, client_as, approver):
    client = client_as(approver)
    response = client.post(reverse("housing:reverification_start"), {})
    run = ReverificationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("housing:reverification_run", args=[run.pk])
    listing = client.get(reverse("housing:reverification_runs")).content.decode()
    assert f"#{run.pk}" in listing
    page = client.get(response["Location"]).content.decode()
    assert city["richer"][0].name in page
    assert "家庭人均年收入低于标准" in page and "90000" in page and "低于 33600" in page
    assert "保留资格" in page and "终止保障" in page


def test_the_decide_buttons_keep_and_terminate(run, client_as, approver):
    flag = ReverificationFlag.objects.get()
    url = reverse("housing:reverification_decide", args=[flag.pk])
    client = client_as(approver)
    client.post(url, {"decision": "terminate", "opinion": ""})  # an opinion is required
    assert ReverificationFlag.objects.get().state == "open"
    response = client.post(url, {"decision": "terminate", "opinion": "收入超标。"})
    assert response.status_code == 302
    assert ReverificationFlag.objects.get().state == "terminated"
    assert WaitingEntry.objects.get(pk=flag.entry_id).state == WaitingEntry.State.REMOVED


@pytest.mark.parametrize("name", ["reverification_runs"])
def test_pages_refuse_wrong_personas(name, client_as, applicant, other_clerk, supervisor, item):
    url = reverse(f"housing:{name}")
    assert client_as(None).get(url).status_code == 302
    for user in (applicant, other_clerk, supervisor):
        assert client_as(user).get(url).status_code == 403


def test_run_and_decide_refuse_wrong_personas(run, client_as, applicant, other_clerk, clerk):
    flag = ReverificationFlag.objects.get()
    for user in (applicant, other_clerk):
        client = client_as(user)
        assert client.get(reverse("housing:reverification_run", args=[run.pk])).status_code == 403
        assert client.post(reverse("housing:reverification_start")).status_code == 403
    decide = reverse("housing:reverification_decide", args=[flag.pk])
    assert (
        client_as(other_clerk).post(decide, {"decision": "keep", "opinion": "x"}).status_code == 403
    )
    # the acceptance clerk sees the run but may not decide nor start one
    assert (
        client_as(clerk).get(reverse("housing:reverification_run", args=[run.pk])).status_code
        == 200
    )
    assert client_as(clerk).post(decide, {"decision": "keep", "opinion": "x"}).status_code == 403
    assert client_as(clerk).post(reverse("housing:reverification_start")).status_code == 403
    assert ReverificationFlag.objects.get().state == "open"
    assert ReverificationRun.objects.count() == 1


def test_tenant_sees_the_flag_and_its_reason_on_mine(run, city, client_as):
    flagged, other = city["richer"][0], city["waiting"][0]
    page = client_as(flagged).get(reverse("housing:mine")).content.decode()
    assert "动态核查" in page and "家庭人均年收入低于标准" in page and "90000" in page
    assert "动态核查" not in client_as(other).get(reverse("housing:mine")).content.decode()


def test_api_runs_flags_and_decision(run, api_client, approver):
    api_client.force_authenticate(approver)
    runs = api_client.get(f"{API}/runs").json()
    assert runs["results"][0]["flagged"] == 1
    assert api_client.get(f"{API}/runs/{run.pk}").json()["checked"] == 3
    flags = api_client.get(f"{API}/flags", {"run": run.pk, "state": "open"}).json()["results"]
    assert len(flags) == 1 and flags[0]["failed"]["income"]["status"] == "fail"
    flag_id = flags[0]["id"]
    assert (
        api_client.get(f"{API}/flags/{flag_id}").json()["conditions"]["housing"]["status"] == "pass"
    )
    bad = api_client.post(f"{API}/flags/{flag_id}/decide", {"decision": "drop"}, format="json")
    assert bad.status_code == 400
    done = api_client.post(
        f"{API}/flags/{flag_id}/decide",
        {"decision": "keep", "opinion": "一次性收入。"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["state"] == "kept"
    again = api_client.post(
        f"{API}/flags/{flag_id}/decide", {"decision": "keep", "opinion": "再次"}, format="json"
    )
    assert again.status_code == 409
    started = api_client.post(f"{API}/runs", {}, format="json")
    assert started.status_code == 201 and started.json()["flagged"] == 1


def test_api_refuses_wrong_personas(run, city, api_client, applicant, other_clerk, clerk):
    flag = ReverificationFlag.objects.get()
    for user in (applicant, other_clerk):
        api_client.force_authenticate(user)
        assert api_client.get(f"{API}/runs").status_code == 403
        assert api_client.post(f"{API}/runs", {}, format="json").status_code == 403
        assert api_client.get(f"{API}/flags/{flag.pk}").status_code == 404
        decide = api_client.post(
            f"{API}/flags/{flag.pk}/decide", {"decision": "keep", "opinion": "x"}, format="json"
        )
        assert decide.status_code == 404
    api_client.force_authenticate(clerk)
    decide = api_client.post(
        f"{API}/flags/{flag.pk}/decide", {"decision": "keep", "opinion": "x"}, format="json"
    )
    assert decide.status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get(f"{API}/runs").status_code in (401, 403)


def test_api_tenant_sees_only_own_flags(run, city, api_client):
    flagged, other = city["richer"][0], city["waiting"][0]
    api_client.force_authenticate(flagged)
    [row] = api_client.get(f"{API}/flags").json()["results"]
    assert "家庭人均年收入" in row["reason"] and "subject_key" not in row
    mine = api_client.get("/api/v1/housing/mine").json()
    assert mine["reverification"][0]["state"] == "open"
    api_client.force_authenticate(other)
    assert api_client.get(f"{API}/flags").json()["results"] == []
    assert api_client.get(f"{API}/flags/{row['id']}").status_code == 404
