"""upload_inspect / upload_store: each refusal with a real generated file, image normalization,
the name rule, storage round trip, and random input that only ever raises ValidationError."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)
from reportlab.pdfgen import canvas

from govhall.cases.uploads import (
    MAX_NAME_LENGTH,
    UPLOAD_KINDS,
    InspectedUpload,
    UploadPolicy,
    default_policy,
    upload_inspect,
    upload_open,
    upload_store,
)
from govhall.core.errors import NotFound, ValidationError

# --- generated fixtures ---------------------------------------------------------------------


def pdf_bytes(pages: int = 1, *, link: bool = False) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(pages):
        pdf.drawString(100, 700, f"page {number + 1}")
        pdf.bookmarkPage(f"p{number}")
        pdf.addOutlineEntry(f"Page {number + 1}", f"p{number}")
        if link:
            pdf.linkURL("https://www.gov.cn/", (100, 650, 300, 680))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_with(change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def js_action() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi');"),
        }
    )


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (40, 30), mode: str = "RGB", color=None, **save
) -> bytes:
    image = Image.new(mode, size, color if color is not None else _default_color(mode))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def _default_color(mode: str):
    return {"RGB": (200, 30, 30), "RGBA": (200, 30, 30, 128), "L": 128, "P": 1}.get(mode, 1)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A tiny file that declares a huge greyscale image: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


OFD_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">'
    "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)


def ofd_bytes(*, entry_xml: str = OFD_XML, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", entry_xml)
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    data = bytearray(buffer.getvalue())
    if encrypted:  # zipfile cannot encrypt: set the flag in the local and central headers
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            data[data.index(signature) + offset] |= 0x1
    return bytes(data)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 120
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def named(data: bytes, name: str = "file") -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def refused(data: bytes, name: str = "file", policy: UploadPolicy | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        upload_inspect(named(data, name), policy=policy)
    error = caught.value
    assert error.status == 422
    assert error.fields == {"file": [error.message]}
    assert re.search(r"[\u4e00-\u9fff]", error.message)  # a Chinese message for people
    return error.code


# --- accepted files and the name rule --------------------------------------------------------


def test_pdf_accepted_as_uploaded_with_its_page_count():
    data = pdf_bytes(3, link=True)  # URI links and outlines are not active content
    result = upload_inspect(SimpleUploadedFile("申请表.pdf", data, "application/x-anything"))
    assert (result.kind, result.content_type, result.extension) == ("pdf", "application/pdf", "pdf")
    assert result.pages == 3
    assert result.content == data
    assert result.size == result.original_size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert (result.width, result.height) == (None, None)
    assert result.original_name == "申请表.pdf"
    assert " content=" not in repr(result)  # megabytes never end up in a log line


def test_ofd_accepted():
    result = upload_inspect(named(ofd_bytes(), "电子证照.ofd"))
    assert (result.kind, result.content_type, result.extension) == ("ofd", "application/ofd", "ofd")
    assert result.pages is None


@pytest.mark.parametrize("name", ["scan", "扫描件.001", "photo.jpg", "photo.JPEG", "a.jfif"])
def test_names_without_a_known_contradicting_extension_are_accepted(name):
    result = upload_inspect(named(image_bytes("JPEG"), name))
    assert (result.kind, result.extension, result.content_type) == ("jpeg", "jpg", "image/jpeg")


def test_png_named_scan_is_a_png():
    result = upload_inspect(named(image_bytes("PNG"), "scan"))
    assert (result.kind, result.extension) == ("png", "png")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PE, "身份证.pdf"),  # an .exe renamed .pdf
        (ELF, "report.pdf"),
        (image_bytes("PNG"), "scan.pdf"),
        (image_bytes("PNG"), "scan.jpg"),
        (image_bytes("JPEG"), "scan.png"),
        (HTML, "photo.jpg"),
        (pdf_bytes(), "form.png"),
        (pdf_bytes(), "form.html"),
        (pdf_bytes(), "form.docx"),
        (ofd_bytes(), "license.pdf"),
    ],
)
def test_content_that_contradicts_a_known_extension_is_a_mismatch(data, name):
    assert refused(data, name) == "upload_type_mismatch"


@pytest.mark.parametrize(
    ("data", "name"),
    [(ELF, "tool"), (PE, "setup.exe"), (HTML, "page.html"), (zip_bytes(), "a.zip"), (b"hi", "a")],
)
def test_content_of_other_types_is_not_allowed(data, name):
    assert refused(data, name) == "upload_type_not_allowed"


def test_policy_narrows_the_allowed_kinds():
    only_pdf = UploadPolicy(allowed_kinds=frozenset({"pdf"}))
    assert refused(image_bytes("PNG"), "a.png", only_pdf) == "upload_type_not_allowed"
    assert upload_inspect(named(pdf_bytes()), policy=only_pdf).kind == "pdf"


def test_original_name_is_sanitized():
    raw = "C:\\Users\\张三\\..\\证件/身份证\u202egnp\x00\n.png. "
    result = upload_inspect(named(image_bytes("PNG"), raw))
    assert result.original_name == "身份证gnp.png"
    long = upload_inspect(named(image_bytes("PNG"), "长" * 500 + ".png"))
    assert len(long.original_name) == MAX_NAME_LENGTH
    assert long.original_name.endswith("长.png")
    assert upload_inspect(io.BytesIO(image_bytes("PNG"))).original_name == ""


# --- size --------------------------------------------------------------------------------------


class EndlessStream(io.RawIOBase):
    """Zero bytes forever, counting what was read."""

    name = "endless.pdf"

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"\0" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_empty_upload():
    assert refused(b"", "a.pdf") == "upload_empty"


def test_oversized_stream_is_refused_after_max_bytes_plus_one():
    stream = EndlessStream()
    with pytest.raises(ValidationError) as caught:
        upload_inspect(stream, policy=UploadPolicy(max_bytes=5000))
    assert caught.value.code == "upload_too_large"
    assert stream.read_bytes <= 5001


def test_declared_size_refused_before_reading():
    data = pdf_bytes(2)
    upload = SimpleUploadedFile("a.pdf", data)
    upload.file = stream = EndlessStream()  # the declared size is enough: nothing is read
    with pytest.raises(ValidationError) as caught:
        upload_inspect(upload, policy=UploadPolicy(max_bytes=len(data) - 1))
    assert caught.value.code == "upload_too_large"
    assert stream.read_bytes == 0
    assert "字节" in caught.value.message or "KB" in caught.value.message


def test_exactly_max_bytes_is_accepted_and_read_from_the_start():
    data = pdf_bytes()
    stream = named(data, "a.pdf")
    stream.read()  # a file that was already read once
    assert upload_inspect(stream, policy=UploadPolicy(max_bytes=len(data))).size == len(data)
    assert refused(data, "a.pdf", UploadPolicy(max_bytes=len(data) - 1)) == "upload_too_large"


def test_default_policy_reads_settings(settings):
    assert default_policy() == UploadPolicy()
    assert default_policy().max_bytes == 20 * 1024 * 1024
    settings.GOVHALL_UPLOAD_MAX_BYTES = 100
    settings.GOVHALL_UPLOAD_MAX_PDF_PAGES = 5
    settings.GOVHALL_UPLOAD_IMAGE_MAX_SIDE = 64
    policy = default_policy()
    assert (policy.max_bytes, policy.max_pdf_pages, policy.image_max_side) == (100, 5, 64)
    assert refused(pdf_bytes(), "a.pdf") == "upload_too_large"


def test_policy_rejects_unknown_kinds_and_nonsense_limits():
    with pytest.raises(ValueError):
        UploadPolicy(allowed_kinds=frozenset({"exe"}))
    with pytest.raises(ValueError):
        UploadPolicy(max_bytes=0)


# --- PDF ---------------------------------------------------------------------------------------


def test_too_many_pages():
    assert refused(pdf_bytes(3), policy=UploadPolicy(max_pdf_pages=2)) == "upload_too_many_pages"
    assert upload_inspect(named(pdf_bytes(2)), policy=UploadPolicy(max_pdf_pages=2)).pages == 2


def test_encrypted_pdf():
    data = pdf_with(lambda writer: writer.encrypt("", "owner", algorithm="RC4-128"))
    assert refused(data, "a.pdf") == "upload_encrypted"


def _open_action(action: str) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        if action == "launch":
            target = {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("calc.exe"),
            }
            writer.root_object[NameObject("/OpenAction")] = DictionaryObject(target)
        else:
            writer.root_object[NameObject("/OpenAction")] = js_action()

    return change


def _names_javascript(writer: PdfWriter) -> None:
    scripts = ArrayObject([TextStringObject("init"), js_action()])
    names = DictionaryObject({NameObject("/Names"): scripts})
    tree = DictionaryObject({NameObject("/JavaScript"): names})
    writer.root_object[NameObject("/Names")] = tree


def _link_annotation(writer: PdfWriter) -> None:
    rect = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(50), FloatObject(50)])
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): rect,
            NameObject("/A"): js_action(),
        }
    )
    writer.add_annotation(0, annotation)


def _page_open_action(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): js_action()})


def _xfa_form(writer: PdfWriter) -> None:
    form = {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(form)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_names_javascript, id="names-javascript"),
        pytest.param(lambda writer: writer.add_attachment("a.exe", b"MZ"), id="embedded-file"),
        pytest.param(_open_action("launch"), id="openaction-launch"),
        pytest.param(_open_action("js"), id="openaction-javascript"),
        pytest.param(_link_annotation, id="annotation-javascript"),
        pytest.param(_page_open_action, id="page-additional-action"),
        pytest.param(_xfa_form, id="xfa"),
    ],
)
def test_active_content_is_refused(change):
    assert refused(pdf_with(change), "a.pdf") == "upload_active_content"


def test_plain_pypdf_document_is_accepted():
    assert upload_inspect(named(pdf_with(lambda writer: None))).pages == 1


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdf_bytes(3)[:1200], id="truncated"),
        pytest.param(b"%PDF-1.7\n" + b"garbage " * 100, id="garbage"),
        pytest.param(b"%PDF-1.4\n%%EOF\n", id="no-pages"),
    ],
)
def test_broken_pdf(data):
    assert refused(data, "a.pdf") == "upload_corrupt"


# --- OFD ---------------------------------------------------------------------------------------


def test_ofd_refusals():
    assert refused(ofd_bytes(encrypted=True), "a.ofd") == "upload_encrypted"
    assert refused(ofd_bytes(entry_xml="not xml <"), "a.ofd") == "upload_corrupt"
    assert refused(ofd_bytes(entry_xml="<Other/>"), "a.ofd") == "upload_corrupt"
    damaged = ofd_bytes()[:-30]  # the central directory is cut off
    assert refused(damaged, "a.ofd") == "upload_corrupt"


# --- images ------------------------------------------------------------------------------------


def _reopen(result: InspectedUpload) -> Image.Image:
    return Image.open(io.BytesIO(result.content))


def test_jpeg_exif_gps_and_comments_are_dropped():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (33.0, 50.0, 40.0)
    data = image_bytes("JPEG", exif=exif, comment=b"secret")
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it was there
    result = upload_inspect(named(data, "photo.jpg"))
    image = _reopen(result)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert not image.getexif()
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info)
    assert b"Exif" not in result.content and b"secret" not in result.content
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    assert result.original_size == len(data)


def test_png_metadata_dropped_and_alpha_kept():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "张三 13800000000")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    data = image_bytes("PNG", mode="RGBA", pnginfo=text, exif=exif, icc_profile=b"icc")
    result = upload_inspect(named(data, "sign.png"))
    image = _reopen(result)
    assert (image.format, image.mode) == ("PNG", "RGBA")
    assert image.getpixel((0, 0)) == (200, 30, 30, 128)
    assert not {"Author", "exif", "icc_profile"} & set(image.info)
    assert b"13800000000" not in result.content


def test_palette_png_with_transparency_keeps_it():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    result = _reopen(upload_inspect(named(buffer.getvalue())))
    assert result.mode == "RGBA" and result.getpixel((0, 0))[3] == 0


def test_greyscale_jpeg_becomes_rgb_jpeg():
    result = upload_inspect(named(image_bytes("JPEG", mode="L")))
    assert _reopen(result).mode == "RGB"


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))  # left half red, right half blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    result = upload_inspect(named(buffer.getvalue(), "photo.jpg"))
    assert (result.width, result.height) == (100, 200)
    upright = _reopen(result)
    assert not upright.getexif()  # the orientation tag is gone with the rest
    top, bottom = upright.getpixel((50, 20)), upright.getpixel((50, 180))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]  # red on top, blue below


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_large_image_is_downscaled(fmt):
    data = image_bytes(fmt, size=(400, 200))
    result = upload_inspect(named(data), policy=UploadPolicy(image_max_side=100))
    assert (result.width, result.height) == (100, 50)
    assert _reopen(result).size == (100, 50)


def test_large_jpeg_is_downscaled_to_the_default_side():
    result = upload_inspect(named(image_bytes("JPEG", size=(6400, 1600)), "scan.jpg"))
    assert (result.width, result.height) == (3000, 750)


def test_small_image_keeps_its_size():
    result = upload_inspect(named(image_bytes("PNG", size=(40, 30), mode="1")))
    assert (result.width, result.height) == (40, 30)


@pytest.mark.parametrize(
    ("data", "policy"),
    [
        pytest.param(png_header_only(9_000, 9_000), None, id="over-our-limit"),
        pytest.param(png_header_only(100_000, 100_000), None, id="over-pillow-limit"),
        pytest.param(image_bytes("JPEG", size=(40, 30)), UploadPolicy(max_image_pixels=1000)),
    ],
)
def test_decompression_bomb_is_refused(data, policy):
    assert len(data) < 2000
    assert refused(data, "bomb.png" if data.startswith(b"\x89") else "a.jpg", policy) == (
        "upload_image_too_large"
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(image_bytes("PNG", size=(300, 300), mode="RGB")[:400], id="truncated-png"),
        pytest.param(image_bytes("JPEG", size=(300, 300))[:600], id="truncated-jpeg"),
        pytest.param(png_header_only(20, 20)[:-8] + b"\0" * 8, id="bad-crc"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, id="header-only"),
    ],
)
def test_broken_image(data):
    assert refused(data) == "upload_corrupt"


# --- storage -----------------------------------------------------------------------------------


def test_store_and_open_round_trip(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    inspected = upload_inspect(named(image_bytes("PNG"), "../../etc/身份证.png"))
    name = upload_store(inspected, folder="cases/materials/")
    assert re.fullmatch(r"cases/materials/\d{4}/\d{2}/[0-9a-f]{32}\.png", name)
    assert (tmp_path / name).read_bytes() == inspected.content
    with upload_open(name) as stored:
        assert stored.read() == inspected.content
    assert upload_store(inspected, folder="cases/materials") != name


def test_open_missing_and_bad_folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with pytest.raises(NotFound):
        upload_open("cases/2025/01/missing.pdf")
    inspected = upload_inspect(named(pdf_bytes()))
    for folder in ("", "/", "cases/../..", "a\\b", "a//b"):
        with pytest.raises(ValueError):
            upload_store(inspected, folder=folder)


# --- random input ------------------------------------------------------------------------------

SMALL = UploadPolicy(max_bytes=64 * 1024, max_pdf_pages=5, image_max_side=64)
PREFIXES = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"MZ"]
NAMES = ["f", "f.pdf", "f.jpg", "f.png", "f.ofd", "f.exe", "f.html"]
SAMPLES = [
    pdf_bytes(2),
    image_bytes("PNG", size=(20, 20), mode="RGBA"),
    image_bytes("JPEG", size=(20, 20)),
    ofd_bytes(),
]


def _inspect_only_refuses(data: bytes, name: str) -> None:
    try:
        result = upload_inspect(named(data, name), policy=SMALL)
    except ValidationError as error:
        assert error.code.startswith("upload_")
    else:
        assert result.kind in UPLOAD_KINDS
        assert result.sha256 == hashlib.sha256(result.content).hexdigest()


@hyp_settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=2048),
    name=st.sampled_from(NAMES),
)
def test_random_bytes_only_raise_validation_errors(prefix, body, name):
    _inspect_only_refuses(prefix + body, name)


@hyp_settings(max_examples=200, deadline=None)
@given(
    sample=st.sampled_from(SAMPLES),
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
)
def test_damaged_real_files_only_raise_validation_errors(sample, cut, flips):
    data = bytearray(sample[: max(1, int(len(sample) * cut))])
    for where, value in flips:
        data[min(len(data) - 1, int(len(data) * where))] = value
    _inspect_only_refuses(bytes(data), "f")
