"""``demo_city_load``: the demo city, its accounts, idempotency and the accounts file."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from stdnum.cn import uscc

from govhall.accounts.models import User
from govhall.core.models import AuditEntry
from govhall.demo import citydata
from govhall.demo.models import LegalPerson, Person
from govhall.demo.services import DEMO_PASSWORD, demo_city_load, write_demo_accounts
from govhall.organizations.models import Department, Region, ServiceCenter, Window

pytestmark = pytest.mark.django_db

PERSONS = 300


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Region, Department, ServiceCenter, Window, User, Person, LegalPerson)
    }


def test_loading_twice_creates_nothing_new():
    first = demo_city_load(persons=PERSONS)
    counts = _counts()
    audits = AuditEntry.objects.count()
    second = demo_city_load(persons=PERSONS)
    assert _counts() == counts
    assert AuditEntry.objects.count() == audits  # nothing changed, nothing to audit
    assert set(second.created.values()) == {0}
    assert second.accounts == first.accounts
    assert (second.persons, second.legal_persons) == (PERSONS, PERSONS // 20)
    stages = AuditEntry.objects.filter(action="demo.load", actor_label="demo")
    assert set(stages.values_list("object_id", flat=True)) == set(first.created)


def test_the_demo_city():
    demo_city_load(persons=PERSONS)
    city = Region.objects.get(code="341600000000")
    assert city.name == "亳州市" and city.level == Region.Level.CITY
    counties = set(city.children.values_list("code", "name"))
    assert counties == {
        ("341602000000", "谯城区"),
        ("341621000000", "涡阳县"),
        ("341622000000", "蒙城县"),
        ("341623000000", "利辛县"),
    }
    assert Region.objects.get(code="341602001000").name == "花戏楼街道"
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() > 40
    city_departments = Department.objects.filter(region=city)
    assert city_departments.count() == 20
    assert Department.objects.exclude(region=city).count() >= 4
    for department in Department.objects.all():
        assert uscc.is_valid(department.uscc)
        # 机关 (11…, 12…), and the 居民/村民委员会 of the review chain (54…, 基层群众性自治组织)
        assert (department.uscc[0] == "1" and department.uscc[1] in "123") or (
            department.uscc[:2] == "54" and department.region.level == Region.Level.VILLAGE
        )
    streets = Department.objects.filter(region__level=Region.Level.TOWNSHIP)
    assert streets.get(name="谯城区花戏楼街道办事处").region_id == "341602001000"
    assert Department.objects.filter(region__level=Region.Level.VILLAGE).count() > 40
    housing = Department.objects.get(short_name="住建局")
    assert housing.name == "亳州市住房和城乡建设局"
    hall = ServiceCenter.objects.get(name="亳州市政务服务中心")
    assert hall.latitude and hall.longitude and hall.phone and hall.hours
    a01 = Window.objects.get(center=hall, number="A01")
    assert a01.name == "综合受理"
    assert list(a01.departments.values_list("short_name", flat=True)) == ["数据资源局"]
    assert ServiceCenter.objects.filter(is_agency_point=True).count() >= 4
    assert ServiceCenter.objects.filter(region__level=Region.Level.COUNTY).count() == 4


def test_demo_accounts_can_log_in_with_the_demo_password():
    result = demo_city_load(persons=PERSONS)
    request = RequestFactory().post("/login/")
    kinds = set()
    for account in result.accounts:
        assert account["password"] == DEMO_PASSWORD
        user = authenticate(request=request, username=account["username"], password=DEMO_PASSWORD)
        assert user is not None, account["username"]
        assert (user.kind, user.name) == (account["kind"], account["name"])
        kinds.add(user.kind)
        if user.kind == User.Kind.STAFF:
            assert user.department is not None
            assert account["department"] == user.department.name
            assert sorted(user.posts.values_list("code", flat=True)) == account["posts"]
            assert account["posts"]
    assert kinds == {"staff", "citizen", "enterprise", "agent", "admin"}
    logins = {a["username"] for a in result.accounts}
    assert {"zjj_accept", "zjj_review", "zjj_approve", "gaj_accept", "sjzyj_supervise"} <= logins
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.kind == User.Kind.ADMIN


def test_every_city_department_has_its_posts():
    demo_city_load(persons=PERSONS)
    city_departments = Department.objects.filter(region_id="341600000000")
    for department in city_departments:
        posts = set(department.staff.values_list("posts__code", flat=True))
        assert {"data_officer", "catalog_admin"} <= posts, department.name
        if department.short_name != "数据资源局":
            assert {"acceptance", "review", "approval"} <= posts, department.name
    supervisors = User.objects.filter(posts__code="supervision")
    assert [u.department.short_name for u in supervisors] == ["数据资源局"]
    for user in User.objects.filter(kind=User.Kind.STAFF):
        assert user.department_id and user.posts.exists()


def test_demo_citizens_enterprises_and_agent_belong_to_the_population():
    demo_city_load(persons=PERSONS)
    citizens = User.objects.filter(kind=User.Kind.CITIZEN)
    assert citizens.count() == 6
    for user in citizens:
        person = Person.objects.get(id_number=user.id_number)
        assert (person.name, person.phone) == (user.name, user.phone)
    for user in User.objects.filter(kind=User.Kind.ENTERPRISE):
        legal = LegalPerson.objects.get(uscc=user.uscc)
        assert legal.name == user.name
        assert Person.objects.filter(
            id_number=legal.legal_representative_id_number, name=user.legal_representative
        ).exists()
    agent = User.objects.get(kind=User.Kind.AGENT)
    assert agent.service_center.is_agency_point
    assert (
        Person.objects.get(id_number=agent.id_number).region_code == agent.service_center.region_id
    )
    assert citydata.persona_index()["张伟"] == 0


def test_the_loader_reuses_a_larger_population():
    demo_city_load(persons=PERSONS + 100)
    result = demo_city_load(persons=PERSONS)
    assert result.persons == PERSONS + 100


def test_a_too_small_population_is_refused():
    with pytest.raises(ValueError, match="at least"):
        demo_city_load(persons=50)


def test_accounts_file_and_command(tmp_path):
    path = tmp_path / "accounts" / "demo.json"
    out = StringIO()
    call_command("demo_load", persons=PERSONS, accounts_file=path, stdout=out)
    accounts = json.loads(path.read_text(encoding="utf-8"))
    assert "亳州市住房和城乡建设局" in path.read_text(encoding="utf-8")  # not \\u-escaped
    assert {a["username"] for a in accounts} == set(User.objects.values_list("username", flat=True))
    assert set(accounts[0]) == {"username", "password", "kind", "name", "department", "posts"}
    assert DEMO_PASSWORD in out.getvalue()
    write_demo_accounts(path, accounts[:2])
    assert len(json.loads(path.read_text(encoding="utf-8"))) == 2
