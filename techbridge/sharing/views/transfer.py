"""The import and export pages of rates and usage records: a file download with an audit
row, and upload → dry run listing every error → confirm (the stored file is validated again
and applied, all rows or none). The formats are in sharing/importers.py."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.imports.columns import Column
from techbridge.imports.exports import write_table
from techbridge.sharing.importers import run_import

_CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_SUFFIXES = (".csv", ".xlsx")
MAX_UPLOAD = 20 * 1024 * 1024


def export_response(
    request: HttpRequest,
    *,
    kind: str,
    fmt: str,
    headers_rows: tuple[Sequence[str], Iterable[Sequence[Any]]],
) -> HttpResponse:
    headers, rows = headers_rows
    buffer = io.BytesIO()
    count = write_table(buffer, fmt, headers, rows)
    audit_record(
        AuditEventType.EXPORT,
        actor=request.user,
        object_type=f"export.{kind}",
        object_repr=fmt,
        detail={"rows": count},
    )
    response = HttpResponse(buffer.getvalue(), content_type=_CONTENT_TYPES[fmt])
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.{fmt}"'
    return response


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(token: str) -> Path:
    if not token.isalnum() or len(token) != 32:
        raise Http404
    for suffix in _SUFFIXES:
        path = _upload_dir() / f"sharing-{token}{suffix}"
        if path.exists():
            return path
    raise Http404


def import_page(
    request: HttpRequest,
    *,
    kind: str,
    form_class: Any,
    template: str,
    title: str,
    columns: Sequence[Column],
    done_url: str,
) -> HttpResponse:
    """Upload → dry run with every error listed → confirm (the stored file is validated
    again and applied, all rows or none). The user's file name never becomes a path."""
    report = None
    token = ""
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and request.POST.get("token"):
        path = _stored(request.POST["token"])
        report = run_import(kind, actor=request.user, path=path, dry_run=False)
        path.unlink(missing_ok=True)
        if report.ok:
            messages.success(request, report.summary())
            return redirect(done_url)
        form = form_class()
        status = 400
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in _SUFFIXES:
            form.add_error("file", _("Use a .xlsx or .csv file."))
            status = 400
        elif upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 20 MB."))
            status = 400
        else:
            token = secrets.token_hex(16)
            path = _upload_dir() / f"sharing-{token}{suffix}"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            report = run_import(kind, actor=request.user, path=path, dry_run=True)
            if not report.ok:
                path.unlink(missing_ok=True)
                token = ""
                status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        template,
        {"form": form, "report": report, "token": token, "title": title, "columns": columns},
        status=status,
    )
