"""Notices and receipts as PDF: Chinese text that extracts verbatim, QR code, pages, escaping.

Every rendering test runs twice: with an embedded TrueType CJK font (the one the project finds, or
the file named by the environment variable GOVHALL_PDF_FONT; skipped when there is none) and with
the non-embedded STSong-Light fallback.
"""

from __future__ import annotations

import io
import logging
import os
import re
from datetime import UTC, date, datetime

import pytest
import segno
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

from govhall.cases import documents
from govhall.cases.documents import (
    NoticeDocument,
    NoticeKind,
    format_date,
    notice_pdf,
    notice_title,
    pdf_font,
    receipt_pdf,
)

CASE_NUMBER = "341600-20260105-000123"
ISSUER = "亳州市住房和城乡建设局"
URL = "https://zwfw.bozhou.gov.cn/progress?number=341600-20260105-000123"
CLOSING_PUNCTUATION = "，。、；：！？）」』》”"


@pytest.fixture(params=["embedded", "cid"])
def font(request, settings, monkeypatch) -> documents.PdfFont:
    documents._resolve_font.cache_clear()
    if request.param == "embedded":
        candidates = documents._font_candidates()
        path = os.environ.get("GOVHALL_PDF_FONT") or (candidates[0][0] if candidates else "")
        if not path:
            pytest.skip("no TrueType CJK font here: pip install paperang-p2-fonts-cjk")
        settings.GOVHALL_PDF_FONT = path
    else:
        settings.GOVHALL_PDF_FONT = ""
        monkeypatch.setattr(documents, "_font_candidates", lambda: [])
    yield pdf_font()
    documents._resolve_font.cache_clear()


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    """Extracted text without white space: line breaks fall wherever the layout put them."""
    return "".join(text.split())


def _notice(**overrides) -> NoticeDocument:
    values = {
        "kind": NoticeKind.CORRECTION,
        "number": "亳住建补字〔2026〕第000123号",
        "addressee": "张三",
        "case_number": CASE_NUMBER,
        "item_name": "公共租赁住房保障资格申请",
        "paragraphs": [
            "你于2026年1月5日提交的申请，经审查，申请材料不齐全。根据《中华人民共和国行政"
            "许可法》第三十二条的规定，请自收到本通知书之日起一次性补正下列全部材料。"
        ],
        "facts": [("受理日期", "2026年1月5日"), ("承诺办结日期", "2026年1月20日")],
        "items": ["户口簿复印件（户主页及本人页）", "家庭收入证明（由所在单位出具并加盖公章）"],
        "issuer": ISSUER,
        "issued_on": date(2026, 1, 6),
        "qr_url": URL,
        "footer": ["咨询电话：0558-5123456　投诉电话：12345"],
    }
    return NoticeDocument(**(values | overrides))


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_kind_shows_title_number_case_items_and_issuer(font, kind):
    items = [f"第{n}条：{'理由或材料说明，' * n}结束。" for n in range(1, 6)]
    pages = _pages(notice_pdf(_notice(kind=kind, items=items)))

    assert len(pages) == 1
    text = _flat(pages[0])
    assert notice_title(kind) in text
    for expected in [
        "亳住建补字〔2026〕第000123号",
        "张三：",
        CASE_NUMBER,
        "公共租赁住房保障资格申请",
    ]:
        assert expected in text
    for number, item in enumerate(items, start=1):
        assert f"{number}.{item}" in text
    assert ISSUER in text
    assert "2026年1月6日" in text
    assert "扫码查询办理进度" in text
    assert "咨询电话：0558-5123456投诉电话：12345" in text
    assert "第1页共1页" in text


def test_kind_sets_the_heading_of_the_numbered_list(font):
    assert "请一次性补正以下材料：" in _flat(_pages(notice_pdf(_notice()))[0])
    refusal = notice_pdf(_notice(kind="refusal", title="不予受理通知书（自定）"))
    assert "不予受理的理由：" in _flat(_pages(refusal)[0])
    assert "不予受理通知书（自定）" in _flat(_pages(refusal)[0])


def test_receipt_shows_case_number_and_query_password(font):
    pdf = receipt_pdf(
        case_number=CASE_NUMBER,
        query_password="834912",
        item_name="公共租赁住房保障资格申请",
        applicant="李四",
        submitted_at=datetime(2026, 1, 5, 1, 30, tzinfo=UTC),
        qr_url=URL,
        issuer="亳州市网上办事大厅",
    )

    text = _flat(_pages(pdf)[0])
    assert "办件回执" in text
    assert f"办件编号{CASE_NUMBER}" in text
    assert "查询密码834912" in text
    assert "申请人李四" in text
    assert "2026年1月5日09:30" in text  # local time (Asia/Shanghai)
    assert "扫码查询办理进度" in text


def test_qr_code_encodes_the_progress_page_url(font):
    page = PdfReader(io.BytesIO(notice_pdf(_notice()))).pages[0]

    images = list(page.images)
    assert len(images) == 1
    # No QR decoder is installed: sample the embedded picture at every module's centre and compare
    # with the symbol segno makes for the URL.
    picture = images[0].image.convert("L")
    expected = [list(row) for row in segno.make(URL, error="m").matrix_iter(border=2)]
    cell = picture.width / len(expected)
    assert picture.width == picture.height
    found = [
        [int(picture.getpixel((int((x + 0.5) * cell), int((y + 0.5) * cell))) < 128) for x in row]
        for y, row in enumerate([range(len(expected))] * len(expected))
    ]
    assert found == expected


def test_without_url_there_is_no_qr_code(font):
    pdf = notice_pdf(_notice(qr_url=""))

    assert not list(PdfReader(io.BytesIO(pdf)).pages[0].images)
    assert "扫码查询办理进度" not in _pages(pdf)[0]


@pytest.mark.parametrize("url", ["/progress?number=1", "javascript:alert(1)", "ftp://x/y"])
def test_qr_url_must_be_absolute_http(url):
    with pytest.raises(ValueError, match="qr_url"):
        notice_pdf(_notice(qr_url=url))


def test_two_hundred_items_run_over_several_pages(font):
    items = [f"缺少材料第{n:03d}项：{'说明' * (n % 9)}" for n in range(1, 201)]
    pages = _pages(notice_pdf(_notice(items=items)))

    assert len(pages) >= 4
    text = _flat("".join(pages))
    for number, item in enumerate(items, start=1):
        assert f"{number}.{item}" in text
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in _flat(page)
        assert f"办件编号：{CASE_NUMBER}" in _flat(page)
    assert ISSUER in _flat(pages[-1])


HOSTILE = [
    '<script>alert("x")</script>',
    "&amp; &lt;b&gt; & &#x4e2d; <b>粗体</b><br/><font name='Courier'>x</font>",
    "引号 \"双\" 'single' “全角” ‘单’ \\ </para> <para>",
    "长" + "A" * 300 + "中" * 80 + "https://example.cn/" + "x" * 150,
]


def test_hostile_text_is_escaped_and_extracted_verbatim(font):
    doc = _notice(
        title=HOSTILE[0],
        number=HOSTILE[1],
        addressee=HOSTILE[2],
        case_number="CASE<&>\"'",
        item_name=HOSTILE[1],
        paragraphs=HOSTILE,
        facts=[(HOSTILE[0], HOSTILE[3]), (HOSTILE[2], HOSTILE[1])],
        items=HOSTILE,
        issuer=HOSTILE[2],
        qr_caption=HOSTILE[1],
        footer=HOSTILE,
    )
    pages = _pages(notice_pdf(doc))

    text = _flat("".join(pages))
    for value in [*HOSTILE, "CASE<&>\"'"]:
        assert _flat(value) in text


def test_control_characters_are_dropped_and_newlines_kept(font):
    pages = _pages(notice_pdf(_notice(paragraphs=["第一行\n第二行\x00\x07\ud800结束"])))

    assert "第一行\n第二行结束" in pages[0].replace(" ", "")


def test_characters_missing_from_the_font_still_extract(font):
    text = _flat(_pages(notice_pdf(_notice(addressee="王𠮷", paragraphs=["䶮先生"])))[0])

    assert "王𠮷：" in text
    assert "䶮先生" in text


def test_closing_punctuation_does_not_start_a_line(font):
    # Without the rule, reportlab's CJK wrapping starts several of these lines with "，".
    paragraph = "".join("甲" * n + ("，" if n % 4 else "。") for n in range(1, 40))
    pages = _pages(notice_pdf(_notice(paragraphs=[paragraph], items=[], facts=[])))

    lines = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert len(lines) > 10
    assert not [line for line in lines if line[0] in CLOSING_PUNCTUATION]


def test_embedded_font_is_a_subset_in_the_file(font):
    pdf = notice_pdf(_notice())
    reader = PdfReader(io.BytesIO(pdf))

    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object().get("/FontDescriptor") for f in fonts.values()]
    embedded = [d for d in descriptors if d is not None and "/FontFile2" in d.get_object()]
    assert bool(embedded) is font.embedded
    if not font.embedded:
        assert any(f.get_object()["/BaseFont"] == "/STSong-Light" for f in fonts.values())


def test_fallback_font_is_logged(settings, monkeypatch, caplog):
    documents._resolve_font.cache_clear()
    settings.GOVHALL_PDF_FONT = ""
    monkeypatch.setattr(documents, "_font_candidates", lambda: [])
    try:
        with caplog.at_level(logging.WARNING, logger="govhall.documents"):
            chosen = pdf_font()
            assert pdf_font() is chosen  # resolved once
    finally:
        documents._resolve_font.cache_clear()

    assert chosen.name == "STSong-Light" and not chosen.embedded
    assert [r for r in caplog.records if "STSong-Light" in r.getMessage()]


@pytest.mark.parametrize(
    "path",
    [
        "/nonexistent/font.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # no Chinese
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # CFF outlines
    ],
)
def test_configured_font_that_cannot_be_embedded_is_an_error(settings, path):
    if path != "/nonexistent/font.ttf" and not os.path.exists(path):
        pytest.skip(f"{path} is not on this machine")
    documents._resolve_font.cache_clear()
    settings.GOVHALL_PDF_FONT = path
    try:
        with pytest.raises(ImproperlyConfigured, match="GOVHALL_PDF_FONT"):
            pdf_font()
    finally:
        documents._resolve_font.cache_clear()


def test_format_date_and_default_titles():
    assert format_date(date(2026, 1, 5)) == "2026年1月5日"
    assert notice_title("acceptance") == "受理通知书"
    assert notice_title(NoticeKind.REFUSAL) == "不予受理通知书"
    assert notice_title("generic") == "通知书"
    assert re.fullmatch(r"\S+", notice_title("receipt"))
