"""The process flow chart: an inline SVG, well-formed, escaped, accessible."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from govhall.catalog.flowchart import process_svg

STEPS = [
    {"name": "受理", "post": "acceptance", "days": 1},
    {"name": "审核", "post": "review", "days": 5},
    {"name": "审批", "post": "approval", "days": 0},
]
POSTS = {"acceptance": "受理岗", "review": "审核岗", "approval": "审批岗"}


def parse(svg: str) -> ET.Element:
    """Our own output, parsed to prove it is well-formed XML."""
    return ET.fromstring(svg)  # noqa: S314


def _all_text(svg: str) -> str:
    return "".join(parse(svg).itertext())


def test_every_step_is_a_box_with_its_name_and_an_arrow():
    svg = process_svg(STEPS, post_names=POSTS)
    root = parse(svg)
    assert root.tag == "svg" and root.get("role") == "img"
    boxes = root.findall("g[@class='flow-step']")
    assert len(boxes) == 3
    for step, box in zip(STEPS, boxes, strict=True):
        assert step["name"] in "".join(box.itertext())
    # start → 3 steps → 办结: four arrows, each with the arrowhead marker
    arrows = root.findall("line")
    assert len(arrows) == 4 and all(a.get("marker-end") == "url(#flow-arrow)" for a in arrows)
    text = _all_text(svg)
    assert "开始" in text and "办结" in text
    assert "受理岗 · 1个工作日" in text and "审批岗 · 即时办理" in text


def test_title_and_description_for_screen_readers():
    root = parse(process_svg(STEPS, post_names=POSTS, id_prefix="guide"))
    assert root.get("aria-labelledby") == "guide-title guide-desc"
    assert root.find("title").get("id") == "guide-title"
    assert root.find("title").text == "办理流程图"
    desc = root.find("desc").text
    assert desc.startswith("共3个环节") and "1. 受理(受理岗 · 1个工作日)" in desc
    assert root.find("defs/marker").get("id") == "guide-arrow"


def test_text_is_escaped_and_the_svg_stays_well_formed():
    evil = '<script>alert("x")</script> & 审核'
    svg = process_svg([{"name": evil, "post": "<b>", "days": "3"}, {"name": "A\x00B\x1f"}])
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # raises on malformed XML
    assert evil in "".join(root.itertext())  # shown as text, not markup
    assert "AB" in "".join(root.itertext())  # control characters dropped
    assert root.find(".//script") is None


def test_long_names_wrap_and_keep_the_full_name_in_a_title():
    name = "公共租赁住房保障资格申请及实物配租和租赁补贴发放的联合审核环节" * 2
    root = parse(process_svg([{"name": name, "days": 2}]))
    box = root.find("g[@class='flow-step']")
    lines = [t.text for t in box.findall("text")]
    assert len(lines) == 4  # 3 name lines (the last cut with …) and the note
    assert lines[2].endswith("…")
    assert box.find("title").text == f"1. {name}"
    height = int(root.get("height"))
    assert root.get("viewBox") == f"0 0 400 {height}"


def test_no_steps_no_chart_and_odd_rows_are_tolerated():
    assert process_svg([]) == ""
    assert process_svg(None) == ""
    svg = process_svg([{"name": "受理"}, "not a step", {"days": "约3"}])
    root = parse(svg)
    assert len(root.findall("g[@class='flow-step']")) == 2
    assert "未命名环节" in _all_text(svg) and "约3" in _all_text(svg)


def test_ids_are_safe_and_no_external_namespace_url():
    svg = process_svg(STEPS, id_prefix='x" onload="alert(1)')
    root = parse(svg)
    assert root.get("onload") is None
    assert root.find("title").get("id") == "xonloadalert1-title"
    assert "http" not in svg
