"""The mobile page (390 px; what a WeChat menu opens) for a project contact holding a
personal link — no account, no login.

The link ``/supervision/m/<secret>/`` is opened once: the secret is checked against its
stored digest, the session remembers the link's id, and the browser is sent on to
``/supervision/m/`` so the secret leaves the address bar (and never rides in a Referer
header). The session then lasts as any session does (30 min idle); the contact opens the
link again to come back. Everything here acts for the link, never for a signed-in user.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from techbridge.core.forms import SERVICE_ERRORS, report_error, submit_form
from techbridge.supervision import selectors, services
from techbridge.supervision.forms import PhotoForm, ProblemForm, RateForm, ReasonForm, ReplyForm
from techbridge.supervision.models import (
    ESCALATION_KINDS,
    ContactLink,
    ProblemEventKind,
    ProblemReport,
)

SESSION_KEY = "supervision_link"
# What the contact sees of the history: their own steps and the department's answers; the
# internal steps (escalation, reassignment, extensions) stay on the staff page.
HIDDEN_KINDS = frozenset(
    ESCALATION_KINDS
    | {
        ProblemEventKind.ROUTED,
        ProblemEventKind.REASSIGNED,
        ProblemEventKind.EXT_REQUESTED,
        ProblemEventKind.EXT_APPROVED,
        ProblemEventKind.EXT_REJECTED,
    }
)
PUBLIC_NOTES = frozenset(
    {
        ProblemEventKind.ACCEPTED,
        ProblemEventKind.WAITING,
        ProblemEventKind.REPLIED,
        ProblemEventKind.RESOLVED,
        ProblemEventKind.REOPENED,
        ProblemEventKind.RATED,
    }
)


def _invalid(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "supervision/mobile/invalid.html", status=status)


def _held_link(request: HttpRequest) -> ContactLink | None:
    return services.live_link(request.session.get(SESSION_KEY))


@never_cache
def mobile_enter(request: HttpRequest, secret: str) -> HttpResponse:
    link = services.link_for_secret(secret)
    if link is None:
        return _invalid(request, 404)
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.pk
    return redirect("supervision:mobile")


def _home(
    request: HttpRequest, link: ContactLink, form: ProblemForm, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    rows = [
        {"report": r, "clock": selectors.resolution_clock(r, now)}
        for r in selectors.reports_of_link(link)[:50]
    ]
    return render(
        request,
        "supervision/mobile/home.html",
        {"link": link, "project": link.project, "form": form, "rows": rows},
        status=status,
    )


@never_cache
def mobile_home(request: HttpRequest) -> HttpResponse:
    link = _held_link(request)
    if link is None:
        return _invalid(request, 403)
    return _home(request, link, ProblemForm())


@never_cache
@require_POST
def mobile_report(request: HttpRequest) -> HttpResponse:
    link = _held_link(request)
    if link is None:
        return _invalid(request, 403)
    form = ProblemForm(request.POST, request.FILES)
    done = submit_form(
        request,
        form,
        lambda: services.report_create(
            actor=None,
            link=link,
            project=link.project,
            category=form.cleaned_data["category"],
            urgency=form.cleaned_data["urgency"],
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            photos=form.cleaned_data.get("photos") or [],
        ),
    )
    if done.value is not None:
        messages.success(
            request,
            _("Problem %(number)s reported. The department will call you back.")
            % {"number": done.value.number},
        )
        return redirect("supervision:mobile_detail", number=done.value.number)
    return _home(request, link, form, status=done.status)


def _report(link: ContactLink, number: str) -> ProblemReport | None:
    return (
        selectors.reports_of_link(link)
        .select_related("department")
        .filter(number=number[:16])
        .first()
    )


def _detail(
    request: HttpRequest, link: ContactLink, report: ProblemReport, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "supervision/mobile/detail.html",
        {
            "report": report,
            "resolution": selectors.resolution_clock(report, now),
            "events": selectors.history(report),
            "actions": selectors.actions_for(None, report, link),
            "reply_form": ReplyForm(),
            "reason_form": ReasonForm(),
            "rate_form": RateForm(),
            "photo_form": PhotoForm(),
            "hidden_kinds": HIDDEN_KINDS,
            "public_notes": PUBLIC_NOTES,
        },
        status=status,
    )


@never_cache
def mobile_detail(request: HttpRequest, number: str) -> HttpResponse:
    link = _held_link(request)
    if link is None:
        return _invalid(request, 403)
    report = _report(link, number)
    if report is None:
        return _invalid(request, 404)
    return _detail(request, link, report)


def _cleaned(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    return dict(form.cleaned_data)


@never_cache
@require_POST
def mobile_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    link = _held_link(request)
    if link is None:
        return _invalid(request, 403)
    report = _report(link, number)
    if report is None:
        return _invalid(request, 404)
    try:
        if action == "reply":
            data = _cleaned(ReplyForm(request.POST))
            services.report_reply(actor=None, report=report, link=link, message=data["message"])
        elif action == "confirm":
            services.report_confirm(actor=None, report=report, link=link)
        elif action == "reopen":
            data = _cleaned(ReasonForm(request.POST))
            services.report_reopen(actor=None, report=report, link=link, reason=data["reason"])
        elif action == "rate":
            data = _cleaned(RateForm(request.POST))
            services.report_rate(
                actor=None, report=report, link=link, rating=data["rating"], comment=data["comment"]
            )
        elif action == "photo":
            data = _cleaned(PhotoForm(request.POST, request.FILES))
            services.report_add_photo(actor=None, report=report, link=link, photo=data["photo"])
        else:
            return _invalid(request, 404)
    except PermissionDenied:
        return _invalid(request, 403)
    except SERVICE_ERRORS as exc:
        report.refresh_from_db()
        return _detail(request, link, report, status=report_error(request, exc))
    messages.success(request, _("Done."))
    return redirect("supervision:mobile_detail", number=report.number)
