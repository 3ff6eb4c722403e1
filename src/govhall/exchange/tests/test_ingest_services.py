"""Ingestion through the service: formats, columns, rules, modes, idempotency, atomicity.

Every test runs on the database in use (SQLite by default, PostgreSQL with ``DATABASE_URL``), so
the same behaviour is checked on both paths.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from openpyxl import Workbook

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import id_number_with_check, uscc_with_check
from govhall.core.models import AuditEntry
from govhall.exchange.models import Load, Record, Resource, ResourceField
from govhall.exchange.services_ingest import records_ingest, records_push
from govhall.exchange.tests.factories import (
    ResourceFactory,
    population_resource,
    real_estate_resource,
)

F = ResourceField.Type
HEADER = ["subject_key", "name", "sex", "birth_date", "address", "household_number", "relation"]
ADDRESS = "谯城区药都路1号"
PEOPLE = [
    (
        id_number_with_check("34160219850301001"),
        "张三",
        "男",
        "1985-03-01",
        ADDRESS,
        "H001",
        "户主",
    ),
    (
        id_number_with_check("34160219860712002"),
        "王芳",
        "女",
        "1986-07-12",
        ADDRESS,
        "H001",
        "配偶",
    ),
    (
        id_number_with_check("34160220120930003"),
        "张小明",
        "男",
        "2012-09-30",
        ADDRESS,
        "H001",
        "子",
    ),
]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def load_file(officer, resource, content: bytes, **kwargs) -> Load:
    kwargs.setdefault("file_format", "csv")
    return records_ingest(actor=officer, resource=resource, stream=io.BytesIO(content), **kwargs)


def records(resource) -> dict[str, dict]:
    return {
        (record.subject_key, record.record_key): record
        for record in Record.objects.filter(resource=resource)
    }


@pytest.fixture
def population(police_department):
    return population_resource(provider=police_department)


@pytest.fixture
def officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


@pytest.fixture
def typed_resource(police_department):
    """One field of every type: the tricky rows of the tests land here."""
    resource = ResourceFactory(
        code="typed",
        provider=police_department,
        field_specs=[
            ("name", "姓名", F.TEXT, True),
            ("age", "年龄", F.INTEGER, False),
            ("income", "年收入", F.DECIMAL, False),
            ("born", "出生日期", F.DATE, False),
            ("married", "已婚", F.BOOLEAN, False),
            ("spouse", "配偶身份证号", F.ID_NUMBER, True),
            ("employer", "工作单位代码", F.USCC, False),
            ("region", "户籍地区划", F.REGION_CODE, False),
        ],
    )
    ResourceField.objects.filter(resource=resource, name="name").update(required=True, max_length=4)
    return resource


TYPED_HEADER = [
    "subject_key", "name", "age", "income", "born", "married", "spouse", "employer", "region"
]  # fmt: skip
SPOUSE = id_number_with_check("11010519491231002")
EMPLOYER = uscc_with_check("91341600MA2N00001")


def typed_row(key: str, **changes) -> list[str]:
    row = {
        "subject_key": key,
        "name": "张三",
        "age": "41",
        "income": "12345.50",
        "born": "1985-03-01",
        "married": "是",
        "spouse": SPOUSE,
        "employer": EMPLOYER,
        "region": "341602",
    }
    row.update(changes)
    return [row[name] for name in TYPED_HEADER]


def corrupt(identifier: str) -> str:
    """The same identifier with another (wrong) check character."""
    return identifier[:-1] + ("0" if identifier[-1] != "0" else "1")


def person(n: int) -> str:
    return id_number_with_check(f"34160219900101{n:03d}")


# --- formats ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_utf8_csv_loads_every_row_with_its_household(officer, population):
    load = load_file(officer, population, csv_bytes(PEOPLE), file_name="人口.csv")
    assert load.status == Load.Status.LOADED
    assert (load.rows_total, load.rows_valid, load.rows_rejected) == (3, 3, 0)
    assert (load.rows_inserted, load.rows_updated, load.rows_unchanged) == (3, 0, 0)
    assert load.method in ("copy", "executemany") and load.finished_at and load.content_sha256
    stored = records(population)[(PEOPLE[0][0], "")]
    assert stored.group_key == "H001" and stored.load_id == load.pk and len(stored.row_hash) == 32
    assert stored.data == {
        "name": "张三",
        "sex": "男",
        "birth_date": "1985-03-01",
        "address": "谯城区药都路1号",
        "household_number": "H001",
        "relation": "户主",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_gbk_and_bom_csv_files_load_like_utf8(officer, population, encoding):
    load = load_file(officer, population, csv_bytes(PEOPLE, encoding=encoding))
    assert load.status == Load.Status.LOADED and load.rows_inserted == 3
    assert records(population)[(PEOPLE[1][0], "")].data["name"] == "王芳"


@pytest.mark.django_db
def test_an_excel_workbook_loads_from_its_first_sheet(officer, population):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(list(PEOPLE[0]))
    sheet.append([None] * len(HEADER))  # a blank row is skipped
    sheet.append(list(PEOPLE[1]))
    content = io.BytesIO()
    book.save(content)
    load = load_file(officer, population, content.getvalue(), file_format="xlsx")
    assert load.status == Load.Status.LOADED and load.rows_inserted == 2


@pytest.mark.django_db
@pytest.mark.parametrize("wrapped", [False, True])
def test_a_json_file_loads_a_list_of_objects(officer, population, wrapped):
    rows = [dict(zip(HEADER, row, strict=True)) for row in PEOPLE]
    body = json.dumps({"rows": rows} if wrapped else rows, ensure_ascii=False).encode()
    load = load_file(officer, population, body, file_format="json")
    assert load.status == Load.Status.LOADED and load.rows_inserted == 3


@pytest.mark.django_db
def test_chinese_headers_are_accepted(officer, population):
    header = ["公民身份号码", "姓名", "性别", "出生日期", "户籍地址", "户号", "与户主关系"]
    load = load_file(officer, population, csv_bytes(PEOPLE, header=header))
    assert load.rows_inserted == 3
    header[0] = "主体标识"
    assert load_file(officer, population, csv_bytes(PEOPLE, header=header)).rows_unchanged == 3


# --- columns and malformed files -------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_and_missing_columns_refuse_the_whole_load_naming_them(officer, population):
    from govhall.core import errors

    header = ["subject_key", "姓名", "mobile", "出生日期"]
    rows = [[PEOPLE[0][0], "张三", "138", "1985-03-01"]]
    with pytest.raises(errors.ValidationError) as info:
        load_file(officer, population, csv_bytes(rows, header=header))
    assert "mobile" in info.value.message and info.value.code == "invalid_columns"
    load = Load.objects.get(resource=population)
    assert load.status == Load.Status.REJECTED and "mobile" in load.error
    assert not Record.objects.filter(resource=population).exists()


@pytest.mark.django_db
def test_a_missing_required_column_is_named(officer, population):
    from govhall.core import errors

    with pytest.raises(errors.ValidationError) as info:
        load_file(officer, population, csv_bytes([["张三"]], header=["name"]))
    assert "subject_key" in info.value.message and "缺少" in info.value.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"subject_key,name\n1,2\n3\n", "第 3 行"),
        (b"subject_key,name\n1,2,3\n", "第 2 行"),
        (b"subject_key,name\n1,2\n\n3,4\n", "第 3 行"),
        (b'subject_key,name\n"1,2\n', "CSV"),
        (b"", "空"),
    ],
)
def test_malformed_csv_files_are_refused_with_the_line(officer, population, content, fragment):
    from govhall.core import errors

    with pytest.raises(errors.ValidationError) as info:
        load_file(officer, population, content)
    assert info.value.code == "invalid_file"
    assert fragment in info.value.message or fragment == "CSV"
    assert not Record.objects.filter(resource=population).exists()
    assert Load.objects.get(resource=population).status == Load.Status.REJECTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file_format", "content"),
    [
        ("xlsx", b"PK\x03\x04 not really a workbook"),
        ("xlsx", b"subject_key,name\n"),
        ("json", b"{not json"),
        ("json", b'{"rows": 3}'),
        ("json", b'[{"subject_key": {"nested": 1}}]'),
        ("json", b"[1, 2]"),
        ("json", b'[{"subject_key": "a\\u0000b"}]'),
    ],
)
def test_unreadable_excel_and_json_files_answer_422(officer, population, file_format, content):
    from govhall.core import errors

    with pytest.raises(errors.ValidationError) as info:
        load_file(officer, population, content, file_format=file_format)
    assert info.value.status == 422 and info.value.code == "invalid_file"


@pytest.mark.django_db
def test_a_header_only_file_has_no_rows(officer, population):
    from govhall.core import errors

    with pytest.raises(errors.ValidationError):
        load_file(officer, population, csv_bytes([]))


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(officer, population, settings):
    from govhall.core import errors

    settings.GOVHALL_EXCHANGE_UPLOAD_MAX_BYTES = 200
    with pytest.raises(errors.ValidationError) as info:
        load_file(officer, population, csv_bytes(PEOPLE * 3))
    assert "MB" in info.value.message
    assert not Record.objects.filter(resource=population).exists()


@pytest.mark.django_db
def test_trailing_blank_lines_are_ignored(officer, population):
    load = load_file(officer, population, csv_bytes(PEOPLE) + b"\r\n\r\n\n")
    assert load.rows_total == 3 and load.rows_inserted == 3


# --- rules -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_typed_values_are_stored_as_json_types(officer, typed_resource):
    row = typed_row(person(1), income="+0012345.50", married="TRUE", spouse=SPOUSE.lower())
    load = load_file(officer, typed_resource, csv_bytes([row], header=TYPED_HEADER))
    assert load.status == Load.Status.LOADED, load.rejections
    data = records(typed_resource)[(person(1), "")].data
    assert data["age"] == 41 and data["income"] == 12345.5 and data["married"] is True
    assert data["spouse"] == SPOUSE.upper() and data["region"] == "341602000000"
    assert data["born"] == "1985-03-01" and data["employer"] == EMPLOYER


@pytest.mark.django_db
def test_empty_optional_values_are_stored_as_null(officer, typed_resource):
    row = typed_row(person(1), age="", income=" ", born="", married="", employer="", region="")
    load_file(officer, typed_resource, csv_bytes([row], header=TYPED_HEADER))
    data = records(typed_resource)[(person(1), "")].data
    assert data["age"] is None and data["income"] is None and data["region"] is None


BAD_ROWS = [
    ({"subject_key": "34160219900101123"}, "subject_key", "身份证号应为18位"),
    ({"subject_key": corrupt(person(2))}, "subject_key", "校验位"),
    ({"subject_key": id_number_with_check("34160219901301001")}, "subject_key", "出生日期"),
    ({"subject_key": id_number_with_check("34160229990101001")}, "subject_key", "出生日期"),
    ({"name": ""}, "name", "必填"),
    ({"name": "欧阳长名字五"}, "name", "最大长度 4"),
    ({"age": "4.5"}, "age", "整数"),
    ({"income": "1,000"}, "income", "数值"),
    ({"born": "2023-02-29"}, "born", "日期"),
    ({"born": "2023/01/01"}, "born", "日期"),
    ({"married": "maybe"}, "married", "是/否"),
    ({"spouse": "X" * 18}, "spouse", "前17位"),
    ({"employer": "91341600MA2N00000"}, "employer", "18位"),
    ({"employer": corrupt(EMPLOYER)}, "employer", "校验位"),
    ({"employer": "9134160OMA2N00000Y"}, "employer", "不允许的字符"),
    ({"region": "0016020"}, "region", "行政区划"),
]  # fmt: skip


@pytest.mark.django_db
def test_invalid_values_are_reported_with_their_line_field_value_and_reason(
    officer, typed_resource
):
    rows = [typed_row(person(100 + i), **changes) for i, (changes, _f, _r) in enumerate(BAD_ROWS)]
    load = load_file(officer, typed_resource, csv_bytes(rows, header=TYPED_HEADER))
    assert load.status == Load.Status.REJECTED and load.rows_rejected == len(BAD_ROWS)
    assert not Record.objects.filter(resource=typed_resource).exists()
    for number, ((changes, field, fragment), found) in enumerate(
        zip(BAD_ROWS, load.rejections, strict=True), start=2
    ):
        assert found["line"] == number and found["field"] == field, found
        assert fragment in found["reason"], found
        assert found["value"] == next(iter(changes.values())).strip(), found


@pytest.mark.django_db
def test_duplicate_keys_reject_both_rows_naming_each_other(officer, population):
    twin = list(PEOPLE[0])
    twin[1] = "张三丰"
    load = load_file(
        officer, population, csv_bytes([PEOPLE[0], PEOPLE[1], twin]), mode=Load.Mode.VALID_ONLY
    )
    assert (load.rows_rejected, load.rows_inserted) == (2, 1)
    assert [(item["line"], item["code"]) for item in load.rejections] == [
        (2, "duplicate"),
        (4, "duplicate"),
    ]
    assert "第 4 行" in load.rejections[0]["reason"] and "第 2 行" in load.rejections[1]["reason"]
    assert set(records(population)) == {(PEOPLE[1][0], "")}


@pytest.mark.django_db
def test_a_twin_of_an_invalid_row_is_rejected_too(officer, population):
    broken = list(PEOPLE[0])
    broken[3] = "1985-02-30"
    load = load_file(officer, population, csv_bytes([PEOPLE[0], broken]), mode=Load.Mode.VALID_ONLY)
    assert [item["code"] for item in load.rejections] == ["duplicate", "duplicate"]
    assert load.rows_inserted == 0 and load.status == Load.Status.REJECTED


@pytest.mark.django_db
def test_one_subject_may_hold_several_records_by_record_key(officer, police_department):
    resource = real_estate_resource(provider=police_department)
    header = ["subject_key", "certificate_number", "location", "area", "registered_on"]
    rows = [
        [PEOPLE[0][0], "皖(2020)第0001号", "A小区1-101", "48.50", "2020-05-01"],
        [PEOPLE[0][0], "皖(2021)第0002号", "B小区2-202", "20", "2021-06-01"],
        [PEOPLE[0][0], "皖(2021)第0002号", "B小区2-203", "20", "2021-06-01"],
        [PEOPLE[1][0], "", "C小区", "20", "2021-06-01"],
    ]
    load = load_file(officer, resource, csv_bytes(rows, header=header), mode="valid_only")
    assert load.rows_inserted == 1
    assert [(r["line"], r["code"]) for r in load.rejections] == [
        (3, "duplicate"),
        (4, "duplicate"),
        (5, "required"),
    ]
    stored = records(resource)[(PEOPLE[0][0], "皖(2020)第0001号")]
    assert stored.data["area"] == 48.5 and stored.group_key == ""


@pytest.mark.django_db
def test_validity_dates_are_stored_and_checked(officer, population):
    header = [*HEADER, "有效期起", "有效期止"]
    rows = [
        [*PEOPLE[0], "2020-01-01", "2030-12-31"],
        [*PEOPLE[1], "2020-01-01", "2019-12-31"],
        [*PEOPLE[2], "", ""],
    ]
    load = load_file(officer, population, csv_bytes(rows, header=header), mode="valid_only")
    assert [(r["line"], r["field"], r["code"]) for r in load.rejections] == [
        (3, "valid_to", "valid_range")
    ]
    stored = records(population)
    assert str(stored[(PEOPLE[0][0], "")].valid_to) == "2030-12-31"
    assert stored[(PEOPLE[2][0], "")].valid_from is None


# --- modes, idempotency, updates ---------------------------------------------------------------


@pytest.mark.django_db
def test_all_or_nothing_writes_nothing_when_one_row_is_rejected(officer, population):
    bad = list(PEOPLE[2])
    bad[3] = "2012-13-01"
    load = load_file(officer, population, csv_bytes([PEOPLE[0], PEOPLE[1], bad]))
    assert load.status == Load.Status.REJECTED
    assert (load.rows_valid, load.rows_rejected, load.rows_inserted) == (2, 1, 0)
    assert not Record.objects.filter(resource=population).exists()


@pytest.mark.django_db
def test_valid_only_loads_the_valid_rows_and_reports_the_others(officer, population):
    bad = list(PEOPLE[2])
    bad[0] = "not an id"
    load = load_file(officer, population, csv_bytes([PEOPLE[0], bad, PEOPLE[1]]), mode="valid_only")
    assert load.status == Load.Status.LOADED
    assert (load.rows_valid, load.rows_rejected, load.rows_inserted) == (2, 1, 2)
    assert load.rejections[0]["line"] == 3 and load.rejections[0]["value"] == "not an id"


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing(officer, population):
    content = csv_bytes(PEOPLE)
    first = load_file(officer, population, content)
    before = {key: (r.row_hash, r.load_id, r.updated_at) for key, r in records(population).items()}
    second = load_file(officer, population, content)
    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (0, 0, 3)
    after = {key: (r.row_hash, r.load_id, r.updated_at) for key, r in records(population).items()}
    assert before == after and second.content_sha256 == first.content_sha256


@pytest.mark.django_db
def test_the_same_content_in_another_format_is_unchanged(officer, population):
    load_file(officer, population, csv_bytes(PEOPLE))
    rows = [dict(zip(HEADER, row, strict=True)) for row in PEOPLE]
    again = records_push(actor=officer, resource=population, rows=rows, mode="all_or_nothing")
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 3)


@pytest.mark.django_db
def test_a_changed_row_is_updated_and_points_to_the_new_load(officer, population):
    load_file(officer, population, csv_bytes(PEOPLE))
    moved = list(PEOPLE[1])
    moved[4] = "谯城区新华路2号"
    new = list(PEOPLE[0])
    new[0] = person(7)
    second = load_file(officer, population, csv_bytes([PEOPLE[0], moved, new]))
    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (1, 1, 1)
    stored = records(population)
    assert stored[(PEOPLE[1][0], "")].data["address"] == "谯城区新华路2号"
    assert stored[(PEOPLE[1][0], "")].load_id == second.pk
    assert stored[(PEOPLE[0][0], "")].load_id != second.pk
    assert len(stored) == 4  # a row missing from the file is not deleted


# --- atomicity, history, audit -------------------------------------------------------------


@pytest.mark.django_db
def test_an_interrupted_load_leaves_nothing_and_a_failed_load(officer, population, monkeypatch):
    from govhall.exchange.ingest import pg, portable

    engine = pg if connection.vendor == "postgresql" else portable

    def crash_after_writing(*args, **kwargs):
        real(*args, **kwargs)  # rows are written in the transaction …
        raise RuntimeError("disk full")  # … and then the process fails

    if engine is pg:
        real = pg._merge
        monkeypatch.setattr(pg, "_merge", crash_after_writing)
    else:
        real = portable.merge_rows
        monkeypatch.setattr(portable, "merge_rows", crash_after_writing)
    with pytest.raises(RuntimeError):
        load_file(officer, population, csv_bytes(PEOPLE))
    assert not Record.objects.filter(resource=population).exists()
    load = Load.objects.get(resource=population)
    assert load.status == Load.Status.FAILED and "disk full" in load.error
    assert load.finished_at is not None


@pytest.mark.django_db
def test_every_load_is_audited_with_its_counts(officer, population):
    load = load_file(officer, population, csv_bytes(PEOPLE))
    entry = AuditEntry.objects.filter(action="exchange.load", object_id=str(load.pk)).get()
    assert entry.actor == officer
    assert entry.summary["after"]["rows_inserted"] == 3
    assert entry.summary["after"]["status"] == "loaded"


@pytest.mark.django_db
def test_more_than_a_thousand_rejections_are_all_in_the_report_file(officer, population):
    rows = [[f"bad{n}", "x", "男", "2000-01-01", "", "", ""] for n in range(1205)]
    load = load_file(officer, population, csv_bytes(rows))
    assert load.rows_rejected == 1205 and len(load.rejections) == 1000
    assert load.rejections_file
    with load.rejections_file.open("rb") as handle:
        lines = handle.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 1206 and lines[-1].startswith("1206,subject_key,bad1204,")


# --- push and permissions --------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_pushed_through_the_api_are_a_load(officer, population):
    rows = [dict(zip(HEADER, row, strict=True)) for row in PEOPLE]
    rows[2]["birth_date"] = "2012-02-30"
    load = records_push(actor=officer, resource=population, rows=rows, mode="valid_only")
    assert load.source == Load.Source.API and load.file_format == "json"
    assert (load.rows_inserted, load.rows_rejected) == (2, 1)
    assert load.rejections[0]["line"] == 3 and load.rejections[0]["field"] == "birth_date"


@pytest.mark.django_db
def test_a_push_of_too_many_rows_is_refused(officer, population):
    from govhall.core import errors

    with pytest.raises(errors.ValidationError) as info:
        records_push(actor=officer, resource=population, rows=[{}] * 10_001, mode="valid_only")
    assert info.value.code == "too_many_rows"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_officer", "clerk", "citizen", "anonymous_non_seed"])
def test_only_the_providers_data_officer_loads(population, housing_department, applicant, who):
    from govhall.core import errors

    actor = {
        "other_officer": lambda: StaffFactory(
            department=housing_department, posts=["data_officer"]
        ),
        "clerk": lambda: StaffFactory(department=population.provider, posts=["acceptance"]),
        "citizen": lambda: applicant,
        "anonymous_non_seed": lambda: None,
    }[who]()
    with pytest.raises(errors.PermissionDenied):
        load_file(actor, population, csv_bytes(PEOPLE))
    assert not Load.objects.filter(resource=population).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("source", [Load.Source.SEED, Load.Source.SYSTEM])
def test_the_system_loads_seed_data_without_an_actor(population, source):
    load = load_file(None, population, csv_bytes(PEOPLE), source=source)
    assert load.loaded_by is None and load.rows_inserted == 3 and load.source == source


@pytest.mark.django_db
def test_an_unknown_mode_or_format_is_refused(officer, population):
    from govhall.core import errors

    with pytest.raises(errors.ValidationError):
        load_file(officer, population, csv_bytes(PEOPLE), mode="sometimes")
    with pytest.raises(errors.ValidationError):
        load_file(officer, population, csv_bytes(PEOPLE), file_format="xls")


@pytest.mark.django_db
def test_a_license_resource_keys_by_its_identifier(officer, police_department):
    resource = ResourceFactory(
        code="licenses",
        provider=police_department,
        subject_kind=Resource.SubjectKind.LICENSE,
        field_specs=[("holder", "持证人", F.TEXT, False)],
    )
    rows = [["1.2.156.3005.2.11.0001.01.X", "张三"], ["L" * 41, "李四"]]
    load = load_file(
        officer, resource, csv_bytes(rows, header=["证照标识", "holder"]), mode="valid_only"
    )
    assert load.rows_inserted == 1
    assert load.rejections[0]["code"] == "key_too_long"


class Generated(io.RawIOBase):
    """A stream made as it is read (a generator's pieces): it cannot seek back."""

    def __init__(self, pieces) -> None:
        self.pieces = iter(pieces)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return next(self.pieces, b"")


@pytest.mark.django_db
def test_a_generated_stream_is_read_piece_by_piece(population):
    lines = csv_bytes(PEOPLE, encoding="gbk").splitlines(keepends=True)
    load = records_ingest(
        actor=None, resource=population, stream=Generated(lines), source=Load.Source.SEED
    )
    assert load.rows_inserted == 3
    assert records(population)[(PEOPLE[2][0], "")].data["name"] == "张小明"


@pytest.mark.django_db
def test_a_stream_that_turns_out_not_to_be_utf8_is_refused_naming_the_line(officer, population):
    from govhall.core import errors

    ascii_rows = [
        [person(n % 900), "Zhang", "M", "1990-01-01", "x" * 40, "H", ""] for n in range(15_000)
    ]
    first = csv_bytes(ascii_rows)
    assert len(first) > 1 << 20  # more than the first megabyte, which decides the encoding
    late = "\r\n".join(",".join(row) for row in PEOPLE[:1]).encode("gbk")
    with pytest.raises(errors.ValidationError) as info:
        records_ingest(
            actor=officer,
            resource=population,
            stream=Generated([first, late]),
            mode=Load.Mode.VALID_ONLY,
        )
    assert "UTF-8" in info.value.message and "行附近" in info.value.message  # its line, or so
    assert not Record.objects.filter(resource=population).exists()
