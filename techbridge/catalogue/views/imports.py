"""Import for staff in the browser: upload → preview (dry run, every error listed) →
confirm (the stored file is validated again and applied, all rows or none)."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from techbridge.accounts.access import role_required
from techbridge.accounts.roles import Role
from techbridge.catalogue.forms import ImportUploadForm
from techbridge.imports import registry
from techbridge.imports.services import import_file

MAX_UPLOAD = 50 * 1024 * 1024
SUFFIXES = {".csv", ".xlsx", ".jsonl"}


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(token: str) -> Path:
    if not token.isalnum():
        raise Http404
    matches = [p for p in upload_dir().glob(f"{token}.*") if p.suffix in SUFFIXES]
    if len(matches) != 1:
        raise Http404
    return matches[0]


def _run(request: HttpRequest, path: Path, kind: str, org: str, publish: bool, dry_run: bool):
    importer = registry.importer_class(kind)(
        actor=request.user, options={"org": org or None, "publish": publish}
    )
    return import_file(importer, path, dry_run=dry_run)


@role_required(Role.BUREAU_STAFF)
def import_upload(request: HttpRequest) -> HttpResponse:
    kinds = registry.importer_kinds()
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    report = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            form.add_error("file", _("Use a .csv, .xlsx or .jsonl file."))
        elif upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 50 MB."))
        else:
            # A random name: the user's file name never becomes a path on the server.
            token = secrets.token_hex(16)
            path = upload_dir() / f"{token}{suffix}"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            report = _run(
                request,
                path,
                form.cleaned_data["kind"],
                form.cleaned_data["org"],
                form.cleaned_data["publish"],
                dry_run=True,
            )
            if not report.ok:
                path.unlink(missing_ok=True)
                token = ""
    return render(
        request,
        "catalogue/import.html",
        {"form": form, "report": report, "token": token, "options": request.POST},
    )


@role_required(Role.BUREAU_STAFF)
def import_confirm(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("catalogue:import")
    path = _stored(request.POST.get("token", ""))
    kind = request.POST.get("kind", "")
    if kind not in registry.importer_kinds():
        raise Http404
    report = _run(
        request,
        path,
        kind,
        request.POST.get("org", ""),
        request.POST.get("publish") in ("on", "1", "true"),
        dry_run=False,
    )
    path.unlink(missing_ok=True)
    if report.ok:
        messages.success(request, report.summary())
        return redirect("catalogue:import")
    return render(
        request,
        "catalogue/import.html",
        {
            "form": ImportUploadForm(kinds=registry.importer_kinds()),
            "report": report,
            "token": "",
        },
    )
