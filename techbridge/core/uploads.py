"""Checking uploaded attachments: the extension must be allowed and the first bytes must
match it, so a script renamed to .pdf is refused; at most 10 MB."""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# extension → (content type, magic prefixes)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}
# Office files are ZIP archives; the part that says which kind of document it is.
_OFFICE_PART = {".docx": "word/", ".xlsx": "xl/"}


def check_upload(upload: Any) -> str:
    """Return the content type of an acceptable upload or raise ValidationError."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            {"file": [_("Attach PDF, PNG, JPG, DOCX or XLSX files only.")]}, code="file_type"
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 10 MB.")]}, code="file_size")
    content_type, magics = ALLOWED[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(
            {
                "file": [
                    _("The file's content does not match its .%(ext)s extension.")
                    % {"ext": suffix.lstrip(".")}
                ]
            },
            code="file_disguised",
        )
    if suffix in _OFFICE_PART:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        upload.seek(0)
        if not any(n.startswith(_OFFICE_PART[suffix]) for n in names):
            raise ValidationError(
                {
                    "file": [
                        _("The file's content does not match its .%(ext)s extension.")
                        % {"ext": suffix.lstrip(".")}
                    ]
                },
                code="file_disguised",
            )
    return content_type


def download_response(file: Any, *, filename: str, content_type: str) -> FileResponse:
    """A stored attachment as a download, never rendered inline by the browser."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
