"""No rendered page refers to another host (no CDN, no web fonts, no trackers)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.accounts import services
from govhall.portal.tests.conftest import external_hosts

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    ("portal:home", {}),
    ("portal:directory", {}),
    ("portal:directory", {"region": "341602000000"}),
    ("portal:register", {}),
    ("portal:register", {"kind": "enterprise"}),
    ("portal:login", {}),
]


def test_external_hosts_detects_them():
    html = '<a href="https://cdn.example.com/x.js"></a><img src="//img.example.org/a.png">'
    assert external_hosts(html) == {"cdn.example.com", "img.example.org"}
    assert external_hosts('<a href="http://testserver/x">') == set()


def test_public_pages_have_no_external_urls(client_as, directory):
    client = client_as()
    for name, params in PUBLIC_PAGES:
        response = client.get(reverse(name), params)
        assert response.status_code == 200, name
        assert external_hosts(response.content.decode()) == set(), name


def test_error_pages_have_no_external_urls(client_as, applicant, password):
    client = client_as()
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert external_hosts(not_found.content.decode()) == set()
    for _ in range(5):
        client.post(reverse("portal:login"), {"username": applicant.username, "password": "x"})
    locked = client.post(
        reverse("portal:login"), {"username": applicant.username, "password": password}
    )
    assert locked.status_code == 429
    assert external_hosts(locked.content.decode()) == set()


def test_citizen_pages_have_no_external_urls(client_as, applicant, directory):
    services.token_issue(actor=applicant)
    client = client_as(applicant)
    for url in [reverse("portal:home"), reverse("portal:account"), reverse("portal:directory")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert external_hosts(response.content.decode()) == set(), url
    forbidden = client.get(reverse("workbench:home"))
    assert forbidden.status_code == 403
    assert external_hosts(forbidden.content.decode()) == set()


def test_staff_and_admin_pages_have_no_external_urls(client_as, clerk, admin_user):
    for user in (clerk, admin_user):
        client = client_as(user)
        urls = [
            reverse("workbench:home"),
            reverse("workbench:department_staff", args=[clerk.department_id]),
            reverse("portal:account"),
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert external_hosts(response.content.decode()) == set(), url
