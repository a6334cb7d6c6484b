"""The job queue page — the system administrator's: depth, oldest waiting job, failed
jobs with their error, and re-runs (POST, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import role_required
from techbridge.accounts.roles import Role
from techbridge.jobs import selectors, services
from techbridge.jobs.models import JobStatus


@role_required(Role.SYSTEM_ADMIN)
def dashboard(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.failed_jobs(), 30).get_page(request.GET.get("page"))
    stats = selectors.queue_stats()
    by_status = [(JobStatus(status).label, n) for status, n in stats.by_status.items()]
    return render(
        request,
        "jobs/dashboard.html",
        {"stats": stats, "by_status": by_status, "page": page, "recent": selectors.jobs()[:20]},
    )


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.failed_jobs(), pk=pk)
    if services.job_retry(actor=request.user, job=job):
        messages.success(request, _("Job #%(id)s (%(name)s) is queued again.") % {
            "id": job.pk, "name": job.name
        })
    return redirect("jobs:dashboard")


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def retry_all(request: HttpRequest) -> HttpResponse:
    count = services.jobs_retry_all_failed(actor=request.user)
    messages.success(request, _("%(count)d failed job(s) queued again.") % {"count": count})
    return redirect("jobs:dashboard")
