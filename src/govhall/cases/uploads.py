"""Inspection and storage of uploaded application materials (申请材料).

``upload_inspect`` reads an upload, decides what it is from its content and refuses what the hall
does not accept; ``upload_store`` saves the inspected bytes through Django's storage API
(``STORAGES["default"]``: a local folder by default, an S3-compatible bucket in production) under a
random name; ``upload_open`` opens a stored file so that the cases app can serve it behind its own
permission check.

Kinds: PDF, JPEG, PNG and OFD (GB/T 33190: a zip whose root holds ``OFD.xml``). The kind is decided
from the content (``filetype`` signatures, then the format's parser), never from the name.

Names. The stored extension always comes from the content and the stored name is random; the
user's name is kept only as ``original_name`` for display (path parts and control characters
removed, at most ``MAX_NAME_LENGTH`` characters). The name is still read so that a file lying
about its type is refused: when its extension names a known file type (one of ours, one that
``filetype`` recognizes, or a web or script type such as .html or .js) and the content is not of
that type, the upload is refused as ``upload_type_mismatch`` (an .exe renamed .pdf, a PNG named
.pdf, HTML named .jpg). ``jpg``, ``jpeg``, ``jpe`` and ``jfif`` are one type, as are ``png`` and
``apng``. A name without an extension, or with one we do not know (``scan``, ``扫描件.001``), is
accepted and the content decides.

Every refusal is a ``ValidationError`` (422) with ``fields={"file": [message]}`` and a code:
``upload_empty``; ``upload_too_large`` (more than ``max_bytes``: at most ``max_bytes + 1`` bytes
are ever read); ``upload_type_mismatch``; ``upload_type_not_allowed``; ``upload_corrupt`` (the
parser cannot read it); ``upload_encrypted`` (a password-protected PDF, encrypted OFD entries);
``upload_active_content`` (PDF JavaScript, launch actions, embedded files, XFA forms, wherever
they sit in the document: catalog, names tree, OpenAction, pages, annotations, form fields);
``upload_too_many_pages``; ``upload_image_too_large`` (more pixels than ``max_image_pixels``, the
decompression-bomb guard).

Images are normalized: EXIF orientation applied, all metadata dropped (EXIF with GPS, XMP,
comments, ICC profiles, text chunks), JPEG re-encoded as RGB JPEG (quality 85, optimized), PNG
re-encoded as PNG with its alpha channel kept, the longer side reduced to ``image_max_side``.
PDF and OFD bytes are stored as uploaded.

Settings, read by ``default_policy`` on every call:

- ``GOVHALL_UPLOAD_MAX_BYTES``: the largest accepted upload in bytes, default 20 MB.
- ``GOVHALL_UPLOAD_MAX_PDF_PAGES``: the most pages a PDF may have, default 200.
- ``GOVHALL_UPLOAD_IMAGE_MAX_SIDE``: images are downscaled so that neither side exceeds this many
  pixels, default 3000.
- ``GOVHALL_UPLOAD_MAX_IMAGE_PIXELS``: images with more pixels (width × height, as the file
  declares them) are refused, default 64,000,000. A PNG at the limit takes about 256 MB to decode;
  JPEGs are decoded at a reduced scale.
"""

from __future__ import annotations

import hashlib
import io
import math
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

import filetype
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from govhall.core import errors

UPLOAD_KINDS = frozenset({"pdf", "jpeg", "png", "ofd"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PDF_PAGES = 200
DEFAULT_IMAGE_MAX_SIDE = 3000
DEFAULT_MAX_IMAGE_PIXELS = 64_000_000
MAX_NAME_LENGTH = 200
MAX_PDF_OBJECTS = 200_000  # containers walked in one PDF; more is refused as damaged
OFD_XML_MAX_BYTES = 1024 * 1024
OFD_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # what all entries of an OFD may expand to
JPEG_QUALITY = 85

# kind -> (content type, stored extension, label shown to people)
_KIND_TYPES = {
    "pdf": ("application/pdf", "pdf", "PDF"),
    "jpeg": ("image/jpeg", "jpg", "JPG/JPEG"),
    "png": ("image/png", "png", "PNG"),
    "ofd": ("application/ofd", "ofd", "OFD"),
}
_FILETYPE_KINDS = {"pdf": "pdf", "jpg": "jpeg", "png": "png", "apng": "png"}
_EXTENSION_KINDS = {
    "pdf": "pdf",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "jpe": "jpeg",
    "jfif": "jpeg",
    "png": "png",
    "apng": "png",
    "ofd": "ofd",
}
# extension -> type key of the other formats that filetype recognizes (its MIME type)
_FILETYPE_EXTENSIONS = {t.extension.lower(): t.mime for t in reversed(filetype.types)}
# types that filetype cannot recognize: content we recognize named like this is a lie
_TEXT_EXTENSIONS = frozenset(
    {"htm", "html", "xhtml", "shtml", "svg", "xml", "js", "mjs", "php", "jsp", "asp", "aspx"}
    | {"bat", "cmd", "sh", "ps1", "vbs", "hta", "txt", "csv", "json"}
)
_PIL_FORMATS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}}
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA"})
_PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
_PDF_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia"})


@dataclass(frozen=True)
class UploadPolicy:
    """What one upload may be. ``default_policy()`` builds it from settings; a caller narrows it
    with ``dataclasses.replace`` (e.g. a material that only takes PDF)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    allowed_kinds: frozenset[str] = UPLOAD_KINDS
    max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES
    image_max_side: int = DEFAULT_IMAGE_MAX_SIDE
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed_kinds", frozenset(self.allowed_kinds))
        if not self.allowed_kinds or not self.allowed_kinds <= UPLOAD_KINDS:
            raise ValueError(f"allowed_kinds must be a non-empty subset of {sorted(UPLOAD_KINDS)}")
        limits = (self.max_bytes, self.max_pdf_pages, self.image_max_side, self.max_image_pixels)
        if min(limits) < 1:
            raise ValueError("upload limits must be positive")


@dataclass(frozen=True)
class InspectedUpload:
    """An accepted upload, ready to store. ``content`` is what is stored (normalized for images);
    ``size`` and ``sha256`` describe it, ``original_size`` is what was uploaded."""

    kind: str
    content_type: str
    extension: str
    size: int
    original_size: int
    sha256: str
    pages: int | None
    width: int | None
    height: int | None
    original_name: str
    content: bytes = field(repr=False)


def default_policy() -> UploadPolicy:
    """The policy from settings (see the module docstring for each variable)."""
    return UploadPolicy(
        max_bytes=getattr(settings, "GOVHALL_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES),
        max_pdf_pages=getattr(settings, "GOVHALL_UPLOAD_MAX_PDF_PAGES", DEFAULT_MAX_PDF_PAGES),
        image_max_side=getattr(settings, "GOVHALL_UPLOAD_IMAGE_MAX_SIDE", DEFAULT_IMAGE_MAX_SIDE),
        max_image_pixels=getattr(
            settings, "GOVHALL_UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS
        ),
    )


def upload_inspect(
    file: IO[bytes] | File, *, policy: UploadPolicy | None = None
) -> InspectedUpload:
    """Read ``file`` (a Django UploadedFile or a binary file object), check it against ``policy``
    and return what to store. Raises ``errors.ValidationError`` for anything refused."""
    policy = policy or default_policy()
    name = _sanitize_name(getattr(file, "name", None))
    data = _read_upload(file, policy.max_bytes)
    kind, content_key = _detect(data)
    if _name_contradicts(_extension(name), content_key):
        raise _refusal(
            "upload_type_mismatch",
            _("文件内容与文件扩展名不符,请上传原始文件,不要修改文件扩展名。"),
        )
    if kind is None or kind not in policy.allowed_kinds:
        labels = "、".join(_KIND_TYPES[k][2] for k in _KIND_TYPES if k in policy.allowed_kinds)
        raise _refusal(
            "upload_type_not_allowed",
            _("不支持此文件格式,请上传 %(kinds)s 格式的文件。") % {"kinds": labels},
        )
    content, pages, width, height = data, None, None, None
    if kind == "pdf":
        pages = _inspect_pdf(data, policy)
    elif kind == "ofd":
        _inspect_ofd(data)
    else:
        content, width, height = _inspect_image(data, kind, policy)
    content_type, extension, _label = _KIND_TYPES[kind]
    return InspectedUpload(
        kind=kind,
        content_type=content_type,
        extension=extension,
        size=len(content),
        original_size=len(data),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        width=width,
        height=height,
        original_name=name,
        content=content,
    )


def upload_store(inspected: InspectedUpload, *, folder: str) -> str:
    """Save ``inspected.content`` through ``default_storage`` as
    ``<folder>/<yyyy>/<mm>/<random hex>.<ext>`` and return the stored name."""
    clean = folder.strip("/")
    parts = clean.split("/")
    if not clean or "\\" in clean or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"invalid upload folder: {folder!r}")
    today = timezone.localdate()
    name = f"{clean}/{today:%Y}/{today:%m}/{secrets.token_hex(16)}.{inspected.extension}"
    return default_storage.save(name, ContentFile(inspected.content))


def upload_open(name: str) -> File:
    """Open a stored upload for reading; ``errors.NotFound`` when it is gone."""
    try:
        return default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise errors.NotFound(_("文件不存在或已被删除。")) from exc


# --- reading and recognizing ----------------------------------------------------------------


def _refusal(code: str, message: str) -> errors.ValidationError:
    return errors.ValidationError(message, code=code, fields={"file": [message]})


def _sanitize_name(raw: Any) -> str:
    """The last path part, without control or format characters (e.g. U+202E, which makes
    "gpj.exe" look like "exe.jpg"), trimmed, at most MAX_NAME_LENGTH characters."""
    if not isinstance(raw, str):
        return ""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = name.strip().rstrip(". ")  # Windows drops trailing dots and spaces as well
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _human_size(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return _("%(n)d 字节") % {"n": size}


def _read_upload(file: IO[bytes] | File, max_bytes: int) -> bytes:
    """The whole upload, or ``upload_too_large`` after reading at most max_bytes + 1 bytes."""
    too_large = _refusal(
        "upload_too_large",
        _("文件过大,单个文件不能超过 %(limit)s。") % {"limit": _human_size(max_bytes)},
    )
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise too_large
    seekable = getattr(file, "seekable", None)
    if callable(seekable) and seekable():
        file.seek(0)
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = file.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise too_large
    data = b"".join(chunks)
    if not data:
        raise _refusal("upload_empty", _("上传的文件是空的,请重新选择文件。"))
    return data


def _detect(data: bytes) -> tuple[str | None, str | None]:
    """(our kind or None, a type key: our kind, else filetype's MIME type, else None)."""
    if _looks_like_ofd(data):
        return "ofd", "ofd"
    guess = filetype.guess(data)
    if guess is None:
        return None, None
    kind = _FILETYPE_KINDS.get(guess.extension)
    return kind, kind or guess.mime


def _name_contradicts(extension: str, content_key: str | None) -> bool:
    if extension in _TEXT_EXTENSIONS:
        return content_key is not None
    name_key = _EXTENSION_KINDS.get(extension) or _FILETYPE_EXTENSIONS.get(extension)
    return name_key is not None and name_key != content_key


def _looks_like_ofd(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.lower() == "ofd.xml" for name in archive.namelist())
    except Exception:  # a damaged zip: an OFD still names its entry file in the local headers
        return b"OFD.xml" in data


# --- PDF ------------------------------------------------------------------------------------


def _inspect_pdf(data: bytes, policy: UploadPolicy) -> int:
    """The page count of an acceptable PDF."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        active = None if encrypted or pages > policy.max_pdf_pages else _pdf_active(reader)
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise _corrupt() from exc
    if encrypted:
        raise _refusal("upload_encrypted", _("文件已加密或设有密码,请去除密码保护后再上传。"))
    if pages > policy.max_pdf_pages:
        raise _refusal(
            "upload_too_many_pages",
            _("PDF 文件共 %(pages)d 页,超过了 %(limit)d 页的上限,请拆分后上传。")
            % {"pages": pages, "limit": policy.max_pdf_pages},
        )
    if pages == 0 or active is None:
        raise _corrupt()
    if active:
        raise _refusal(
            "upload_active_content",
            _("文件含有脚本、自动执行的动作或内嵌附件,无法接收,请另存为普通 PDF 后上传。"),
        )
    return pages


def _pdf_active(reader: PdfReader) -> bool | None:
    """Whether anything reachable from the trailer can run code or carries a file: the catalog,
    its names tree and OpenAction, pages and their annotations, form fields, outlines. None when
    the document is too large to walk."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    walked = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if _pdf_dict_active(obj):
                return True
            children = dict.values(obj)
        elif isinstance(obj, ArrayObject):
            children = list.__iter__(obj)
        else:
            continue
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            return None
        stack.extend(
            child
            for child in children
            if isinstance(child, IndirectObject | DictionaryObject | ArrayObject)
        )
    return False


def _pdf_dict_active(obj: DictionaryObject) -> bool:
    if not _PDF_ACTIVE_KEYS.isdisjoint(obj.keys()):
        return True
    action, subtype = (_pdf_resolved(obj.get(key)) for key in ("/S", "/Subtype"))
    return action in _PDF_ACTIVE_ACTIONS or subtype in _PDF_ACTIVE_SUBTYPES


def _pdf_resolved(value: Any) -> Any:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return value if isinstance(value, str) else None


# --- OFD ------------------------------------------------------------------------------------


def _inspect_ofd(data: bytes) -> None:
    """A readable zip (every entry's checksum right, bounded in size), no encrypted entry, and an
    entry file ``OFD.xml`` whose root element is ``OFD``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            encrypted = any(entry.flag_bits & 0x1 for entry in entries)
            if not encrypted:
                _check_ofd_archive(archive, entries)
    except Exception as exc:
        raise _corrupt() from exc
    if encrypted:
        raise _refusal("upload_encrypted", _("文件已加密或设有密码,请去除密码保护后再上传。"))


def _check_ofd_archive(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    if sum(entry.file_size for entry in entries) > OFD_MAX_UNCOMPRESSED_BYTES:
        raise ValueError("OFD expands too much")
    if archive.testzip() is not None:
        raise ValueError("OFD entry damaged")
    entry = next(entry for entry in entries if entry.filename.lower() == "ofd.xml")
    with archive.open(entry) as handle:
        xml = handle.read(OFD_XML_MAX_BYTES + 1)
    if len(xml) > OFD_XML_MAX_BYTES:
        raise ValueError("OFD.xml too large")
    root = SafeElementTree.fromstring(xml)
    if root.tag.rsplit("}", 1)[-1] != "OFD":
        raise ValueError("OFD.xml has no OFD root")


# --- images ---------------------------------------------------------------------------------


def _inspect_image(data: bytes, kind: str, policy: UploadPolicy) -> tuple[bytes, int, int]:
    """The normalized image's bytes, width and height."""
    too_large = _refusal(
        "upload_image_too_large", _("图片像素过多,无法处理,请缩小图片尺寸后再上传。")
    )
    try:
        with _open_image(data, kind) as probe:
            width, height = probe.size
            if width * height <= policy.max_image_pixels:
                probe.verify()
    except Image.DecompressionBombError as exc:
        raise too_large from exc
    except Exception as exc:
        raise _corrupt() from exc
    if width * height > policy.max_image_pixels:
        raise too_large
    try:
        with _open_image(data, kind) as opened:
            image = _normalized(opened, kind, policy.image_max_side)
        out = io.BytesIO()
        if kind == "jpeg":
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        else:
            image.save(out, "PNG")
    except Exception as exc:
        raise _corrupt() from exc
    return out.getvalue(), image.width, image.height


def _open_image(data: bytes, kind: str) -> Image.Image:
    # Reads the header only. Pillow raises DecompressionBombError past twice its own
    # MAX_IMAGE_PIXELS (about 179 million) and warns past it; our lower limit is checked next.
    image = Image.open(io.BytesIO(data), formats=["JPEG" if kind == "jpeg" else "PNG"])
    if image.format not in _PIL_FORMATS[kind]:
        image.close()
        raise ValueError(f"unexpected image format {image.format}")
    return image


def _normalized(image: Image.Image, kind: str, max_side: int) -> Image.Image:
    """Decoded, turned upright, in a plain mode, no larger than max_side, without metadata."""
    scale = max_side / max(image.size)
    if kind == "jpeg" and scale < 1:
        # decode at 1/2, 1/4 or 1/8 of the size when that is still at least the target size
        image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # unreadable EXIF: keep the pixels as they are
        upright = image.copy()
    upright = _plain_mode(upright, kind, resizing=max(upright.size) > max_side)
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    upright.info = {}  # EXIF, XMP, comments, ICC profile, text chunks: nothing is saved again
    return upright


def _plain_mode(image: Image.Image, kind: str, *, resizing: bool) -> Image.Image:
    """RGB for JPEG; for PNG: 1, L, LA, RGB or RGBA, alpha and transparency kept."""
    if kind == "jpeg":
        return image if image.mode == "RGB" else image.convert("RGB")
    if "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):  # 16-bit grey: keep the top 8 bits
        return image.convert("I").point(lambda v: v / 256).convert("L")
    if image.mode == "1" and resizing:
        return image.convert("L")
    if image.mode in ("1", "L", "LA", "RGB", "RGBA"):
        return image
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


def _corrupt() -> errors.ValidationError:
    return _refusal("upload_corrupt", _("文件已损坏或格式异常,无法读取,请重新生成后再上传。"))
