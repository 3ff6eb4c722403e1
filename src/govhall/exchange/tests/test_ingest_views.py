"""The ingestion pages in the workbench: list, upload, result, history, download; refusals."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import id_number_with_check
from govhall.exchange.models import Load, Record
from govhall.exchange.tests.factories import income_resource, population_resource

HEADER = ["公民身份号码", "姓名", "性别", "出生日期", "户籍地址", "户号", "与户主关系"]
ROWS = [
    [
        id_number_with_check("34160219850301001"),
        "张三",
        "男",
        "1985-03-01",
        "药都路1号",
        "H1",
        "户主",
    ],
    [
        id_number_with_check("34160219860712002"),
        "王芳",
        "女",
        "1986-07-12",
        "药都路1号",
        "H1",
        "配偶",
    ],
]


def upload(rows, name="人口.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("gbk"), content_type="text/csv")


@pytest.fixture
def population(police_department):
    return population_resource(provider=police_department)


@pytest.fixture
def officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


@pytest.fixture
def other_officer(housing_department):
    return StaffFactory(department=housing_department, posts=["data_officer"])


@pytest.mark.django_db
def test_the_officer_sees_the_departments_resources_with_a_load_action(
    client_as, officer, population
):
    income_resource()  # another department's
    page = client_as(officer).get(reverse("exchange:load_resources"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "人口基础信息" in content and "个人所得税纳税信息" not in content
    assert reverse("exchange:load_upload", args=["population"]) in content


@pytest.mark.django_db
def test_the_catalog_detail_page_links_to_the_upload(client_as, officer, population):
    page = client_as(officer).get(reverse("exchange:resource_detail", args=["population"]))
    assert reverse("exchange:load_upload", args=["population"]) in page.content.decode()


@pytest.mark.django_db
def test_the_upload_page_lists_the_columns_and_offers_a_template(client_as, officer, population):
    client = client_as(officer)
    page = client.get(reverse("exchange:load_upload", args=["population"]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "household_number" in content and "户号" in content
    template = client.get(reverse("exchange:load_template", args=["population"]))
    assert template.content.decode("utf-8-sig").startswith("subject_key,")


@pytest.mark.django_db
def test_an_upload_redirects_to_its_result(client_as, officer, population):
    client = client_as(officer)
    response = client.post(
        reverse("exchange:load_upload", args=["population"]),
        {"file": upload(ROWS), "mode": "all_or_nothing"},
    )
    load = Load.objects.get(resource=population)
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:load_detail", args=[load.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已入库" in page and "人口.csv" in page
    assert Record.objects.filter(resource=population).count() == 2


@pytest.mark.django_db
def test_the_result_page_shows_every_rejection_and_the_download(client_as, officer, population):
    client = client_as(officer)
    valid = id_number_with_check("34160219850301009")
    wrong = valid[:-1] + ("1" if valid[-1] == "0" else "0")
    bad = [*ROWS, [wrong, "李四", "男", "1985-02-30", "", "", ""]]
    response = client.post(
        reverse("exchange:load_upload", args=["population"]),
        {"file": upload(bad), "mode": "all_or_nothing"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "校验位" in page and wrong in page
    load = Load.objects.get(resource=population)
    download = client.get(reverse("exchange:load_rejections", args=[load.pk]))
    assert "校验位" in b"".join(download.streaming_content).decode("utf-8-sig")
    assert not Record.objects.filter(resource=population).exists()


@pytest.mark.django_db
def test_a_file_with_wrong_columns_stays_on_the_form_with_the_reason(
    client_as, officer, population
):
    wrong = SimpleUploadedFile("x.csv", "身份证,姓名\n1,2\n".encode())
    response = client_as(officer).post(
        reverse("exchange:load_upload", args=["population"]), {"file": wrong, "mode": "valid_only"}
    )
    assert response.status_code == 422
    assert "身份证" in response.content.decode() and "未知的列" in response.content.decode()


@pytest.mark.django_db
def test_a_file_of_another_kind_is_refused_by_the_form(client_as, officer, population):
    response = client_as(officer).post(
        reverse("exchange:load_upload", args=["population"]),
        {"file": SimpleUploadedFile("x.doc", b"x"), "mode": "valid_only"},
    )
    assert response.status_code == 400
    assert not Load.objects.exists()


@pytest.mark.django_db
def test_the_history_lists_the_loads(client_as, officer, population):
    client = client_as(officer)
    url = reverse("exchange:load_upload", args=["population"])
    client.post(url, {"file": upload(ROWS), "mode": "all_or_nothing"})
    client.post(url, {"file": upload(ROWS), "mode": "all_or_nothing"})
    page = client.get(reverse("exchange:load_history", args=["population"])).content.decode()
    assert page.count(reverse("exchange:load_detail", args=[Load.objects.first().pk])) == 1
    assert len(Load.objects.filter(resource=population)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("other_officer", 404), ("other_clerk", 403), ("clerk", 403), ("applicant", 403)],
)
def test_other_personas_are_refused_on_every_page(
    client_as, request, officer, population, persona, expected
):
    load = Load.objects.create(resource=population, source="upload", mode="all_or_nothing")
    client = client_as(request.getfixturevalue(persona))
    urls = [
        reverse("exchange:load_upload", args=["population"]),
        reverse("exchange:load_template", args=["population"]),
        reverse("exchange:load_history", args=["population"]),
        reverse("exchange:load_detail", args=[load.pk]),
        reverse("exchange:load_rejections", args=[load.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == expected, url
    response = client.post(urls[0], {"file": upload(ROWS), "mode": "all_or_nothing"})
    assert response.status_code == expected
    list_status = client.get(reverse("exchange:load_resources")).status_code
    assert list_status == (200 if persona == "other_officer" else 403)
    assert not Record.objects.filter(resource=population).exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client_as, population):
    response = client_as(None).get(reverse("exchange:load_upload", args=["population"]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_an_administrator_reads_the_history_but_cannot_upload(client_as, admin_user, population):
    client = client_as(admin_user)
    assert client.get(reverse("exchange:load_history", args=["population"])).status_code == 200
    assert client.get(reverse("exchange:load_upload", args=["population"])).status_code == 403
