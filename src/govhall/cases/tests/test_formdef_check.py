"""formdef_check: what a catalog administrator may write, and every mistake reported at its path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.cases.formdef import default_formdef, formdef_check
from govhall.core.errors import ValidationError

FORMS = Path(__file__).resolve().parents[2] / "demo" / "data" / "forms.json"
CATALOG = Path(__file__).resolve().parents[2] / "demo" / "data" / "catalog.json"

GOOD = {
    "sections": [
        {
            "key": "applicant",
            "title": "申请人信息",
            "fields": [
                {"key": "name", "label": "姓名", "type": "text", "required": True},
                {
                    "key": "marital",
                    "label": "婚姻状况",
                    "type": "select",
                    "options": [{"value": "10", "label": "未婚"}, {"value": "20", "label": "已婚"}],
                },
                {
                    "key": "spouse_name",
                    "label": "配偶姓名",
                    "type": "text",
                    "show_if": {"field": "applicant.marital", "op": "eq", "value": "20"},
                },
            ],
        },
        {
            "key": "members",
            "title": "家庭成员",
            "repeat": {"min": 0, "max": 20},
            "source": {"household": True},
            "fields": [
                {"key": "relation", "label": "关系", "type": "text"},
                {
                    "key": "job",
                    "label": "工作",
                    "type": "text",
                    "show_if": {"field": "relation", "op": "ne", "value": "child"},
                },
            ],
        },
    ]
}


def problems(definition) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        formdef_check(definition)
    assert caught.value.status == 422
    return caught.value.fields


def changed(edit) -> dict:
    definition = copy.deepcopy(GOOD)
    edit(definition)
    return definition


def test_a_good_definition_passes():
    formdef_check(GOOD)


@pytest.mark.parametrize("target", ["1", "2"])
def test_the_default_form_passes(target):
    definition = default_formdef(item_name="无犯罪记录证明开具", target=target)
    formdef_check(definition)
    sections = {section["key"]: section for section in definition["sections"]}
    method = next(f for f in sections["delivery"]["fields"] if f["key"] == "method")
    assert [o["value"] for o in method["options"]] == ["pickup", "express"]
    address = next(f for f in sections["delivery"]["fields"] if f["key"] == "address")
    assert address["show_if"] == {"field": "delivery.method", "op": "eq", "value": "express"}
    assert "无犯罪记录证明开具" in sections["request"]["fields"][0]["help"]
    keys = [f["key"] for f in sections["applicant"]["fields"]]
    if target == "2":
        assert {"uscc", "legal_representative", "contact_name"} <= set(keys)
    else:
        assert "id_number" in keys


def test_the_default_form_refuses_an_unknown_target():
    with pytest.raises(ValueError):
        default_formdef(item_name="x", target="3")


def test_every_demo_form_passes_and_names_a_catalog_item():
    forms = json.loads(FORMS.read_text(encoding="utf-8"))["forms"]
    numbers = {item["no"] for item in json.loads(CATALOG.read_text(encoding="utf-8"))["items"]}
    assert {"10001", "12005"} <= set(forms)
    for number, definition in forms.items():
        assert number in numbers
        formdef_check(definition)
        delivery = next(s for s in definition["sections"] if s["key"] == "delivery")
        assert delivery["fields"][0]["key"] == "method"
        assert "address" in [f["key"] for f in delivery["fields"]]


def test_the_flagship_form_has_what_the_brief_asks_for():
    form = json.loads(FORMS.read_text(encoding="utf-8"))["forms"]["10001"]
    sections = {section["key"]: section for section in form["sections"]}
    assert sections["members"]["source"] == {"household": True}
    assert {"housing", "properties", "vehicles", "special", "bank", "delivery"} <= set(sections)
    applicant = {field["key"]: field for field in sections["applicant"]["fields"]}
    assert applicant["marital"]["type"] == "select"
    assert applicant["spouse_name"]["show_if"]["field"] == "applicant.marital"


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d["sections"][0]["fields"][0].update(type="money"), "sections.0.fields.0.type"),
        (lambda d: d["sections"][0]["fields"][1].update(key="name"), "sections.0.fields.1.key"),
        (lambda d: d["sections"][1].update(key="applicant"), "sections.1.key"),
        (lambda d: d["sections"][0].update(key="Applicant"), "sections.0.key"),
        (lambda d: d["sections"][0]["fields"][0].update(label=""), "sections.0.fields.0.label"),
        (lambda d: d["sections"][0].update(title=" "), "sections.0.title"),
        (lambda d: d["sections"][0].update(fields=[]), "sections.0.fields"),
        (lambda d: d.update(sections=[]), "sections"),
        (lambda d: d["sections"][1]["repeat"].pop("max"), "sections.1.repeat.max"),
        (lambda d: d["sections"][1]["repeat"].update(max=500), "sections.1.repeat.max"),
        (lambda d: d["sections"][1]["repeat"].update(min=30), "sections.1.repeat.min"),
        (lambda d: d["sections"][1]["repeat"].update(key="nope"), "sections.1.repeat.key"),
        (lambda d: d["sections"][0]["fields"][0].update(colour="red"),
         "sections.0.fields.0.colour"),
        (lambda d: d.update(version=2), "version"),
        (lambda d: d["sections"][0]["fields"][0].update(required="yes"),
         "sections.0.fields.0.required"),
    ],
)  # fmt: skip
def test_structural_mistakes_are_reported_at_their_path(edit, path):
    assert path in problems(changed(edit))


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ({"type": "select"}, "options"),
        ({"type": "select", "options": []}, "options"),
        ({"type": "select",
          "options": [{"value": "1", "label": "a"}, {"value": "1", "label": "b"}]}, "options"),
        ({"type": "select", "options": [{"value": 1, "label": "a"}]}, "options"),
        ({"type": "select", "options": [{"value": "1"}]}, "options"),
        ({"type": "text", "options": [{"value": "1", "label": "a"}]}, "options"),
        ({"type": "text", "min": 1}, "min"),
        ({"type": "integer", "min": "1"}, "min"),
        ({"type": "integer", "min": 5, "max": 1}, "min"),
        ({"type": "date", "max": "2026-02-30"}, "max"),
        ({"type": "text", "max_length": -1}, "max_length"),
        ({"type": "text", "min_length": 5, "max_length": 2}, "min_length"),
        ({"type": "decimal", "decimal_places": 9}, "decimal_places"),
        ({"type": "select", "widget": "slider", "options": [{"value": "1", "label": "a"}]},
         "widget"),
        ({"type": "integer", "default": "many"}, "default"),
        ({"type": "decimal", "min": True, "default": 0}, "min"),
        ({"type": "text", "regex": "^[0-9]+$"}, "regex"),
    ],
)  # fmt: skip
def test_bad_rules_and_options_are_refused(field, path):
    definition = changed(
        lambda d: d["sections"][0]["fields"].append({"key": "extra", "label": "额外", **field})
    )
    assert f"sections.0.fields.3.{path}" in problems(definition)


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        ({"field": "applicant.nothing", "op": "eq", "value": "1"}, "show_if.field"),
        ({"field": "applicant.extra", "op": "empty"}, "show_if.field"),  # itself
        ({"field": "members.relation", "op": "empty"}, "show_if.field"),  # inside a repeat group
        ({"field": "marital", "op": "empty"}, "show_if.field"),  # relative outside a group
        ({"field": "applicant.marital", "op": "like", "value": "1"}, "show_if.op"),
        ({"field": "applicant.marital", "op": ["eq"], "value": "1"}, "show_if.op"),
        ({"field": "applicant.marital", "op": "eq", "value": "99"}, "show_if.value"),
        ({"field": "applicant.marital", "op": "in", "value": "20"}, "show_if.value"),
        ({"field": "applicant.marital", "op": "gt", "value": "20"}, "show_if.value"),
        ({"field": "applicant.name", "op": "empty", "value": ""}, "show_if.value"),
        ({"all": []}, "show_if.all"),
        ({"field": "applicant.name", "op": "empty", "any": []}, "show_if"),
        ({"not": {"field": "applicant.nothing", "op": "empty"}}, "show_if.not.field"),
        ({"any": [{"field": "applicant.name", "op": "empty"}, 3]}, "show_if.any.1"),
        ("applicant.name", "show_if"),
    ],
)
def test_bad_conditions_are_refused(condition, path):
    definition = changed(
        lambda d: d["sections"][0]["fields"].append(
            {"key": "extra", "label": "额外", "type": "text", "show_if": condition}
        )
    )
    assert f"sections.0.fields.3.{path}" in problems(definition)


def test_a_condition_may_not_point_at_a_later_field():
    definition = changed(
        lambda d: d["sections"][0]["fields"][0].update(
            show_if={"field": "applicant.spouse_name", "op": "empty"}
        )
    )
    assert "sections.0.fields.0.show_if.field" in problems(definition)


def test_a_condition_may_not_name_an_identifier_field():
    definition = changed(
        lambda d: d["sections"][0]["fields"].extend(
            [
                {"key": "id", "label": "证号", "type": "id_number"},
                {"key": "x", "label": "x", "type": "text",
                 "show_if": {"field": "applicant.id", "op": "empty"}},
            ]
        )
    )  # fmt: skip
    assert "sections.0.fields.4.show_if.field" in problems(definition)


def test_a_section_condition_may_only_look_back():
    definition = changed(
        lambda d: d["sections"][0].update(show_if={"field": "applicant.name", "op": "empty"})
    )
    assert "sections.0.show_if.field" in problems(definition)
    later = changed(
        lambda d: d["sections"][1].update(
            show_if={"field": "applicant.marital", "op": "eq", "value": "20"}
        )
    )
    formdef_check(later)


@pytest.mark.parametrize(
    ("section", "source", "path"),
    [
        (0, {"account": "salary"}, "source.account"),
        (0, {"resource": "population"}, "source.field"),
        (0, {"resource": "population", "account": "name"}, "source"),
        (0, {"resource": "vehicle", "aggregate": "average"}, "source.aggregate"),
        (0, {"resource": "vehicle", "aggregate": "count"}, "source.aggregate"),  # text field
        (0, {"resource": "marriage", "field": "marital_status", "map": ["已婚"]}, "source.map"),
        (0, {"license": "", "field": "license_number"}, "source.license"),
        (1, {"account": "name"}, "source"),  # rows come from the household, not the account
    ],
)
def test_bad_sources_are_refused(section, source, path):
    def edit(d):
        d["sections"][section]["fields"][0]["source"] = source

    index = 0
    assert f"sections.{section}.fields.{index}.{path}" in problems(changed(edit))


def test_group_sources():
    bad = changed(lambda d: d["sections"][0].update(source={"household": True}))
    assert "sections.0.source" in problems(bad)
    bad = changed(lambda d: d["sections"][1].update(source={"people": True}))
    assert "sections.1.source" in problems(bad)

    def by_record(d):
        d["sections"][1]["source"] = {"resource": "vehicle", "household": True}
        d["sections"][1]["fields"][0]["source"] = {"resource": "real_estate", "field": "location"}

    assert "sections.1.fields.0.source" in problems(changed(by_record))


def test_every_problem_is_listed_at_once():
    def edit(d):
        d["sections"][0]["fields"][0]["type"] = "money"
        d["sections"][0]["fields"][1]["options"] = []
        d["sections"][1]["repeat"] = {"min": 0}

    found = problems(changed(edit))
    assert {
        "sections.0.fields.0.type",
        "sections.0.fields.1.options",
        "sections.1.repeat.max",
    } <= set(found)


@pytest.mark.parametrize("junk", [None, [], "form", {"sections": "x"}, {"sections": [1]}])
def test_junk_is_refused_not_crashed_on(junk):
    assert problems(junk)


# --- nothing but ValidationError, whatever an administrator writes ----------------------------

KEYS = ["key", "label", "type", "required", "options", "show_if", "source", "min", "max",
        "max_length", "decimal_places", "default", "widget", "field", "op", "value", "all",
        "any", "not", "account", "resource", "license", "aggregate", "map", "repeat"]  # fmt: skip
WORDS = ["a", "s.a", "text", "select", "decimal", "date", "boolean", "eq", "in", "gt", "empty",
         "sum", "count", "exists", "today", "2026-01-01"]  # fmt: skip
NODE = st.recursive(
    st.sampled_from(WORDS) | st.none() | st.booleans() | st.integers() | st.floats(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=25,
)
SECTION = st.fixed_dictionaries(
    {"key": st.sampled_from(["s", "a"]), "title": st.just("T"),
     "fields": st.lists(st.dictionaries(st.sampled_from(KEYS), NODE, max_size=7), max_size=4)},
    optional={"repeat": NODE, "source": NODE, "show_if": NODE},
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({"sections": st.lists(SECTION, max_size=3)}) | NODE)
def test_formdef_check_raises_nothing_but_validation_error(definition):
    try:
        formdef_check(definition)
    except ValidationError as error:
        assert error.fields
