"""Ledger import (upload → preview with every error → confirm, all rows or none), export
of what the user may see, and the batches and zones the ledger is organised by."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from techbridge.accounts.access import role_required
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.codes import selectors as codes
from techbridge.core.forms import add_service_errors
from techbridge.imports.exports import write_table
from techbridge.imports.services import ImportReport, import_file
from techbridge.projects import selectors, services
from techbridge.projects.forms import BatchForm, ImportForm, ZoneForm
from techbridge.projects.importers import ProjectImporter, export_projects
from techbridge.projects.views.ledger import list_filters

MAX_UPLOAD = 20 * 1024 * 1024
SUFFIXES = {".csv", ".xlsx"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads" / "project-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(token: str) -> Path:
    if not token.isalnum():
        raise Http404
    matches = [p for p in upload_dir().glob(f"{token}.*") if p.suffix in SUFFIXES]
    if len(matches) != 1:
        raise Http404
    return matches[0]


def _run(request: HttpRequest, path: Path, *, dry_run: bool) -> ImportReport:
    return import_file(ProjectImporter(actor=request.user), path, dry_run=dry_run)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report, token = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            form.add_error("file", _("Use a .xlsx or .csv file."))
        elif upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            # A random name: the user's file name never becomes a path on the server.
            token = secrets.token_hex(16)
            path = upload_dir() / f"{token}{suffix}"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            report = _run(request, path, dry_run=True)
            if not report.ok:
                path.unlink(missing_ok=True)
                token = ""
    refused = bool(form.errors) or (report is not None and not report.ok)
    status = 400 if request.method == "POST" and refused else 200
    return render(
        request,
        "projects/import.html",
        {"form": form, "report": report, "token": token},
        status=status,
    )


@login_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("projects:import")
    path = _stored(request.POST.get("token", ""))
    report = _run(request, path, dry_run=False)
    path.unlink(missing_ok=True)
    if report.ok:
        messages.success(request, report.summary())
        return redirect("projects:list")
    return render(
        request,
        "projects/import.html",
        {"form": ImportForm(), "report": report, "token": ""},
        status=400,
    )


@login_required
def export_ledger(request: HttpRequest) -> HttpResponse:
    """The filtered ledger (what the user may see) in the import format."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in CONTENT_TYPES:
        raise Http404
    projects = selectors.project_list(user=request.user, **list_filters(request))
    headers, rows = export_projects(user=request.user, projects=projects)
    buffer = io.BytesIO()
    count = write_table(buffer, fmt, headers, rows)
    audit_record(
        AuditEventType.EXPORT,
        actor=request.user,
        object_type="export.projects",
        object_repr=f"projects.{fmt}",
        detail={"rows": count},
    )
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="projects.{fmt}"'
    return response


@role_required(Role.BUREAU_STAFF)
def batches(request: HttpRequest) -> HttpResponse:
    batch_form = BatchForm(request.POST if request.POST.get("what") == "batch" else None)
    zone_form = ZoneForm(request.POST if request.POST.get("what") == "zone" else None)
    status = 200
    if request.method == "POST":
        form = batch_form if request.POST.get("what") == "batch" else zone_form
        if form.is_valid():
            try:
                if form is batch_form:
                    services.batch_create(actor=request.user, **form.cleaned_data)
                else:
                    services.zone_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Saved."))
                return redirect("projects:batches")
        else:
            status = 400
    return render(
        request,
        "projects/batches.html",
        {
            "batches": selectors.batches(),
            "zones": [(z, codes.region_label(z.region_code)) for z in selectors.zones()],
            "batch_form": batch_form,
            "zone_form": zone_form,
        },
        status=status,
    )
