"""The template include: names are form paths, a hidden row template, source badges, errors,
visibility as formdef.js computes it, and a page that works without scripts."""

from __future__ import annotations

import json
import re

import pytest
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string

from govhall.cases.formdef import (
    HouseholdMember,
    PrefillSources,
    form_from_post,
    form_post_items,
    formdef_context,
    prefill_values,
)
from govhall.cases.formdef import default_formdef as default
from govhall.cases.tests.test_formdef_prefill import (
    HOUSING,
    ME,
    MY_RECORDS,
    SON,
    SON_RECORDS,
    WIFE,
    WIFE_RECORDS,
)


@pytest.fixture
def prefill():
    sources = PrefillSources(
        account={"name": "张三", "id_number": ME, "phone": "13955880000"},
        records=MY_RECORDS,
        household=[
            HouseholdMember(ME, MY_RECORDS),
            HouseholdMember(WIFE, WIFE_RECORDS),
            HouseholdMember(SON, SON_RECORDS),
        ],
    )
    return prefill_values(HOUSING, sources)


def render(**kwargs) -> str:
    context = formdef_context(kwargs.pop("definition", HOUSING), **kwargs)
    return render_to_string("cases/includes/formdef_form.html", {"formdef": context})


def field_html(html: str, name: str) -> str:
    """The markup of the field whose control is named ``name`` (outside the row template)."""
    html = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    ident = "fd-" + name.replace(".", "-")
    start = html.rindex('<div class="field formdef-field', 0, html.index(f'id="{ident}'))
    return html[start : html.index("</div>", html.index(f'id="{ident}'))]


def test_names_are_form_paths_and_values_are_shown(prefill):
    html = render(prefill=prefill)
    assert 'name="applicant.name" value="张三"' in html
    assert f'name="members.1.id_number" value="{WIFE}"' in html
    assert 'name="members.2.name" value="张小明"' in html
    assert '<option value="20" selected>已婚</option>' in html
    assert 'id="fd-applicant-sex-0" name="applicant.sex" value="1" checked' in html


def test_the_row_template_is_hidden_and_numbered_by_placeholder(prefill):
    html = render(prefill=prefill)
    template = re.search(r"<template data-formdef-template>(.*?)</template>", html, re.S).group(1)
    assert 'name="members.__index__.name" value=""' in template
    assert 'id="fd-members-__index__-id_number"' in template
    assert "data-formdef-badge" not in template


def test_source_badges(prefill):
    html = render(prefill=prefill)
    address = field_html(html, "applicant.register_address")
    assert "来自 亳州市公安局·人口基础信息 2026-10-01" in address
    assert "data-prefill=" in address
    assert "来自 实名认证信息" in field_html(html, "applicant.name")
    assert "data-formdef-badge" not in field_html(html, "housing.monthly_rent")


def test_visibility_follows_the_values(prefill):
    html = render(prefill=prefill)
    spouse = field_html(html, "applicant.spouse_name")
    assert " hidden" not in spouse.split(">")[0]
    divorced = field_html(html, "applicant.divorced_on")
    assert divorced.split(">")[0].endswith(" hidden")
    assert 'name="applicant.divorced_on"' in divorced and " disabled" in divorced
    grade = field_html(html, "members.1.disability_grade")  # the wife holds a disability card
    assert " hidden" not in grade.split(">")[0]
    assert field_html(html, "members.0.disability_grade").split(">")[0].endswith(" hidden")


def test_errors_are_shown_at_their_fields(prefill):
    errors = {"applicant.phone": ["请填写11位手机号码。"], "members": ["至少填写1项。"],
              "__all__": ["表单数据格式不正确。"]}  # fmt: skip
    html = render(prefill=prefill, errors=errors)
    phone = field_html(html, "applicant.phone")
    assert "field--error" in phone and 'aria-invalid="true"' in phone
    assert 'aria-describedby="fd-applicant-phone_error"' in phone
    assert "请填写11位手机号码。" in phone
    assert 'id="fd-members_error"><li>至少填写1项。</li>' in html
    assert "表单数据格式不正确。" in html and 'role="alert"' in html


def test_a_re_rendered_post_keeps_each_badge_with_its_row(prefill):
    post = QueryDict(mutable=True)
    for name, value in form_post_items(HOUSING, prefill.values):
        post.appendlist(name, value)
    data = form_from_post(HOUSING, post)
    data["members"] = [data["members"][2], data["members"][0]]  # the wife removed, reordered
    data["applicant"]["phone"] = "13800000000"
    html = render(values=data, prefill=prefill)
    son = field_html(html, "members.0.name")
    assert "来自 亳州市公安局·人口基础信息" in son and "formdef-changed" not in son
    phone = field_html(html, "applicant.phone")
    assert "formdef-changed" in phone and "已修改,原值来自 实名认证信息" in phone


def test_a_spare_blank_row_for_pages_without_scripts():
    html = render()
    rows = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    assert rows.count("data-formdef-spare") == 3  # members, properties, vehicles
    assert 'name="members.0.name"' in rows and 'name="members.1.name"' in rows  # min 1 + spare
    blank = QueryDict(
        "members.0.name=A&members.0.id_number=&members.1.name=&members.1.disabled=false"
    )
    assert form_from_post(HOUSING, blank)["members"] == [{"name": "A", "id_number": ""}]


def test_the_default_value_is_selected_and_buttons_wait_for_the_script():
    html = render(definition=default(item_name="x", target="1"))
    assert 'name="delivery.method" value="pickup" checked' in html
    assert field_html(html, "delivery.address").split(">")[0].endswith(" hidden")
    assert "<script src=" in html and "cases/formdef.js" in html


def test_the_template_tag():
    template = engines["django"].from_string(
        "{% load formdef_tags %}{% formdef_form definition errors=errors %}"
    )
    html = template.render({"definition": HOUSING, "errors": {"applicant.name": ["必填"]}})
    assert "data-formdef" in html and "<li>必填</li>" in html


def test_show_if_is_passed_to_the_script_as_json(prefill):
    html = render(prefill=prefill)
    match = re.search(r'data-key="spouse_name"[^>]*data-show-if="([^"]+)"', html)
    condition = json.loads(match.group(1).replace("&quot;", '"'))
    assert condition == {"field": "applicant.marital", "op": "eq", "value": "20"}
