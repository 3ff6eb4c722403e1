"""formdef.js in the system Chromium: the same show/hide answers as condition_eval (the corpus
and random cases), the same identifier checks as python-stdnum, and a rendered form at work.

Screenshots go to <tmp>/govhall-screens/ (formdef-*.png).
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from govhall.cases.formdef import (
    HouseholdMember,
    PrefillSources,
    condition_eval,
    form_from_post,
    form_validate,
    prefill_values,
)
from govhall.cases.tests.test_formdef_prefill import (
    HOUSING,
    ME,
    MY_RECORDS,
    SON,
    SON_RECORDS,
    WIFE,
    WIFE_RECORDS,
)
from govhall.core.errors import ValidationError
from govhall.core.identifiers import id_number_with_check, is_valid_id_number, is_valid_uscc
from govhall.tests.browser import SCREENS
from govhall.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "static" / "cases" / "formdef.js"
CORPUS = json.loads((HERE / "test_formdef_corpus.json").read_text(encoding="utf-8"))
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.fixture
def script_page(browser):
    """A blank page with formdef.js loaded; fails the test on any script error."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    yield page
    context.close()
    assert errors == []


def js_eval(page, cases: list[dict]) -> list[bool]:
    # JSON text, so that large integers and odd strings reach JavaScript as JSON.parse reads them
    return page.evaluate(
        """text => JSON.parse(text).map(c =>
            window.govhallFormdef.conditionEval(c.condition, c.values, c.row))""",
        json.dumps(cases, ensure_ascii=False),
    )


def test_the_corpus_gives_the_same_answers_in_python_and_javascript(script_page):
    python = [condition_eval(c["condition"], c["values"], c["row"]) for c in CORPUS]
    javascript = js_eval(script_page, CORPUS)
    for case, py, js in zip(CORPUS, python, javascript, strict=True):
        assert (py, js) == (case["expected"], case["expected"]), case["note"]


SCALARS = [None, True, False, 0, 1, -1, 2.5, 35, 1e21, "", "0", "1", "2.50", "-0", "+1",
           "1e2", " 1", "a", "b", "A", "张", "2026-01-31", "2026-12-01", "\U0001f600",
           "\uffff"]  # fmt: skip


def random_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if roll < 0.7 or depth > 1:
        return rng.choice(SCALARS)
    if roll < 0.9:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return {"x": random_value(rng, depth + 1)}


def random_condition(rng: random.Random, depth: int = 0) -> dict:
    if depth < 2 and rng.random() < 0.3:
        kind = rng.choice(["all", "any", "not"])
        if kind == "not":
            return {"not": random_condition(rng, depth + 1)}
        return {kind: [random_condition(rng, depth + 1) for _ in range(rng.randrange(4))]}
    op = rng.choice(["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "empty", "not_empty"])
    condition = {"field": rng.choice(["s.a", "s.b", "s.c", "t.a", "a", "b"]), "op": op}
    if op in ("in", "not_in") and rng.random() < 0.8:
        condition["value"] = [rng.choice(SCALARS) for _ in range(rng.randrange(4))]
    elif rng.random() < 0.95:
        condition["value"] = rng.choice(SCALARS)
    return condition


def test_random_conditions_agree(script_page):
    rng = random.Random(20261001)
    cases = []
    for _ in range(2000):
        block = {key: random_value(rng) for key in "abc" if rng.random() < 0.8}
        cases.append(
            {
                "condition": random_condition(rng),
                "values": {"s": block, "t": random_value(rng)},
                "row": {key: random_value(rng) for key in "ab" if rng.random() < 0.8},
            }
        )
    python = [condition_eval(c["condition"], c["values"], c["row"]) for c in cases]
    javascript = js_eval(script_page, cases)
    disagree = [c for c, py, js in zip(cases, python, javascript, strict=True) if py != js]
    assert disagree == []
    assert 0.2 < sum(python) / len(python) < 0.8  # the cases test both answers


def test_identifier_checks_agree_with_python_stdnum(script_page):
    rng = random.Random(7)
    numbers = []
    for _ in range(300):
        body = f"341602{rng.randint(1930, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 31):02d}"
        number = id_number_with_check(body + f"{rng.randint(0, 999):03d}")
        if rng.random() < 0.5:
            number = number[:-1] + rng.choice("0123456789X")
        numbers.append(number)
    codes = []
    for _ in range(300):
        body = "".join(rng.choice(string.digits) for _ in range(8))
        body += "".join(rng.choice(USCC_ALPHABET) for _ in range(10))
        codes.append(body if rng.random() < 0.5 else body[:-1] + _uscc_check(body[:-1]))
    codes += ["91341600MA2T0000", "A1341600MA2T00001", "91341600MA2T0000IZ"]
    answers = script_page.evaluate(
        """([ids, codes]) => [ids.map(n => window.govhallFormdef.idNumberProblem(n) === ""),
                              codes.map(c => window.govhallFormdef.usccProblem(c) === "")]""",
        [numbers, codes],
    )
    assert answers[0] == [is_valid_id_number(n) for n in numbers]
    assert answers[1] == [is_valid_uscc(c) for c in codes]
    assert 50 < sum(answers[0]) < 250 and 50 < sum(answers[1]) < 250


def test_a_form_swapped_in_later_is_brought_to_life(script_page):
    """What htmx does: new content in the page, then ``htmx:load`` on it."""
    from django.template.loader import render_to_string

    from govhall.cases.formdef import formdef_context

    html = render_to_string(
        "cases/includes/formdef_form.html", {"formdef": formdef_context(HOUSING)}
    )
    script_page.evaluate(
        """html => { const box = document.createElement("div"); box.id = "box";
                     box.innerHTML = html; document.body.appendChild(box); }""",
        html,
    )
    add = script_page.get_by_role("button", name="添加家庭成员", include_hidden=True)
    assert add.is_hidden()  # until the script takes the form over: no dead buttons
    assert script_page.locator("[data-formdef-spare]").count() == 3
    script_page.evaluate(
        """() => document.getElementById("box").dispatchEvent(
                     new CustomEvent("htmx:load", {bubbles: true}))"""
    )
    assert script_page.locator("[data-formdef-spare]").count() == 0
    assert script_page.locator("[data-formdef-ready]").count() == 1
    rent = script_page.locator("#fd-housing-monthly_rent")
    assert rent.is_hidden()
    script_page.locator("#fd-housing-situation-0").check()
    assert rent.is_visible() and rent.is_enabled()
    add.click()
    assert script_page.locator("#fd-members-1-name").is_visible()


def _uscc_check(body: str) -> str:
    from stdnum.cn import uscc

    return uscc.calc_check_digit(body)


# --- the rendered flagship form at work -----------------------------------------------------------

PAGE = """{% extends "portal/base.html" %}{% load formdef_tags %}
{% block content %}<h1>公共租赁住房保障资格申请</h1>
<form method="post" novalidate>
{% formdef_form definition values=values errors=errors prefill=prefill %}
<button type="submit" class="button">提交申请</button></form>
{% if cleaned %}<pre id="cleaned">{{ cleaned }}</pre>{% endif %}{% endblock %}"""


def _prefill():
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


@csrf_exempt
def form_page(request: HttpRequest) -> HttpResponse:
    context = {"definition": HOUSING, "prefill": _prefill(), "values": None, "errors": None}
    if request.method == "POST":
        data = form_from_post(HOUSING, request.POST)
        try:
            cleaned = form_validate(HOUSING, data)
            context["cleaned"] = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)
            context["values"] = cleaned
        except ValidationError as error:
            context.update(values=data, errors=error.fields)
    return HttpResponse(engines["django"].from_string(PAGE).render(context, request))


urlpatterns = [path("formdef-test/", form_page), *project_urlpatterns]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushed_db_posts")
def test_the_form_shows_and_hides_as_the_applicant_answers(page_for, live_server):
    from playwright.sync_api import expect

    page = page_for(390, 844)
    page.goto(f"{live_server.url}/formdef-test/")
    form = page.locator("[data-formdef]")
    spouse = page.locator("#fd-applicant-spouse_name")
    expect(spouse).to_be_visible()
    expect(spouse).to_have_value("李四")
    address = form.locator("[data-key=register_address]")
    expect(address.locator(".badge")).to_have_text("来自 亳州市公安局·人口基础信息 2026-10-01")
    page.screenshot(path=SCREENS / "formdef-prefilled-390.png", full_page=True)

    # show_if, live
    page.get_by_label("婚姻状况").select_option("10")
    expect(spouse).to_be_hidden()
    expect(spouse).to_be_disabled()
    page.get_by_label("婚姻状况").select_option("40")
    expect(page.locator("#fd-applicant-divorced_on")).to_be_visible()
    grade = page.locator("#fd-members-1-disability_grade")
    expect(grade).to_be_visible()
    page.locator("#fd-members-1-disabled").uncheck()
    expect(grade).to_be_hidden()
    expect(page.locator("#fd-housing-monthly_rent")).to_be_hidden()
    page.get_by_label("租赁住房").check()
    expect(page.locator("#fd-housing-monthly_rent")).to_be_visible()

    # a changed prefill is marked
    phone = page.locator("#fd-applicant-phone")
    phone.fill("13800000000")
    expect(form.locator("[data-key=phone]").first.locator(".badge")).to_contain_text("已修改")
    phone.fill("13955880000")
    expect(form.locator("[data-key=phone]").first.locator(".badge")).to_have_text(
        "来自 实名认证信息"
    )


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushed_db_posts")
def test_rows_identifier_hints_and_the_server_answer(page_for, live_server):
    from playwright.sync_api import expect

    page = page_for(390, 844)
    page.goto(f"{live_server.url}/formdef-test/")
    page.get_by_label("婚姻状况").select_option("40")
    page.locator("#fd-members-1-disabled").uncheck()
    page.get_by_label("租赁住房").check()
    page.locator("#fd-applicant-phone").fill("13800000000")
    # rows: the spare row is gone, one is added, one removed, numbers follow
    rows = page.locator("#fd-members [data-formdef-rows] > [data-formdef-row]")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="添加家庭成员").click()
    expect(rows).to_have_count(4)
    expect(page.locator("#fd-members-3-name")).to_be_focused()
    new_id = page.locator("#fd-members-3-id_number")
    new_id.fill(ME[:-1] + ("0" if ME[-1] != "0" else "1"))
    expect(page.locator("#fd-members-3-id_number_check")).to_contain_text("校验位不正确")
    new_id.fill(id_number_with_check("34160220180404456"))
    expect(page.locator("#fd-members-3-id_number_check")).to_contain_text("格式正确")
    page.locator("#fd-members-3-name").fill("王六")
    page.locator("#fd-members-3-relation").select_option("other")
    page.locator("#fd-members-3-annual_income").fill("0")
    page.locator("#fd-members-3-property_count").fill("0")
    page.locator("#fd-members-3-vehicle_count").fill("0")
    rows.nth(2).get_by_role("button", name="删除此项").click()  # the son
    expect(rows).to_have_count(3)
    expect(rows.nth(2).locator("[data-formdef-number]")).to_have_text("3")
    expect(page.locator("#fd-members-2-name")).to_have_value("王六")
    page.screenshot(path=SCREENS / "formdef-edited-390.png", full_page=True)

    # the server answers every error at once, at its field
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert")).to_contain_text("处填写有误")
    rent = page.locator("#fd-housing-monthly_rent")
    expect(rent).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#fd-housing-monthly_rent_error")).to_contain_text("必填")
    expect(page.locator("#fd-members-2-name")).to_have_value("王六")
    expect(page.locator("#fd-applicant-phone")).to_have_value("13800000000")

    rent.fill("800")
    page.get_by_label("开户银行").select_option("icbc")
    page.get_by_label("银行账号").fill("6222020000000000")
    page.get_by_label("本人及共同申请的家庭成员承诺", exact=False).check()
    page.get_by_label("同意住房保障部门", exact=False).check()
    page.get_by_role("button", name="提交申请").click()
    cleaned = json.loads(page.locator("#cleaned").text_content())
    assert cleaned["applicant"]["marital"] == "40" and "spouse_name" not in cleaned["applicant"]
    assert [m["name"] for m in cleaned["members"]] == ["张三", "李四", "王六"]
    assert cleaned["members"][1]["disabled"] is False
    assert "disability_grade" not in cleaned["members"][1]
    assert cleaned["housing"]["monthly_rent"] == "800.00"
    assert cleaned["delivery"] == {"method": "pickup"}


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushed_db_posts")
def test_rows_stay_within_their_limits(page_for, live_server):
    from playwright.sync_api import expect

    page = page_for(1280, 900)
    page.goto(f"{live_server.url}/formdef-test/")
    rows = page.locator("#fd-members [data-formdef-rows] > [data-formdef-row]")
    for _ in range(2):
        rows.first.get_by_role("button", name="删除此项").click()
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("button", name="删除此项")).to_be_hidden()  # min 1
    add = page.get_by_role("button", name="添加住房")
    for _ in range(8):  # two homes prefilled, at most ten
        add.click()
    expect(page.locator("#fd-properties [data-formdef-row]")).to_have_count(10)
    expect(add).to_be_disabled()
    page.screenshot(path=SCREENS / "formdef-rows-1280.png", full_page=True)
