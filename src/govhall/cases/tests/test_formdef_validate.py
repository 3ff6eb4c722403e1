"""form_validate and form_from_post: required only when shown, repeat limits, identifiers, every
error at once, hidden values dropped; and nothing but ValidationError whatever the data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.http import QueryDict
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.cases.formdef import (
    condition_eval,
    default_formdef,
    form_from_post,
    form_post_items,
    form_validate,
    formdef_check,
)
from govhall.core.errors import ValidationError
from govhall.core.identifiers import id_number_with_check, uscc_with_check

FORMS = json.loads(
    (Path(__file__).resolve().parents[2] / "demo" / "data" / "forms.json").read_text("utf-8")
)["forms"]
ID = id_number_with_check("34160219900101123")
SPOUSE_ID = id_number_with_check("34160219920202234")
CHILD_ID = id_number_with_check("34160220150303345")
USCC = uscc_with_check("91341600MA2T00001")

FORM = {
    "sections": [
        {"key": "applicant", "title": "申请人", "fields": [
            {"key": "name", "label": "姓名", "type": "text", "required": True, "max_length": 5},
            {"key": "id_number", "label": "身份证号", "type": "id_number", "required": True},
            {"key": "marital", "label": "婚姻状况", "type": "select", "required": True,
             "options": [{"value": "10", "label": "未婚"}, {"value": "20", "label": "已婚"}]},
            {"key": "spouse_name", "label": "配偶姓名", "type": "text", "required": True,
             "show_if": {"field": "applicant.marital", "op": "eq", "value": "20"}},
            {"key": "age", "label": "年龄", "type": "integer", "min": 0, "max": 150},
            {"key": "income", "label": "收入", "type": "decimal", "min": 0},
            {"key": "born", "label": "出生日期", "type": "date", "min": "1900-01-01",
             "max": "today"},
            {"key": "groups", "label": "情形", "type": "multiselect",
             "options": [{"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}]},
            {"key": "agree", "label": "同意", "type": "boolean"},
            {"key": "phone", "label": "电话", "type": "phone"},
            {"key": "email", "label": "邮箱", "type": "email"},
            {"key": "region", "label": "区划", "type": "region"},
            {"key": "company", "label": "单位代码", "type": "uscc"},
            {"key": "note", "label": "说明", "type": "textarea"},
        ]},
        {"key": "extra", "title": "已婚补充",
         "show_if": {"field": "applicant.marital", "op": "eq", "value": "20"},
         "fields": [{"key": "wedding", "label": "结婚日期", "type": "date", "required": True}]},
        {"key": "members", "title": "家庭成员", "repeat": {"min": 1, "max": 3}, "fields": [
            {"key": "name", "label": "姓名", "type": "text", "required": True},
            {"key": "id_number", "label": "身份证号", "type": "id_number", "required": True},
            {"key": "relation", "label": "关系", "type": "select", "required": True,
             "options": [{"value": "spouse", "label": "配偶"},
                         {"value": "child", "label": "子女"}]},
            {"key": "school", "label": "学校", "type": "text", "required": True,
             "show_if": {"field": "relation", "op": "eq", "value": "child"}},
        ]},
    ]
}  # fmt: skip


def valid_data() -> dict:
    return {
        "applicant": {"name": "张三", "id_number": ID, "marital": "10"},
        "members": [{"name": "张三", "id_number": ID, "relation": "spouse"}],
    }


def errors_of(data) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        form_validate(FORM, data)
    assert caught.value.status == 422
    return caught.value.fields


def test_the_form_under_test_is_well_formed():
    formdef_check(FORM)


def test_cleaned_data_is_typed_and_normalized():
    data = valid_data()
    data["applicant"].update(
        name=" 张三 ",
        id_number=ID[:-1] + ID[-1].lower(),
        age="42",
        income="1234.5",
        born="1990-01-01",
        groups=["b", "a", "b"],
        agree="on",
        phone="0558 5123456",
        email="zhang@example.cn",
        region="341602",
        company=USCC.lower(),
        note="第一行\r\n第二行",
        unknown="dropped",
    )
    cleaned = form_validate(FORM, data)
    applicant = cleaned["applicant"]
    assert applicant["name"] == "张三"
    assert applicant["id_number"] == ID.upper()
    assert applicant["age"] == 42
    assert applicant["income"] == "1234.50"
    assert applicant["groups"] == ["a", "b"]
    assert applicant["agree"] is True
    assert applicant["phone"] == "0558-5123456"
    assert applicant["region"] == "341602000000"
    assert applicant["company"] == USCC
    assert applicant["note"] == "第一行\n第二行"
    assert "unknown" not in applicant
    assert json.loads(json.dumps(cleaned)) == cleaned


def test_required_only_when_shown_and_hidden_values_are_dropped():
    data = valid_data()
    data["applicant"]["spouse_name"] = "李四"  # hidden: 未婚
    data["extra"] = {"wedding": "not a date"}  # hidden section: neither checked nor kept
    cleaned = form_validate(FORM, data)
    assert "spouse_name" not in cleaned["applicant"]
    assert "extra" not in cleaned

    data["applicant"]["marital"] = "20"
    data["applicant"]["spouse_name"] = ""
    found = errors_of(data)
    assert found["applicant.spouse_name"] == ["必填"]
    assert found["extra.wedding"]  # the section shows once married


def test_a_hidden_row_field_is_not_required():
    data = valid_data()
    data["members"].append({"name": "张小明", "id_number": CHILD_ID, "relation": "child"})
    assert errors_of(data) == {"members.1.school": ["必填"]}
    data["members"][1]["relation"] = "spouse"
    data["members"][0]["school"] = "ignored"
    cleaned = form_validate(FORM, data)
    assert "school" not in cleaned["members"][0]


def test_repeat_group_limits():
    data = valid_data()
    data["members"] = []
    assert "members" in errors_of(data)
    data["members"] = [{"name": "甲", "id_number": ID, "relation": "spouse"}] * 4
    assert "最多" in errors_of(data)["members"][0]
    data["members"] = "not a list"
    assert "members" in errors_of(data)
    data["members"] = [{"name": "甲", "id_number": ID, "relation": "spouse"}, 7]
    assert set(errors_of(data)) == {"members.1"}


def test_identifier_checks():
    data = valid_data()
    data["applicant"]["id_number"] = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    data["applicant"]["company"] = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    found = errors_of(data)
    assert "校验位" in found["applicant.id_number"][0]
    assert "校验位" in found["applicant.company"][0]


def test_every_error_at_once():
    data = {
        "applicant": {
            "name": "名字实在太长了",
            "id_number": "123",
            "marital": "99",
            "age": "-1",
            "income": "1.234",
            "born": "2999-01-01",
            "groups": ["z"],
            "agree": "maybe",
            "phone": "12345",
            "email": "nobody",
            "region": "34",
        },
        "members": [{"name": "", "id_number": "", "relation": "child"}],
    }
    found = errors_of(data)
    assert set(found) == {
        "applicant.name",
        "applicant.id_number",
        "applicant.marital",
        "applicant.age",
        "applicant.income",
        "applicant.born",
        "applicant.groups",
        "applicant.agree",
        "applicant.phone",
        "applicant.email",
        "applicant.region",
        "members.0.name",
        "members.0.id_number",
        "members.0.school",
    }
    assert found["members.0.name"] == ["必填"]


def test_control_characters_are_refused():
    data = valid_data()
    data["applicant"]["name"] = "张\x00三"
    assert "applicant.name" in errors_of(data)


def test_not_a_form_at_all():
    assert "__all__" in errors_of(["applicant"])
    found = errors_of({"applicant": "张三", "members": []})
    assert "applicant" in found and "applicant.name" in found


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [("13955880000", "13955880000"), ("+86 139 5588 0000", "13955880000"),
     ("010-12345678", "010-12345678"), ("02112345678", "021-12345678"),
     ("0558-5123456-801", "0558-5123456-801")],
)  # fmt: skip
def test_phone_numbers(raw, cleaned):
    data = valid_data()
    data["applicant"]["phone"] = raw
    assert form_validate(FORM, data)["applicant"]["phone"] == cleaned


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_dates_up_to_today():
    from django.utils import timezone

    data = valid_data()
    data["applicant"]["born"] = timezone.localdate().isoformat()
    assert form_validate(FORM, data)["applicant"]["born"] == data["applicant"]["born"]
    data["applicant"]["born"] = "2026-02-30"
    assert "applicant.born" in errors_of(data)


def test_the_default_form_delivery_block():
    definition = default_formdef(item_name="临时救助", target="1")
    data = {
        "applicant": {"name": "张三", "id_number": ID, "phone": "13955880000", "address": "亳州"},
        "request": {"description": "申请临时救助"},
        "delivery": {"method": "pickup", "address": "不需要"},
    }
    assert form_validate(definition, data)["delivery"] == {"method": "pickup"}
    data["delivery"]["method"] = "express"
    with pytest.raises(ValidationError) as caught:
        form_validate(definition, data)
    assert set(caught.value.fields) == {"delivery.recipient", "delivery.phone"}


# --- posted names -------------------------------------------------------------------------------


def test_form_from_post_round_trip():
    data = valid_data()
    data["applicant"].update(marital="20", spouse_name="李四", groups=["a", "b"], agree=True)
    data["extra"] = {"wedding": "2015-05-01"}
    data["members"] = [
        {"name": "李四", "id_number": SPOUSE_ID, "relation": "spouse"},
        {"name": "张小明", "id_number": CHILD_ID, "relation": "child", "school": "亳州一中"},
    ]
    cleaned = form_validate(FORM, data)
    post = QueryDict(mutable=True)
    for name, value in form_post_items(FORM, cleaned):
        post.appendlist(name, value)
    assert post.getlist("applicant.agree") == ["false", "on"]
    assert post["members.1.school"] == "亳州一中"
    assert form_validate(FORM, form_from_post(FORM, post)) == cleaned


def test_form_from_post_closes_gaps_and_drops_blank_rows():
    post = QueryDict(
        "applicant.name=%E5%BC%A0&applicant.groups=&applicant.groups=b&applicant.agree=false"
        "&members.7.name=B&members.2.name=A&members.2.relation=child"
        "&members.5.name=&members.5.relation=&members.99999.name=X&members.x.name=Y"
    )
    data = form_from_post(FORM, post)
    assert data["applicant"] == {"name": "张", "groups": ["b"], "agree": "false"}
    assert data["members"] == [{"name": "A", "relation": "child"}, {"name": "B"}]
    assert data["extra"] == {}


def test_form_from_post_accepts_a_plain_dict():
    data = form_from_post(FORM, {"applicant.name": "张三", "applicant.groups": ["a"]})
    assert data["applicant"] == {"name": "张三", "groups": ["a"]}


# --- nothing but ValidationError ------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _shaped(definition: dict) -> st.SearchStrategy:
    """Data with the definition's own section and field names and arbitrary values (so that the
    cleaners, not only the shape checks, see junk)."""
    sections = {}
    for section in definition["sections"]:
        block = st.fixed_dictionaries(
            {}, optional={field["key"]: JSON for field in section["fields"]}
        )
        repeat = "repeat" in section
        sections[section["key"]] = st.lists(block | JSON, max_size=4) if repeat else block | JSON
    return st.fixed_dictionaries({}, optional=sections)


DEFINITIONS = [FORM, default_formdef(item_name="x", target="2"), *FORMS.values()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(DEFINITIONS) - 1), data=st.data())
def test_form_validate_raises_nothing_but_validation_error(index, data):
    definition = DEFINITIONS[index]
    value = data.draw(JSON | _shaped(definition))
    try:
        cleaned = form_validate(definition, value)
    except ValidationError as error:
        assert error.fields
        assert all(isinstance(m, str) for msgs in error.fields.values() for m in msgs)
        return
    assert json.loads(json.dumps(cleaned)) == cleaned


@settings(max_examples=150, deadline=None)
@given(values=JSON, row=JSON, data=st.data())
def test_condition_eval_on_any_values(values, row, data):
    op = data.draw(st.sampled_from(["eq", "ne", "in", "not_in", "gt", "lte", "empty"]))
    condition = {"field": data.draw(st.sampled_from(["a.b", "b", "a.c"])), "op": op}
    condition["value"] = data.draw(JSON)
    assert condition_eval(condition, values, row) in (True, False)
