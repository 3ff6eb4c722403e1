"""The search text and query parsing, without a database."""

from __future__ import annotations

import json
from types import SimpleNamespace

from govhall.catalog import search


def _version(name: str, **extra) -> SimpleNamespace:
    fields = {"themes_person": [], "themes_legal": [], "result_name": "", **extra}
    return SimpleNamespace(name=name, **fields)


def test_synonym_table_has_the_common_abbreviations():
    raw = json.loads(search._SYNONYMS.read_text(encoding="utf-8"))
    assert len(raw["equivalent"]) + len(raw["related"]) >= 30
    table = search.synonyms().query
    for short, full in [
        ("公租房", "公共租赁住房"),
        ("社保", "社会保险"),
        ("公积金", "住房公积金"),
        ("低保", "最低生活保障"),
        ("个体户", "个体工商户"),
        ("残疾证", "残疾人证"),
        ("不动产证", "不动产权证书"),
    ]:
        assert full in table[short] and short in table[full]
    assert "设立登记" in table["营业执照"]


def test_normalize_folds_width_and_case_and_drops_everything_else():
    assert search.normalize("ＧＺＦ　公租房！") == "gzf 公租房"
    assert search.normalize("100%_like'; DROP TABLE--") == "100 like drop table"
    assert search.normalize("😀🏠") == ""
    assert search.normalize("lü") == "lv"


def test_index_holds_words_pinyin_initials_and_synonyms_name_first():
    version = _version(
        "公共租赁住房保障资格申请",
        themes_person=["住房保障"],
        result_name="公共租赁住房保障资格证明",
    )
    text = search.build_search_text(version, [{"name": "居民身份证"}])
    name_part, rest = text.split(f" {search.NAME_END} ")
    words = name_part.split()
    assert words[:3] == [
        "公共租赁住房保障资格申请",
        "ggzlzfbzzgsq",
        "gonggongzulinzhufangbaozhangzigeshenqing",
    ]
    assert {"公租房", "gzf", "gongzufang", "公共租赁住房", "申请"} <= set(words)
    assert {"住房保障", "zfbz", "zhufangbaozhang", "居民身份证", "jmsfz"} <= set(rest.split())
    assert "juminshenfenzheng" not in rest  # materials: initials only
    punctuated = search.build_search_text(_version("住房公积金提取(租房)"), [])
    assert punctuated.split()[:3] == [
        "住房公积金提取租房",
        "zfgjjtqzf",
        "zhufanggongjijintiquzufang",
    ]


def test_index_of_an_abbreviated_name_holds_the_official_form():
    text = search.build_search_text(_version("社保卡补领"), [])
    words = text.split()
    assert "社会保障卡" in words and "补办" in words and "sbkbl" in words


def test_queries_are_segmented_and_expanded():
    query = search.parse_query("公租房申请")
    assert [t.text for t in query.terms] == ["公租房", "申请"]
    assert ("公共租赁住房",) in query.terms[0].alternatives
    assert "公共租赁住房申请" in query.variants

    spaced = search.parse_query("gong zu fang")
    assert [t.text for t in spaced.terms] == ["gongzufang"]
    assert ("gong", "zu", "fang") in spaced.terms[0].alternatives
    assert "公租房" in search.parse_query("gzf").terms[0].marks  # the index holds gzf itself

    question = search.parse_query("请问如何办理居住证?")
    assert [t.text for t in question.terms] == ["办理", "居住证"]


def test_odd_queries_are_safe_and_capped():
    for odd in ["", "   ", "%", "_%_", "😀😀", "!!!???", "\x00\n\t", "<>"]:
        query = search.parse_query(odd)
        assert query.is_empty and query.terms == () and query.variants == ()
    assert search.parse_query("%").ignored and not search.parse_query("").ignored
    long = search.parse_query("公共租赁住房" * 200)
    assert long.truncated and len(long.text) == search.MAX_QUERY_CHARS
    assert len(long.terms) <= search.MAX_TERMS
    assert search.parse_query("a" * 10_000).truncated


def test_highlight_escapes_and_marks_words_pinyin_and_synonyms():
    name = "公共租赁住房保障资格申请"
    assert search.highlight(search.parse_query("申请"), [("", name)]) == (
        "公共租赁住房保障资格<mark>申请</mark>"
    )
    assert search.highlight(search.parse_query("gzf"), [("", name)]).startswith(
        "<mark>公共租赁住房</mark>"
    )
    assert search.highlight(search.parse_query("zige"), [("", name)]) == (
        "公共租赁住房保障<mark>资格</mark>申请"
    )
    material = search.highlight(
        search.parse_query("身份证"), [("", name), ("申请材料", "居民身份证")]
    )
    assert material == "申请材料:<mark>居民身份证</mark>"
    unsafe = search.highlight(search.parse_query("b"), [("", "<b>x</b>")])
    assert "<b>" not in unsafe and "&lt;" in unsafe


def test_warm_up_loads_the_segmenter_and_answers_queries_after():
    from govhall.catalog import search

    search.warm_up()
    assert search._tokenizer is not None
    assert search.parse_query("公租房").terms
