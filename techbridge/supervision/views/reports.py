"""Problem reports: the list, filing a problem, the report page with its history and
escalations, its workflow actions, and photo downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny
from techbridge.accounts.roles import Role
from techbridge.core.forms import SERVICE_ERRORS, report_error, submit_form
from techbridge.projects.models import Project, ProjectStage
from techbridge.supervision import rules, selectors, services
from techbridge.supervision.forms import (
    DecideForm,
    ExtensionForm,
    NoteForm,
    PhotoForm,
    RateForm,
    ReasonForm,
    ReassignForm,
    ReplyForm,
    ReportForm,
)
from techbridge.supervision.models import (
    ESCALATION_KINDS,
    Category,
    ProblemAttachment,
    ProblemStatus,
)
from techbridge.supervision.views._common import OBJECT_TYPE, visible_report


def reportable_projects(user: Any) -> Any:
    """Projects ``user`` may file problems for (rules.may_report, as a query)."""
    qs = Project.objects.exclude(stage=ProjectStage.CANCELLED).order_by("code")
    if rules.is_bureau(user) or getattr(user, "role", None) == Role.STATION_STAFF:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    condition = Q(responsible_officer=user)
    if user.role == Role.ENTERPRISE_MEMBER and user.organisation_id:
        condition |= Q(local_company_id=user.organisation_id)
    return qs.filter(condition)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs = selectors.report_list(
        user,
        q=request.GET.get("q", "")[:60],
        status=request.GET.get("status", "")[:16],
        category=request.GET.get("category", "")[:16],
        department=request.GET.get("department", "")[:12],
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"report": r, "clock": selectors.resolution_clock(r, now)} for r in page]
    return render(
        request,
        "supervision/list.html",
        {
            "page": page,
            "rows": rows,
            "statuses": [("open", pgettext("problem status", "Open")), *ProblemStatus.choices],
            "categories": Category.choices,
            "can_create": reportable_projects(user).exists(),
        },
    )


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    projects = reportable_projects(user)
    if not projects.exists():
        raise PermissionDenied
    on_behalf = user.role != Role.ENTERPRISE_MEMBER
    form = ReportForm(
        request.POST or None, request.FILES or None, projects=projects, on_behalf=on_behalf
    )
    done = submit_form(
        request,
        form,
        lambda: services.report_create(
            actor=user,
            project=form.cleaned_data["project"],
            category=form.cleaned_data["category"],
            urgency=form.cleaned_data["urgency"],
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            photos=form.cleaned_data.get("photos") or [],
            contact_name=form.cleaned_data.get("contact_name", ""),
            contact_phone=form.cleaned_data.get("contact_phone", ""),
        ),
    )
    if done.value is not None:
        messages.success(request, _("Problem %(number)s reported.") % {"number": done.value.number})
        return redirect(done.value.get_absolute_url())
    return render(request, "supervision/form.html", {"form": form}, status=done.status)


def _detail(request: HttpRequest, number: str, *, status: int = 200) -> HttpResponse:
    report = visible_report(request, number)
    user: Any = request.user
    now = timezone.now()
    actions = selectors.actions_for(user, report)
    pending = selectors.pending_extension(report)
    return render(
        request,
        "supervision/detail.html",
        {
            "report": report,
            "response": selectors.response_clock(report, now),
            "resolution": selectors.resolution_clock(report, now),
            "events": selectors.history(report),
            "escalations": selectors.escalation_history(report),
            "photos": report.attachments.all(),
            "pauses": report.pauses.all(),
            "extensions": report.extensions.select_related("requested_by", "decided_by"),
            "pending": pending,
            "actions": actions,
            "reveal": selectors.sees_contacts(user, report),
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
            "reply_form": ReplyForm(),
            "rate_form": RateForm(),
            "extension_form": ExtensionForm(),
            "decide_form": DecideForm(),
            "reassign_form": ReassignForm(),
            "photo_form": PhotoForm(),
            "escalation_kinds": ESCALATION_KINDS,
        },
        status=status,
    )


@login_required
def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, number)


def _form(form_class: type, request: HttpRequest) -> Any:
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    return form.cleaned_data


@login_required
@require_POST
def report_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One workflow step, each a service call; a refusal re-renders the page with its
    status (400 bad input, 409 not possible now, 403 not yours to do)."""
    report = visible_report(request, number)
    user: Any = request.user
    done: str
    try:
        if action == "accept":
            services.report_accept(actor=user, report=report, note=_form(NoteForm, request)["note"])
            done = _("Accepted; the reporter was called back.")
        elif action == "start":
            services.report_start(actor=user, report=report)
            done = _("Work started.")
        elif action == "wait":
            services.report_wait(
                actor=user, report=report, reason=_form(ReasonForm, request)["reason"]
            )
            done = _("The clock is paused until the reporter replies.")
        elif action == "resume":
            services.report_resume(actor=user, report=report)
            done = _("The clock runs again.")
        elif action == "reply":
            services.report_reply(
                actor=user, report=report, message=_form(ReplyForm, request)["message"]
            )
            done = _("Reply sent; the clock runs again.")
        elif action == "resolve":
            services.report_resolve(
                actor=user, report=report, note=_form(NoteForm, request)["note"]
            )
            done = _("Marked resolved; the reporter is asked to confirm.")
        elif action == "confirm":
            services.report_confirm(actor=user, report=report)
            done = _("Confirmed. Thank you.")
        elif action == "reopen":
            services.report_reopen(
                actor=user, report=report, reason=_form(ReasonForm, request)["reason"]
            )
            done = _("Reopened.")
        elif action == "rate":
            data = _form(RateForm, request)
            services.report_rate(
                actor=user, report=report, rating=data["rating"], comment=data["comment"]
            )
            done = _("Rating recorded.")
        elif action == "extend":
            data = _form(ExtensionForm, request)
            services.extension_request(
                actor=user, report=report, amount=data["amount"], reason=data["reason"]
            )
            done = _("Extension requested.")
        elif action == "decide":
            data = _form(DecideForm, request)
            pending = selectors.pending_extension(report)
            if pending is None:
                raise ValidationError(_("There is no extension request to decide."))
            services.extension_decide(
                actor=user,
                request=pending,
                approve=data["decision"] == "approve",
                note=data["note"],
            )
            done = _("Decision recorded.")
        elif action == "reassign":
            data = _form(ReassignForm, request)
            services.report_reassign(
                actor=user, report=report, department=data["department"], reason=data["reason"]
            )
            done = _("Reassigned.")
        elif action == "photo":
            services.report_add_photo(
                actor=user, report=report, photo=_form(PhotoForm, request)["photo"]
            )
            done = _("Photo added.")
        else:
            deny(
                user, object_type=OBJECT_TYPE, object_id=number[:16], reason=f"action {action[:20]}"
            )
    except PermissionDenied:
        raise
    except SERVICE_ERRORS as exc:
        return _detail(request, number, status=report_error(request, exc))
    messages.success(request, done)
    return redirect(report.get_absolute_url())


@login_required
def photo_download(request: HttpRequest, number: str, attachment_id: int) -> Any:
    report = visible_report(request, number)
    try:
        photo = report.attachments.get(pk=attachment_id)
    except ProblemAttachment.DoesNotExist:
        deny(request.user, object_type="supervision.problemattachment", object_id=attachment_id)
    return photo.download()
