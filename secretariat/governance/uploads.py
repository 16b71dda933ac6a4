"""Validation of the files uploaded as session documents: type by content, extension and size.

`members.uploads.validate_attachment` accepts PDF, images and Word only and checks a magic
prefix; session documents also come as spreadsheets, slides and OpenDocument text, and the
Office/OpenDocument formats are ZIP archives that need a look inside to tell them apart (a
ZIP of anything starts with the same four bytes). So the same approach, one step further:
the extension says what the file claims to be, the content must agree.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    check: Callable[[UploadedFile, bytes], bool]


def _starts_with(*prefixes: bytes) -> Callable[[UploadedFile, bytes], bool]:
    def check(_upload: UploadedFile, head: bytes) -> bool:
        return any(head.startswith(prefix) for prefix in prefixes)

    return check


def _webp(_upload: UploadedFile, head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_names(upload: UploadedFile) -> tuple[list[str], bytes]:
    """Member names of a ZIP upload and the content of its `mimetype` entry (OpenDocument)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return [], b""
    finally:
        upload.seek(0)
    return names, mimetype


def _office(folder: str) -> Callable[[UploadedFile, bytes], bool]:
    """An Office Open XML file: a ZIP with [Content_Types].xml and the format's folder."""

    def check(upload: UploadedFile, head: bytes) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        names, _mimetype = _zip_names(upload)
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _opendocument(mimetype: bytes) -> Callable[[UploadedFile, bytes], bool]:
    def check(upload: UploadedFile, head: bytes) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        _names, found = _zip_names(upload)
        return found.strip() == mimetype

    return check


# Extension → what it must be. Everything else is refused.
DOCUMENT_TYPES: dict[str, FileKind] = {
    ".pdf": FileKind("application/pdf", _starts_with(b"%PDF-")),
    ".docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office("word/"),
    ),
    ".xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office("xl/")
    ),
    ".pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _office("ppt/"),
    ),
    ".odt": FileKind(
        "application/vnd.oasis.opendocument.text",
        _opendocument(b"application/vnd.oasis.opendocument.text"),
    ),
    ".png": FileKind("image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    ".jpg": FileKind("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    ".jpeg": FileKind("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    ".webp": FileKind("image/webp", _webp),
}

# For the file input's `accept` attribute (a hint to the browser; the server decides).
ACCEPT = ",".join(DOCUMENT_TYPES)


def max_upload_bytes() -> int:
    return int(settings.SECRETARIAT_MAX_UPLOAD_BYTES)


def validate_document_file(upload: UploadedFile) -> str:
    """Return the content type of an acceptable session document, or raise a translated error
    that names the file."""
    raw_name = upload.name or ""
    name = raw_name.lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    kind = DOCUMENT_TYPES.get(ext)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” cannot be accepted: only PDF, Word (.docx), Excel (.xlsx), "
                "PowerPoint (.pptx), OpenDocument text (.odt) and image (PNG, JPEG, WebP) "
                "files are."
            )
            % {"name": raw_name},
            code="type",
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": raw_name}, code="empty")
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("“%(name)s” is too large; the limit is %(limit)s MB.")
            % {"name": raw_name, "limit": max_upload_bytes() // (1024 * 1024)},
            code="size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not kind.check(upload, head):
        raise ValidationError(
            _("The content of “%(name)s” is not what its name says (%(ext)s).")
            % {"name": raw_name, "ext": ext},
            code="content",
        )
    return kind.content_type
