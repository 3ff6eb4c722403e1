"""The two paths decide alike: one tricky file through the portable validator and the SQL path.

On PostgreSQL the file is loaded for real (COPY, SQL validation, merge) and its rejections and
stored rows are compared with what the Python validator (the SQLite path) decides for the same
bytes: the same lines rejected, for the same field and reason, and the same stored values.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import id_number_with_check, uscc_with_check
from govhall.exchange.ingest import portable
from govhall.exchange.ingest.columns import plan_columns, schema_for
from govhall.exchange.ingest.reading import csv_open, csv_rows
from govhall.exchange.models import Load, Record, ResourceField
from govhall.exchange.services_ingest import records_ingest
from govhall.exchange.tests.factories import ResourceFactory

F = ResourceField.Type
HEADER = ["主体标识", "name", "seq", "amount", "day", "flag", "ref", "org", "area", "group"]
HEADER += ["valid_from", "valid_to"]


def ident(body: str) -> str:
    return id_number_with_check(body)


TODAY, LEAP = "2020-01-01", "2000-02-29"
A, B, C = ident("34160219900101001"), ident("11010519491231002"), ident("34160220000229003")
ORG = uscc_with_check("91341600MA2N00001")

# (subject, name, seq, amount, day, flag, ref, org, area, group, valid_from, valid_to)
TRICKY = [
    (A, "  张三 ", "1", "12.50", "2020-01-01", "是", B, ORG, "341602", "G1", "", ""),
    (A, "张三", "001", "-0.0", LEAP, "TRUE", B.lower(), ORG.lower(), "341602001002", "", "", ""),
    (A.lower(), '"引",号', "8", "+5", "1999-12-31", "0", "", "", "", "G1", "2020-01-01", TODAY),
    (B, "行\n断", "9", "1.", "2020-1-1", "1", "", "", "", "", "", ""),
    (B, "全角", "１0", "1", "2020-01-01", "否", "", "", "", "", "", ""),
    (B, "x", "11", "1e5", "2020-01-01", "yes", "", "", "", "", "", ""),
    (B, "x", "12", "1", "0000-01-01", "false", "", "", "", "", "", ""),
    (B, "x", "13", "1", "2023-02-29", "false", "", "", "", "", "", ""),
    (B, "x", "14", "1", "2024-02-29", "是 ", ident("34160220230229001"), "", "", "", "", ""),
    (B, "x", "15", "1", "2024-02-29", "是", ident("34160229990101001"), "", "", "", "", ""),
    (B, "x", "16", "1", "2024-02-29", "是", "", ORG[:-1] + "I", "", "", "", ""),
    (B, "x", "17", "1", "2024-02-29", "是", "", "", "003400", "", "", ""),
    (B, "x", "18", "1", "2024-02-29", "是", "", "", "1234567", "", "", ""),
    (B, "长名字长名字长", "19", "1", "2024-02-29", "是", "", "", "", "", "", ""),
    (B, "", "20", "1", "2024-02-29", "是", "", "", "", "", "", ""),
    (B, "x", "", "1", "2024-02-29", "是", "", "", "", "", "", ""),
    (B, "x", "21", "1", "2024-02-29", "是", "", "", "", "", "2021-01-01", "2020-12-31"),
    (B, "x", "22", "1", "2024-02-29", "是", "", "", "", "", "2021-13-01", ""),
    (B, "x", "1234567890123456789", "1", "2024-02-29", "是", "", "", "", "", "", ""),
    (B, "x", "-23", "123456789012345678901234567890.125000", "", "", "", "", "", "g" * 41, "", ""),
    (C, "😀", "+24", "0.10", "2024-02-29", "1", "", "", "", "", "", ""),
    (C[:-1] + "0" if C[-1] != "0" else C[:-1] + "1", "x", "1", "1", "", "", "", "", "", "", "", ""),
    (ident("34160219900230001"), "x", "1", "1", "", "", "", "", "", "", "", ""),
    ("", "x", "1", "1", "", "", "", "", "", "", "", ""),
    (" " + C + " ", "空格", "25", "", "", "", "", "", "", "", "", ""),
]  # fmt: skip


def tricky_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(TRICKY)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def resource(police_department):
    resource = ResourceFactory(
        code="tricky",
        provider=police_department,
        record_key_field="seq",
        group_field="group",
        field_specs=[
            ("name", "名称", F.TEXT, False),
            ("seq", "序号", F.INTEGER, False),
            ("amount", "金额", F.DECIMAL, False),
            ("day", "日期", F.DATE, False),
            ("flag", "标志", F.BOOLEAN, False),
            ("ref", "关联人", F.ID_NUMBER, False),
            ("org", "单位", F.USCC, False),
            ("area", "地区", F.REGION_CODE, False),
            ("group", "分组", F.TEXT, False),
        ],
    )
    ResourceField.objects.filter(resource=resource, name="name").update(required=True, max_length=6)
    return resource


def portable_decisions(resource):
    schema = schema_for(resource)
    source = csv_open(io.BytesIO(tricky_csv()), limit=None)
    plan = plan_columns(resource, schema, source.header)
    return portable.check_rows(schema, plan, csv_rows(source), timezone.localdate())


@pytest.mark.django_db
def test_the_portable_validator_decides_the_tricky_file_as_documented(resource):
    checked = portable_decisions(resource)
    codes = {item.line: (item.field, item.code) for item in checked.rejections}
    assert codes[2] == ("subject_key", "duplicate") and codes[3] == ("subject_key", "duplicate")
    assert codes[5] == ("amount", "decimal") and codes[6] == ("seq", "integer")
    assert codes[8] == ("day", "date") and codes[10] == ("ref", "id_birth_date")
    assert codes[18] == ("valid_to", "valid_range") and codes[21] == ("group", "key_too_long")
    assert codes[24] == ("subject_key", "id_birth_date") and codes[25] == (
        "subject_key",
        "required",
    )
    assert {row.line for row in checked.rows} == {4, 22, 26}
    assert len(checked.rows) + len(checked.rejections) == len(TRICKY)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with the SQL path")
def test_sql_and_python_reject_the_same_rows_for_the_same_reasons(resource, police_department):
    checked = portable_decisions(resource)
    officer = StaffFactory(department=police_department, posts=["data_officer"])
    load = records_ingest(
        actor=officer,
        resource=resource,
        stream=io.BytesIO(tricky_csv()),
        mode=Load.Mode.VALID_ONLY,
    )
    assert load.method == "copy"
    assert load.rejections == [item.as_dict() for item in checked.rejections]
    stored = {
        (record.subject_key, record.record_key): (record.group_key, record.data)
        for record in Record.objects.filter(resource=resource)
    }
    expected = {
        (row.subject_key, row.record_key): (row.group_key, json.loads(row.data))
        for row in checked.rows
    }
    assert stored == expected
    assert load.rows_inserted == len(checked.rows)
