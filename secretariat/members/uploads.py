"""Validation of uploaded files: type by content and extension, size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Extension → (accepted content types, magic prefix or None)
ATTACHMENT_TYPES: dict[str, tuple[set[str], bytes | None]] = {
    ".pdf": ({"application/pdf"}, b"%PDF-"),
    ".png": ({"image/png"}, b"\x89PNG\r\n\x1a\n"),
    ".jpg": ({"image/jpeg"}, b"\xff\xd8\xff"),
    ".jpeg": ({"image/jpeg"}, b"\xff\xd8\xff"),
    ".docx": (
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        b"PK\x03\x04",
    ),
}


def validate_attachment(upload: UploadedFile) -> str:
    """Return the content type of an acceptable attachment, or raise a translated error."""
    name = (upload.name or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Only PDF, PNG, JPEG or Word (.docx) files are accepted."), code="type"
        )
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > settings.SECRETARIAT_MAX_UPLOAD_BYTES:
        limit = settings.SECRETARIAT_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(
            _("The file is too large; the limit is %(limit)s MB.") % {"limit": limit}, code="size"
        )
    types, magic = ATTACHMENT_TYPES[ext]
    head = upload.read(16)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ValidationError(_("The file's content does not match its type."), code="content")
    return next(iter(types))
