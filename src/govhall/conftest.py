"""Personas shared by every app's tests (STYLE.md rule 8).

applicant / other_applicant: two citizens; enterprise: a legal person;
clerk: 受理 of 住建局; reviewer / approver of 住建局; other_clerk: 受理 of 公安局;
supervisor: 监察 of 政务服务管理局; admin: system administrator; anonymous: no login.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govhall.accounts.tests.factories import (
    PASSWORD,
    AdminFactory,
    CitizenFactory,
    EnterpriseFactory,
    StaffFactory,
)
from govhall.organizations.tests.factories import DepartmentFactory
from govhall.tests.browser import browser, flushed_db_posts, page_for  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _fast_hasher_and_fresh_cache(settings):
    # Argon2 stays the production hasher (see accounts tests); tests hash with MD5 for speed.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    from django.core.cache import cache

    from govhall.core.calendar import calendar_cache_clear

    cache.clear()
    calendar_cache_clear()  # the per-process year cache outlives a test's rollback
    from govhall.exchange.access import catalog_cache_clear

    catalog_cache_clear()  # so does the resource catalog kept by each process


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def housing_department(db):
    return DepartmentFactory(name="亳州市住房和城乡建设局", short_name="住建局")


@pytest.fixture
def police_department(db):
    return DepartmentFactory(name="亳州市公安局", short_name="公安局")


@pytest.fixture
def applicant(db):
    return CitizenFactory(name="张三")


@pytest.fixture
def other_applicant(db):
    return CitizenFactory(name="李四")


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory()


@pytest.fixture
def clerk(housing_department):
    return StaffFactory(username="zjj_clerk", department=housing_department, posts=["acceptance"])


@pytest.fixture
def reviewer(housing_department):
    return StaffFactory(username="zjj_reviewer", department=housing_department, posts=["review"])


@pytest.fixture
def approver(housing_department):
    return StaffFactory(username="zjj_approver", department=housing_department, posts=["approval"])


@pytest.fixture
def other_clerk(police_department):
    return StaffFactory(username="gaj_clerk", department=police_department, posts=["acceptance"])


@pytest.fixture
def supervisor(db):
    department = DepartmentFactory(name="亳州市数据资源管理局", short_name="数据局")
    return StaffFactory(username="supervisor", department=department, posts=["supervision"])


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="sysadmin")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_as():
    """``client_as(user)``: a page test client with a session for ``user`` (None: anonymous)."""
    from django.test import Client

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client authenticated as ``user`` (session-less)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
