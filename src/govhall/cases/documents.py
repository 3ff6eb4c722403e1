"""Printable notices and receipts (通知书, 回执) as A4 PDF.

A pure rendering layer: no models. The cases services build a :class:`NoticeDocument` from a case,
call :func:`notice_pdf` (or :func:`receipt_pdf`) and store the bytes.

Chinese text is set in a TrueType CJK font whose used glyphs are embedded as a subset, so that the
PDF looks the same on every machine and text extraction returns the same characters. reportlab
cannot embed CFF outlines (the Noto CJK ``.otf``/``.ttc`` files), so the font is the first of:

1. ``GOVHALL_PDF_FONT``: path to a ``.ttf``/``.ttc`` with TrueType outlines and Chinese glyphs;
   ``GOVHALL_PDF_FONT_INDEX`` picks the face inside a ``.ttc`` (default 0). A configured font
   that cannot be used is an error, never silently replaced.
2. WenQuanYi Micro Hei from the ``paperang-p2-fonts-cjk`` wheel (pip-installable, no root).
3. Well-known system TrueType CJK fonts (Debian ``fonts-wqy-*``, ``fonts-arphic-*``, Windows,
   macOS).
4. reportlab's built-in CID font STSong-Light, not embedded: the PDF viewer supplies the glyphs.
   A warning is logged once per process.

Characters missing from the embedded font (rare name characters, 生僻字) are set in STSong-Light
so that they still extract correctly and render where the viewer has them.
"""

from __future__ import annotations

import enum
import functools
import io
import itertools
import logging
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph

logger = logging.getLogger("govhall.documents")

CID_FALLBACK_FONT = "STSong-Light"
SEAL_RED = colors.Color(0.85, 0.1, 0.1)
_MARGINS = {
    "leftMargin": 28 * mm,
    "rightMargin": 26 * mm,
    "topMargin": 25 * mm,
    "bottomMargin": 24 * mm,
}
_PAGE = {"pagesize": A4, "lang": "zh-CN", "creator": "govhall", **_MARGINS}

# A .ttc/.ttf shipped inside an installed Python package: (module, path inside it, face index).
_PACKAGED_FONTS: tuple[tuple[str, str, int], ...] = (
    ("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc", 0),
)
# TrueType CJK fonts of common systems (first face of each .ttc).
_SYSTEM_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
# Full-width closing punctuation that reportlab's CJK wrapping does not yet keep off the start
# of a line (it knows 、。」』】〕）and the ASCII ones).
_CANNOT_START_EXTRA = "，；：！？”’》〉…·％"
_STRIPPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


class NoticeKind(enum.StrEnum):
    RECEIPT = "receipt"
    ACCEPTANCE = "acceptance"
    REFUSAL = "refusal"
    CORRECTION = "correction"
    COMPLETION = "completion"
    DENIAL = "denial"
    GENERIC = "generic"


def notice_title(kind: NoticeKind | str) -> str:
    """The usual title of a notice of this kind."""
    titles = {
        NoticeKind.RECEIPT: _("办件回执"),
        NoticeKind.ACCEPTANCE: _("受理通知书"),
        NoticeKind.REFUSAL: _("不予受理通知书"),
        NoticeKind.CORRECTION: _("补正材料通知书"),
        NoticeKind.COMPLETION: _("办结通知书"),
        NoticeKind.DENIAL: _("不予许可决定书"),
    }
    return titles.get(NoticeKind(kind), _("通知书"))


def _items_title(kind: NoticeKind) -> str:
    titles = {
        NoticeKind.CORRECTION: _("请一次性补正以下材料："),
        NoticeKind.REFUSAL: _("不予受理的理由："),
        NoticeKind.DENIAL: _("不予许可的理由："),
    }
    return titles.get(kind, "")


@dataclass(frozen=True, kw_only=True)
class NoticeDocument:
    """What a notice says. Every text is plain (no markup); a lone string where a list is expected
    is one entry. ``title`` defaults to the
    kind's usual title, ``items_title`` to the kind's usual heading of the numbered list, and
    ``case_number``/``item_name`` are added to the facts table unless a fact already shows them."""

    kind: NoticeKind | str
    title: str = ""
    number: str = ""
    addressee: str = ""
    case_number: str = ""
    item_name: str = ""
    paragraphs: str | Sequence[str] = ()
    facts: Sequence[tuple[str, str]] = ()
    items_title: str = ""
    items: str | Sequence[str] = ()
    issuer: str = ""
    issued_on: date | None = None
    qr_url: str = ""
    qr_caption: str = ""
    footer: str | Sequence[str] = ()
    seal: bool = True
    # PDF keywords (metadata), and byte-for-byte reproducible output (fixed dates and file id),
    # for documents checked against their regeneration (the signed letters of ``cases.letters``)
    keywords: str = ""
    invariant: bool = False


@dataclass(frozen=True)
class PdfFont:
    """The font notices are set in: its reportlab name, file and whether it is embedded."""

    name: str
    path: str | None
    index: int
    embedded: bool


# --- fonts ----------------------------------------------------------------------------------


def pdf_font() -> PdfFont:
    """The CJK font for PDFs, registered with reportlab once per process (and per setting)."""
    path = str(getattr(settings, "GOVHALL_PDF_FONT", "") or "")
    index = int(getattr(settings, "GOVHALL_PDF_FONT_INDEX", 0) or 0)
    return _resolve_font(path, index)


@functools.cache
def _resolve_font(path: str, index: int) -> PdfFont:
    _register_cid_fallback()
    if path:
        try:
            return _register_ttf(path, index)
        except (OSError, TTFError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"GOVHALL_PDF_FONT={path!r} (index {index}) cannot be embedded: {exc}"
            ) from exc
    for candidate, face in _font_candidates():
        try:
            return _register_ttf(candidate, face)
        except (OSError, TTFError, ValueError) as exc:
            logger.warning("PDF font %s (index %s) skipped: %s", candidate, face, exc)
    logger.warning(
        "No TrueType CJK font found: PDFs use %s, which is not embedded and shows only in "
        "viewers that have it. Install paperang-p2-fonts-cjk or set GOVHALL_PDF_FONT.",
        CID_FALLBACK_FONT,
    )
    return PdfFont(name=CID_FALLBACK_FONT, path=None, index=0, embedded=False)


def _font_candidates() -> list[tuple[str, int]]:
    found = []
    for module, relative, face in _PACKAGED_FONTS:
        try:
            candidate = resources.files(module).joinpath(relative)
        except ModuleNotFoundError:
            continue
        if candidate.is_file():
            found.append((str(candidate), face))
    found += [(path, 0) for path in _SYSTEM_FONTS if Path(path).is_file()]
    return found


def _register_ttf(path: str, index: int) -> PdfFont:
    name = f"GovhallCJK-{zlib.crc32(f'{path}#{index}'.encode()):08x}"
    font = TTFont(name, path, subfontIndex=index)
    if ord("中") not in font.face.charToGlyph:
        raise ValueError("the font has no Chinese characters")
    pdfmetrics.registerFont(font)
    _extend_line_break_rules()
    return PdfFont(name=name, path=path, index=index, embedded=True)


@functools.cache
def _register_cid_fallback() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK_FONT))
    _extend_line_break_rules()


def _extend_line_break_rules() -> None:
    # reportlab reads these module globals at wrap time (textsplit for one-font paragraphs,
    # paragraph for mixed ones); adding characters only forbids more line starts (the character
    # then hangs in the margin), which is what Chinese layout wants.
    for module in (rl_textsplit, rl_paragraph):
        extra = "".join(ch for ch in _CANNOT_START_EXTRA if ch not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += extra


def _charmap(font: PdfFont) -> dict[int, int] | None:
    if not font.embedded:
        return None
    return pdfmetrics.getFont(font.name).face.charToGlyph


# --- text -----------------------------------------------------------------------------------


def _clean(text: Any) -> str:
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _STRIPPED.sub("", text)


def _markup(text: Any, font: PdfFont) -> str:
    """Plain text as reportlab Paragraph markup: escaped, with line breaks, and with characters
    the embedded font lacks set in the CID fallback font."""
    cmap = _charmap(font)
    parts = []
    for missing, run in itertools.groupby(
        _clean(text), key=lambda ch: cmap is not None and ch != "\n" and ord(ch) not in cmap
    ):
        chunk = escape("".join(run))
        parts.append(f'<font face="{CID_FALLBACK_FONT}">{chunk}</font>' if missing else chunk)
    return "".join(parts).replace("\n", "<br/>")


def format_date(value: date) -> str:
    """A date as written on official documents: 2026年1月5日."""
    return _("{year}年{month}月{day}日").format(year=value.year, month=value.month, day=value.day)


def _fit(text: str, font_name: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` on one line (page headers and footers)."""
    if pdfmetrics.stringWidth(text, font_name, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font_name, size) > width:
        text = text[: max(len(text) - max(len(text) // 8, 1), 0)]
    return text + "…"


def _styles(font_name: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=font_name, fontSize=12, leading=21, wordWrap="CJK", alignment=TA_JUSTIFY
    )

    def style(name: str, **overrides: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **overrides)

    return {
        "title": style("title", fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=2 * mm),
        "number": style("number", fontSize=11, leading=16, alignment=TA_CENTER),
        "addressee": style("addressee", spaceBefore=6 * mm, spaceAfter=1 * mm),
        "body": style("body", firstLineIndent=24, spaceAfter=1 * mm),
        "heading": style("heading", spaceBefore=3 * mm, spaceAfter=1 * mm),
        "item": style(
            "item", leftIndent=30, bulletIndent=6, bulletFontName=font_name, spaceAfter=1
        ),
        "cell": style("cell", fontSize=11, leading=16),
        "label": style("label", fontSize=11, leading=16, textColor=colors.HexColor("#333333")),
        "sign": style("sign", alignment=TA_RIGHT),
        "caption": style("caption", fontSize=9, leading=12, alignment=TA_CENTER),
        "small": style("small", fontSize=9.5, leading=15, textColor=colors.HexColor("#444444")),
    }


# --- page furniture -------------------------------------------------------------------------


class _PagedCanvas(Canvas):
    """A canvas that keeps each finished page and draws the running header and footer
    ("第 n 页 共 m 页") on all of them at ``save``, once the page count is known."""

    def __init__(self, *args: Any, font_name: str, title: str, case_label: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._furniture = (font_name, title, case_label)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._decorate(number, len(self._pages))
            super().showPage()
        super().save()

    def _decorate(self, number: int, total: int) -> None:
        font_name, title, case_label = self._furniture
        width, height = self._pagesize
        left, right = _MARGINS["leftMargin"], width - _MARGINS["rightMargin"]
        page = _("第 {number} 页 共 {total} 页").format(number=number, total=total)
        room = right - left - pdfmetrics.stringWidth(page, font_name, 9) - 6 * mm
        self.saveState()
        self.setFont(font_name, 9)
        self.setFillColor(colors.HexColor("#666666"))
        self.drawRightString(right, 14 * mm, page)
        self.drawString(left, 14 * mm, _fit(case_label, font_name, 9, room))
        if number > 1:
            header = f"{title}\u3000{case_label}"
            self.drawString(left, height - 16 * mm, _fit(header, font_name, 9, right - left))
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            self.line(left, height - 18 * mm, right, height - 18 * mm)
        self.restoreState()


class _Seal(Flowable):
    """A seal-like red circle with the issuer's name along its top and a star in the middle,
    drawn over the two signature lines (issuer, date) that precede it."""

    radius = 19 * mm

    def __init__(self, issuer: str, font_name: str, line_height: float) -> None:
        super().__init__()
        self.issuer, self.font_name, self.line_height = issuer[:24], font_name, line_height
        self.center_x = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        text_width = min(pdfmetrics.stringWidth(self.issuer, self.font_name, 12), avail_width)
        self.center_x = max(avail_width - text_width / 2, self.radius)
        # Tall enough that the circle, centred between the two lines above, ends on this line.
        self.height = max(self.radius - self.line_height * 1.1, 4 * mm)
        return avail_width, self.height

    def draw(self) -> None:
        canvas, cx, cy = self.canv, self.center_x, self.height + self.line_height
        canvas.saveState()
        canvas.setStrokeColor(SEAL_RED)
        canvas.setFillColor(SEAL_RED)
        canvas.setStrokeAlpha(0.85)
        canvas.setFillAlpha(0.85)
        canvas.setLineWidth(2.2)
        canvas.circle(cx, cy, self.radius, stroke=1, fill=0)
        star = canvas.beginPath()
        for i in range(10):
            r = self.radius * (0.3 if i % 2 == 0 else 0.12)
            angle = math.pi / 2 + i * math.pi / 5
            (star.lineTo if i else star.moveTo)(cx + r * math.cos(angle), cy + r * math.sin(angle))
        star.close()
        canvas.drawPath(star, stroke=0, fill=1)
        self._draw_arc_text(cx, cy)
        canvas.restoreState()

    def _draw_arc_text(self, cx: float, cy: float) -> None:
        count = len(self.issuer)
        size = 12 if count <= 12 else max(7.0, 144 / max(count, 1))
        baseline = self.radius - 3 - size
        step = min(size * 1.2 / baseline, math.radians(250) / max(count - 1, 1))
        first = math.pi / 2 + step * (count - 1) / 2
        self.canv.setFont(self.font_name, size)
        for i, char in enumerate(self.issuer):
            angle = first - i * step
            self.canv.saveState()
            self.canv.translate(cx + baseline * math.cos(angle), cy + baseline * math.sin(angle))
            self.canv.rotate(math.degrees(angle) - 90)
            self.canv.drawCentredString(0, 0, char)
            self.canv.restoreState()


# --- story ----------------------------------------------------------------------------------


def _texts(value: str | Sequence[str]) -> list[str]:
    """A list of texts from a list, or from one string (one paragraph)."""
    return [value] if isinstance(value, str) else [str(text) for text in value]


def _opening(doc: NoticeDocument, title: str, font: PdfFont, st: dict) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(_markup(title, font), st["title"])]
    if doc.number:
        story.append(Paragraph(_markup(doc.number, font), st["number"]))
    if doc.addressee:
        addressee = _("{name}：").format(name=_clean(doc.addressee))
        story.append(Paragraph(_markup(addressee, font), st["addressee"]))
    else:
        story.append(Spacer(1, 4 * mm))
    story += [Paragraph(_markup(text, font), st["body"]) for text in _texts(doc.paragraphs)]
    return story


def _facts_table(doc: NoticeDocument, font: PdfFont, st: dict, width: float) -> list[Flowable]:
    facts = [(_clean(label), _clean(value)) for label, value in doc.facts]
    shown = {value for _label, value in facts}
    for label, value in ((_("申请事项"), doc.item_name), (_("办件编号"), doc.case_number)):
        if value and _clean(value) not in shown:
            facts.insert(0, (label, _clean(value)))
    if not facts:
        return []
    rows = [
        [Paragraph(_markup(label, font), st["label"]), Paragraph(_markup(value, font), st["cell"])]
        for label, value in facts
    ]
    table = Table(rows, colWidths=[34 * mm, width - 34 * mm], splitInRow=1, spaceBefore=3 * mm)
    grey = colors.HexColor("#888888")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [table]


def _item_list(doc: NoticeDocument, kind: NoticeKind, font: PdfFont, st: dict) -> list[Flowable]:
    items = _texts(doc.items)
    heading = (_clean(doc.items_title) or _items_title(kind)) if items else ""
    story = [Paragraph(_markup(heading, font), st["heading"])] if heading else []
    for number, text in enumerate(items, start=1):
        story.append(Paragraph(_markup(text, font), st["item"], bulletText=f"{number}."))
    return story


def _qr_code(url: str, caption: str, font: PdfFont, st: dict) -> list[Flowable]:
    png = io.BytesIO()
    segno.make(url, error="m", micro=False).save(png, kind="png", scale=8, border=2)
    png.seek(0)
    caption = _clean(caption) or _("扫码查询办理进度")
    return [
        Image(png, width=30 * mm, height=30 * mm),
        Paragraph(_markup(caption, font), st["caption"]),
    ]


def _closing(doc: NoticeDocument, font: PdfFont, st: dict, width: float) -> list[Flowable]:
    left = _qr_code(doc.qr_url, doc.qr_caption, font, st) if doc.qr_url else []
    right: list[Flowable] = [Spacer(1, 12 * mm)]
    if doc.issuer:
        right.append(Paragraph(_markup(doc.issuer, font), st["sign"]))
    if doc.issued_on:
        right.append(Paragraph(_markup(format_date(doc.issued_on), font), st["sign"]))
    if doc.issuer and doc.seal:
        right.append(_Seal(_clean(doc.issuer), font.name, st["sign"].leading))
    if not left and len(right) == 1:
        return []
    table = Table([[left, right]], colWidths=[36 * mm, width - 36 * mm], spaceBefore=6 * mm)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return [KeepTogether([table])]


def _notes(doc: NoticeDocument, font: PdfFont, st: dict) -> list[Flowable]:
    notes = [Paragraph(_markup(text, font), st["small"]) for text in _texts(doc.footer)]
    grey = colors.HexColor("#999999")
    rule = HRFlowable(width="100%", thickness=0.5, color=grey, spaceBefore=5 * mm, spaceAfter=6)
    return [rule, *notes] if notes else []


# --- public API -----------------------------------------------------------------------------


def notice_pdf(doc: NoticeDocument) -> bytes:
    """Render a notice as an A4 PDF (several pages when long) and return its bytes."""
    if doc.qr_url and not re.match(r"https?://[^/\s]+", doc.qr_url):
        raise ValueError("qr_url must be an absolute http(s) URL")
    kind, font = NoticeKind(doc.kind), pdf_font()
    st = _styles(font.name)
    title = _clean(doc.title) or notice_title(kind)
    case = _clean(doc.case_number)
    buffer, issuer = io.BytesIO(), _clean(doc.issuer)
    template = SimpleDocTemplate(
        buffer,
        title=title,
        author=issuer,
        subject=case,
        keywords=doc.keywords,
        invariant=1 if doc.invariant else None,
        **_PAGE,
    )
    story = _opening(doc, title, font, st)
    story += _facts_table(doc, font, st, template.width)
    story += _item_list(doc, kind, font, st)
    story += _closing(doc, font, st, template.width)
    story += _notes(doc, font, st)
    label = _("办件编号：{number}").format(number=case) if case else ""
    maker = functools.partial(_PagedCanvas, font_name=font.name, title=title, case_label=label)
    template.build(story, canvasmaker=maker)
    return buffer.getvalue()


def receipt_pdf(
    *,
    case_number: str,
    query_password: str,
    item_name: str,
    applicant: str,
    submitted_at: datetime | date,
    qr_url: str = "",
    issuer: str = "",
    facts: Sequence[tuple[str, str]] = (),
    paragraphs: Sequence[str] | None = None,
    footer: Sequence[str] = (),
    seal: bool = False,
) -> bytes:
    """The receipt printed at submission (办件回执): case number, query password, item."""
    if isinstance(submitted_at, datetime):
        if timezone.is_aware(submitted_at):
            submitted_at = timezone.localtime(submitted_at)
        day, when = submitted_at.date(), f"{format_date(submitted_at)} {submitted_at:%H:%M}"
    else:
        day, when = submitted_at, format_date(submitted_at)
    if paragraphs is None:
        paragraphs = [_("您的申请已提交。请妥善保管办件编号和查询密码，凭其查询办理进度。")]
    rows = [
        (_("办件编号"), case_number),
        (_("查询密码"), query_password),
        (_("申请事项"), item_name),
        (_("申请人"), applicant),
        (_("提交时间"), when),
        *facts,
    ]
    doc = NoticeDocument(
        kind=NoticeKind.RECEIPT,
        addressee=applicant,
        case_number=case_number,
        paragraphs=paragraphs,
        facts=rows,
        issuer=issuer,
        issued_on=day,
        qr_url=qr_url,
        footer=footer,
        seal=seal,
    )
    return notice_pdf(doc)
