"""Home page, health check and the generic error pages (with a request id, no traceback)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from techbridge.organisations.models import Organisation, OrganisationStatus


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """我的工作台: what waits for this user, from every app; where the login lands."""
    from techbridge.core import workbench as bench

    return render(
        request,
        "core/workbench.html",
        {"items": bench.items_for(request.user), "panels": bench.panels_for(request.user)},
    )


def home(request: HttpRequest) -> HttpResponse:
    from techbridge.catalogue.selectors import home_summary

    counts = {
        "organisations": Organisation.objects.filter(status=OrganisationStatus.VERIFIED).count(),
    }
    return render(request, "core/home.html", {"counts": counts, "catalogue": home_summary()})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers. Touches neither the database nor
    the index, so a database outage does not get every web process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers, this node's index is readable and not far behind
    the change log (``SEARCH_READY_MAX_LAG_SECONDS``), and the job queue's depth where
    ``techbridge.jobs`` is installed. 503 when this node should get no traffic. Failures
    name the part, never the internals (anyone may call this)."""
    from techbridge.core import probes

    body = probes.readiness()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "status": status,
                    "code": str(status),
                    "message": {403: "Forbidden", 404: "Not found", 400: "Bad request"}.get(
                        status, "Server error"
                    ),
                    "request_id": getattr(request, "request_id", "-"),
                }
            },
            status=status,
        )
    return render(
        request, template, {"request_id": getattr(request, "request_id", "-")}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be the database itself.
    if request.path.startswith("/api/"):
        return _error(request, "500.html", 500)
    body = render_to_string("500.html", {"request_id": getattr(request, "request_id", "-")})
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, "403_csrf.html", 403)


@login_required
@never_cache
def amount_preview(request: HttpRequest) -> JsonResponse:
    """What an amount field will save, shown beside it while the user types (site.js):
    {"ok": true, "yuan": "1500000.00", "text": "150.00万元 (1,500,000.00 元)"} or
    {"ok": false, "error": "…"} naming the value and what would be accepted."""
    from django.core.exceptions import ValidationError

    from techbridge.core.money import format_yuan, format_yuan_words, parse_amount

    text = request.GET.get("text", "")[:60]
    try:
        amount = parse_amount(text, allow_zero=True)
    except ValidationError as error:
        return JsonResponse({"ok": False, "error": " ".join(error.messages)})
    words = format_yuan_words(amount)
    plain = f"{format_yuan(amount)} {_('yuan')}"
    shown = words if words == plain else f"{words}（{plain}）"
    return JsonResponse({"ok": True, "yuan": format(amount, "f"), "text": shown})
