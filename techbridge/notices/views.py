"""Notice pages: received notices, compose with a preview, the sent list with read
counts, a notice's page (receipts for its senders; opening it is a recipient's receipt)
and the group robots."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import get_visible_or_404, role_required
from techbridge.accounts.roles import Role
from techbridge.core.forms import SERVICE_ERRORS, form_values, report_error, submit_form
from techbridge.notices import selectors, services
from techbridge.notices.fields import NOTICE_FIELDS
from techbridge.notices.forms import NoticeForm, RobotCreateForm, RobotEditForm
from techbridge.notices.models import Notice, NoticeKind

SENDERS = (Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER)
ROBOT_MANAGERS = (Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)


@login_required
def received(request: HttpRequest) -> HttpResponse:
    qs = selectors.received_by(request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/received.html",
        {"page": page, "unread": selectors.received_unread_count(request.user)},
    )


@role_required(*SENDERS)
def sent(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in NoticeKind.values else ""
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.sent_list(request.user, q=q, kind=kind), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notices/sent.html",
        {"page": page, "q": q, "kind": kind, "kinds": NoticeKind.choices},
    )


@role_required(*SENDERS)
def compose(request: HttpRequest) -> HttpResponse:
    if not selectors.can_send(request.user):
        raise PermissionDenied
    form = NoticeForm(request.POST or None, user=request.user)
    if request.method == "POST" and "preview" in request.POST:
        return _preview(request, form)
    def send() -> Notice:
        values: dict[str, Any] = {name: form.cleaned_data[name] for name in NOTICE_FIELDS}
        values.update(form.targets())
        return services.notice_send(actor=request.user, **values)

    done = submit_form(request, form, send)
    if done.saved and done.value is not None:
        messages.success(request, _("Sent to %(n)s people.") % {"n": done.value.recipients.count()})
        return redirect(done.value.get_absolute_url())
    return render(request, "notices/compose.html", {"form": form}, status=done.status)


def _preview(request: HttpRequest, form: NoticeForm) -> HttpResponse:
    """The notice as recipients will see it, and whom it will reach; nothing is saved."""
    if not form.is_valid():
        return render(request, "notices/compose.html", {"form": form}, status=400)
    targets = form.targets()
    reached = selectors.resolve_recipients(
        projects=targets["projects"],
        zones=targets["zones"],
        departments=targets["departments"],
        exclude=request.user,
    )
    return render(
        request,
        "notices/compose.html",
        {
            "form": form,
            "preview": {
                "kind": NoticeKind(form.cleaned_data["kind"]).label,
                "title": form.cleaned_data["title"],
                "body": form.cleaned_data["body"],
                "reached": len(reached),
                "targets": targets,
            },
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(
        selectors.notices_visible_to(request.user).select_related(
            "created_by", "sender_organisation"
        ),
        pk,
        request.user,
    )
    receipt = services.notice_mark_read(actor=request.user, notice=notice)
    context: dict[str, Any] = {"notice": notice, "receipt": receipt}
    if selectors.sent_visible_to(request.user).filter(pk=notice.pk).exists():
        rows = list(selectors.receipts(notice))
        context.update(
            supervising=True,
            receipts=rows,
            read_count=sum(1 for r in rows if r.read_at is not None),
            deliveries=selectors.robot_deliveries(notice),
            targets={
                "projects": list(notice.projects.order_by("code")),
                "zones": list(notice.zones.order_by("name")),
                "departments": list(notice.departments.order_by("name")),
            },
        )
    return render(request, "notices/detail.html", context)


# --- group robots ------------------------------------------------------------------------


@role_required(*ROBOT_MANAGERS)
def robots(request: HttpRequest) -> HttpResponse:
    form = RobotCreateForm(request.POST or None)
    done = submit_form(
        request, form, lambda: services.robot_create(actor=request.user, **form_values(form))
    )
    if done.saved:
        messages.success(request, _("Robot added."))
        return redirect("notices:robots")
    return render(
        request,
        "notices/robots.html",
        {"robots": selectors.managed_robots(request.user), "form": form},
        status=done.status,
    )


@role_required(*ROBOT_MANAGERS)
def robot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    robot = get_visible_or_404(selectors.managed_robots(request.user), pk, request.user)
    form = RobotEditForm(request.POST or None, robot=robot)
    done = submit_form(
        request,
        form,
        lambda: services.robot_update(actor=request.user, robot=robot, **form_values(form)),
    )
    if done.saved:
        messages.success(request, _("Robot saved."))
        return redirect("notices:robots")
    recent = robot.messages.order_by("-created_at", "-id")[:20]
    return render(
        request,
        "notices/robot_edit.html",
        {"robot": robot, "form": form, "recent": recent},
        status=done.status,
    )


@role_required(*ROBOT_MANAGERS)
@require_POST
def robot_test(request: HttpRequest, pk: int) -> HttpResponse:
    robot = get_visible_or_404(selectors.managed_robots(request.user), pk, request.user)
    try:
        services.robot_test(actor=request.user, robot=robot)
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Test message queued."))
    return redirect("notices:robot_edit", pk=robot.pk)
