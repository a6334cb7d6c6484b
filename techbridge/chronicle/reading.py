"""An uploaded report as text: .txt (UTF-8 or GB18030, as Chinese Windows saves it) or
.docx (the paragraphs of word/document.xml; checked as a real Word file first)."""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from techbridge.core.uploads import check_upload

MAX_REPORT_BYTES = 2 * 1024 * 1024
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"file": [message]}, code=code)


def read_report_upload(upload: Any) -> str:
    """The text of an uploaded .txt or .docx report; ValidationError on ``file`` naming
    what is wrong with it."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".txt":
        if upload.size > MAX_REPORT_BYTES:
            raise _refuse(
                _("The report file “%(name)s” is larger than 2 MB.") % {"name": name}, "size"
            )
        data = upload.read()
        if b"\x00" in data:
            raise _refuse(
                _("“%(name)s” is not a text file (it contains binary data).") % {"name": name},
                "binary",
            )
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return str(data.decode(encoding))
            except UnicodeDecodeError:
                continue
        raise _refuse(
            _("“%(name)s” is neither UTF-8 nor GB18030 text.") % {"name": name}, "encoding"
        )
    if suffix == ".docx":
        check_upload(upload)  # a Word file by its content, at most 10 MB
        try:
            with zipfile.ZipFile(upload) as archive:
                info = archive.getinfo("word/document.xml")
                if info.file_size > MAX_DOCX_XML_BYTES:
                    raise _refuse(
                        _("The Word document “%(name)s” is too large.") % {"name": name}, "size"
                    )
                xml = archive.read(info)
                # Word never writes a DTD; one here could only be an entity bomb.
                if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
                    raise _refuse(
                        _("“%(name)s” could not be read as a Word document.") % {"name": name},
                        "docx",
                    )
                root = ElementTree.fromstring(xml)  # noqa: S314 (no DTD, checked above)
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
            raise _refuse(
                _("“%(name)s” could not be read as a Word document.") % {"name": name}, "docx"
            ) from None
        paragraphs = [
            "".join(node.text or "" for node in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")
        ]
        return "\n".join(paragraphs)
    raise _refuse(
        _("Upload the report as a .txt or .docx file; “%(name)s” is neither.") % {"name": name},
        "type",
    )
