"""The ingestion API: upload, push, history, detail, rejections; who is refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import id_number_with_check
from govhall.exchange.models import Load, Record
from govhall.exchange.tests.factories import population_resource

HEADER = ["subject_key", "name", "sex", "birth_date", "address", "household_number", "relation"]
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
LOADS = "/api/v1/exchange/resources/population/loads"
RECORDS = "/api/v1/exchange/resources/population/records"


def csv_file(rows, name="people.csv", encoding="utf-8") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


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
def test_an_upload_answers_201_with_the_load(client_for, officer, population):
    response = client_for(officer).post(
        LOADS, {"file": csv_file(ROWS, encoding="gbk"), "mode": "all_or_nothing"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "loaded" and body["rows_inserted"] == 2
    assert body["resource"] == "population" and body["file_name"] == "people.csv"
    assert body["rejections"] == [] and body["rejections_url"] is None
    assert Record.objects.filter(resource=population).count() == 2


@pytest.mark.django_db
def test_a_rejected_upload_is_still_a_created_load_with_its_reasons(
    client_for, officer, population
):
    bad = [*ROWS, ["123", "李四", "男", "1990-01-01", "", "", ""]]
    response = client_for(officer).post(LOADS, {"file": csv_file(bad)})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "rejected" and body["rows_rejected"] == 1
    assert body["rejections"][0]["line"] == 4 and body["rejections"][0]["field"] == "subject_key"
    assert body["rejections_url"].endswith(f"/exchange/loads/{body['id']}/rejections.csv")
    assert not Record.objects.filter(resource=population).exists()


@pytest.mark.django_db
def test_an_unreadable_file_answers_422_in_the_project_format(client_for, officer, population):
    upload = SimpleUploadedFile("people.xlsx", b"not a workbook")
    response = client_for(officer).post(LOADS, {"file": upload})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_file"
    wrong = SimpleUploadedFile("people.csv", b"who,what\n1,2\n")
    response = client_for(officer).post(LOADS, {"file": wrong})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_columns" and "who" in error["message"]
    response = client_for(officer).post(LOADS, {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert response.status_code == 422


@pytest.mark.django_db
def test_rows_pushed_as_json_answer_201(client_for, officer, population):
    rows = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
    response = client_for(officer).post(
        RECORDS, {"mode": "valid_only", "rows": rows}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "api" and response.json()["rows_inserted"] == 2
    again = client_for(officer).post(RECORDS, {"mode": "valid_only", "rows": rows}, format="json")
    assert again.json()["rows_unchanged"] == 2


@pytest.mark.django_db
def test_a_push_over_the_row_limit_answers_422(client_for, officer, population):
    rows = [{"subject_key": "x"}] * 10_001
    response = client_for(officer).post(RECORDS, {"rows": rows}, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_many_rows"


@pytest.mark.django_db
def test_history_and_detail_and_rejections_csv(client_for, officer, population, admin_user):
    client = client_for(officer)
    client.post(LOADS, {"file": csv_file(ROWS)})
    bad = client.post(LOADS, {"file": csv_file([["bad", "x", "", "", "", "", ""]])}).json()
    history = client.get(LOADS).json()
    assert history["count"] == 2 and history["results"][0]["id"] == bad["id"]
    detail = client.get(f"/api/v1/exchange/loads/{bad['id']}").json()
    assert detail["rejections"][0]["value"] == "bad"
    download = client.get(bad["rejections_url"])
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "bad" in text.splitlines()[1]
    assert client_for(admin_user).get(LOADS).json()["count"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("other_officer", 404), ("other_clerk", 403), ("clerk", 403), ("applicant", 403)],
)
def test_other_personas_are_refused_everywhere(
    client_for, request, officer, population, persona, expected
):
    load = Load.objects.create(resource=population, source="upload", mode="all_or_nothing")
    client = client_for(request.getfixturevalue(persona))
    assert client.post(LOADS, {"file": csv_file(ROWS)}).status_code == expected
    rows = [dict(zip(HEADER, ROWS[0], strict=True))]
    assert client.post(RECORDS, {"rows": rows}, format="json").status_code == expected
    assert client.get(LOADS).status_code == expected
    assert client.get(f"/api/v1/exchange/loads/{load.pk}").status_code == expected
    assert client.get(f"/api/v1/exchange/loads/{load.pk}/rejections.csv").status_code == expected
    assert not Record.objects.filter(resource=population).exists()


@pytest.mark.django_db
def test_anonymous_callers_are_refused(api_client, population):
    assert api_client.post(LOADS, {"file": csv_file(ROWS)}).status_code in (401, 403)
    assert api_client.get(LOADS).status_code in (401, 403)


@pytest.mark.django_db
def test_an_administrator_reads_but_does_not_load(client_for, admin_user, population):
    response = client_for(admin_user).post(LOADS, {"file": csv_file(ROWS)})
    assert response.status_code == 403
    assert not Load.objects.filter(resource=population).exists()
