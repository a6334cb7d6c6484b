"""Voucher pages: the bureau's programmes (figures as a server-rendered CSS bar chart), the
applications queue and decisions; the enterprise's vouchers with balances and the apply
form; the provider's claims and new claim; the bureau's claims queue, decisions and
payments. Objects are fetched through the selectors' visibility, else 404 (audited)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404, role_required
from techbridge.accounts.roles import MEMBER_ROLES, Role
from techbridge.core.forms import SERVICE_ERRORS, form_values, report_error, submit_form
from techbridge.sharing.forms.vouchers import (
    ApplicationForm,
    ApproveForm,
    ClaimForm,
    PayForm,
    ProgrammeForm,
    ReasonForm,
)
from techbridge.sharing.models import (
    ClaimStatus,
    ReimbursementClaim,
    Voucher,
    VoucherApplication,
    VoucherProgramme,
)
from techbridge.sharing.selectors import vouchers as sel
from techbridge.sharing.services import vouchers as services

# --- the figures chart ----------------------------------------------------------------------

# Providers (institutions, agencies, stations) claim; bureau staff decide.
CLAIM_PAGE_ROLES = frozenset((MEMBER_ROLES - {Role.ENTERPRISE_MEMBER}) | {Role.BUREAU_STAFF})


def figure_bars(figures: Sequence[sel.Figure]) -> list[dict[str, Any]]:
    """Bar lengths for the CSS chart, scaled to the largest figure (the budget). The width
    is drawing only (a percentage string); the label beside each bar is the exact amount."""
    top = max((f.amount for f in figures), default=Decimal(0)) or Decimal(1)
    return [
        {
            "key": f.key,
            "label": f.label,
            "amount": f.amount,
            "width": f"{max(Decimal('0.5'), f.amount * 100 / top):.2f}%",
        }
        for f in figures
    ]


# --- helpers --------------------------------------------------------------------------------


def _programme(request: HttpRequest, pk: int) -> VoucherProgramme:
    return get_visible_or_404(sel.programmes_visible_to(request.user), pk, request.user)


def _application(request: HttpRequest, pk: int) -> VoucherApplication:
    return get_visible_or_404(sel.applications_visible_to(request.user), pk, request.user)


def _claim(request: HttpRequest, pk: int) -> ReimbursementClaim:
    return get_visible_or_404(sel.claims_visible_to(request.user), pk, request.user)


def _action(request: HttpRequest, service: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a form-less action post and go back to the page it came from, with a success
    message or the service's refusal (a conflict answers 303: reload a fresh page)."""
    try:
        service()
    except PermissionDenied:
        raise
    except SERVICE_ERRORS as exc:
        response = redirect(back)
        if report_error(request, exc) == 409:
            response.status_code = 303
        return response
    messages.success(request, done)
    return redirect(back)


def _page(request: HttpRequest, qs: Any, size: int = 25) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


# --- programmes -----------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = sel.programmes_visible_to(user)
    return render(
        request,
        "sharing/vouchers/programmes.html",
        {
            "page": _page(request, qs),
            "bureau": sel.is_bureau_staff(user),
            "can_create": sel.can_create_programme(user),
        },
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    if not sel.can_create_programme(request.user):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda: services.programme_create(actor=request.user, **form.service_values()),
    )
    if done.value is not None:
        messages.success(request, _("Programme saved as a draft; open it to take applications."))
        return redirect("sharing:voucher_programme", pk=done.value.pk)
    return render(
        request, "sharing/vouchers/programme_form.html", {"form": form}, status=done.status
    )


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not sel.runs_programme(request.user, programme):
        deny(request.user, object_type="sharing.voucherprogramme", object_id=pk, reason="edit")
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_for(programme))
    done = submit_form(
        request,
        form,
        lambda: services.programme_update(
            actor=request.user,
            programme=programme,
            expected_version=form.cleaned_data.get("version") or programme.version,
            **form.service_values(),
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect("sharing:voucher_programme", pk=programme.pk)
    return render(
        request,
        "sharing/vouchers/programme_form.html",
        {"form": form, "programme": programme},
        status=done.status,
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    user = request.user
    bureau = sel.is_bureau_staff(user)
    figures = sel.programme_figures(programme)
    context: dict[str, Any] = {
        "programme": programme,
        "share_percent": f"{programme.max_share_bp / 100:g}",
        "eligible": sel.eligibility_labels(programme),
        "bureau": bureau,
        "runs": sel.runs_programme(user, programme),
        "can_apply": programme in sel.open_programmes(user, today=timezone.localdate()),
    }
    if bureau:
        context.update(
            figures=figures,
            bars=figure_bars(figures),
            unissued=programme.budget - programme.issued_total,
            applications=sel.applications_visible_to(user).filter(programme=programme)[:20],
            claims=sel.claims_visible_to(user).filter(programme=programme)[:20],
            events=programme.events.select_related("actor").order_by("-at", "-id")[:30],
        )
    return render(request, "sharing/vouchers/programme.html", context)


def _programme_move(request: HttpRequest, pk: int, service: Callable[..., Any]) -> HttpResponse:
    programme = _programme(request, pk)
    if not sel.runs_programme(request.user, programme):
        deny(request.user, object_type="sharing.voucherprogramme", object_id=pk, reason="move")
    back = reverse("sharing:voucher_programme", kwargs={"pk": pk})
    return _action(
        request, lambda: service(actor=request.user, programme=programme), _("Done."), back
    )


@require_POST
@login_required
def programme_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_move(request, pk, services.programme_open)


@require_POST
@login_required
def programme_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_move(request, pk, services.programme_close)


# --- applications ---------------------------------------------------------------------------


@role_required(Role.ENTERPRISE_MEMBER)
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = timezone.localdate()
    organisation_id = getattr(request.user, "organisation_id", 0) or 0
    form = ApplicationForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda: services.application_submit(
            actor=request.user, programme=programme, **form_values(form)
        ),
    )
    if done.value is not None:
        messages.success(request, _("Application submitted to the bureau."))
        return redirect("sharing:voucher_application", pk=done.value.pk)
    issued = sel.enterprise_issued(programme, organisation_id, today.year)
    return render(
        request,
        "sharing/vouchers/apply.html",
        {
            "programme": programme,
            "form": form,
            "share_percent": f"{programme.max_share_bp / 100:g}",
            "issued": issued,
            "left": programme.cap_per_enterprise_year - issued,
            "open": programme in sel.open_programmes(request.user, today=today),
        },
        status=done.status,
    )


@role_required(Role.BUREAU_STAFF)
def application_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, sel.application_queue(request.user))
    return render(request, "sharing/vouchers/applications.html", {"page": page})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    decide = (
        sel.runs_programme(request.user, application.programme)
        and application.status == "submitted"
    )
    voucher = Voucher.objects.filter(application=application).first()
    return render(
        request,
        "sharing/vouchers/application.html",
        {
            "application": application,
            "voucher": voucher,
            "decide": decide,
            "approve_form": ApproveForm(initial={"amount": application.amount_requested}),
            "unissued": application.programme.budget - application.programme.issued_total,
            "reason_form": ReasonForm(),
            "issued": sel.enterprise_issued(
                application.programme, application.enterprise_id, timezone.localdate().year
            ),
            "events": application.events.select_related("actor").order_by("at", "id"),
        },
    )


def _decision(request: HttpRequest, pk: int) -> tuple[VoucherApplication, str]:
    application = _application(request, pk)
    if not sel.runs_programme(request.user, application.programme):
        deny(request.user, object_type="sharing.voucherapplication", object_id=pk, reason="decide")
    return application, reverse("sharing:voucher_application", kwargs={"pk": pk})


@require_POST
@login_required
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    application, back = _decision(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    return _action(
        request,
        lambda: services.application_approve(
            actor=request.user, application=application, **form_values(form)
        ),
        _("Approved: the voucher is issued."),
        back,
    )


@require_POST
@login_required
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application, back = _decision(request, pk)
    return _action(
        request,
        lambda: services.application_reject(
            actor=request.user, application=application, reason=request.POST.get("reason", "")
        ),
        _("Application rejected."),
        back,
    )


# --- the enterprise's vouchers --------------------------------------------------------------


@role_required(Role.ENTERPRISE_MEMBER)
def my_vouchers(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "sharing/vouchers/mine.html",
        {
            "vouchers": sel.vouchers_visible_to(user).order_by("-issued_at", "-id"),
            "applications": sel.applications_visible_to(user)[:30],
            "programmes": sel.open_programmes(user, today=today),
            "today": today,
        },
    )


@login_required
def voucher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    voucher = get_visible_or_404(sel.vouchers_visible_to(request.user), pk, request.user)
    return render(
        request,
        "sharing/vouchers/voucher.html",
        {
            "voucher": voucher,
            "today": timezone.localdate(),
            "redemptions": voucher.redemptions.select_related("order__resource").order_by(
                "-created_at", "-id"
            ),
            "events": voucher.events.select_related("actor").order_by("at", "id"),
        },
    )


# --- claims ---------------------------------------------------------------------------------


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    provider = sel.provides_services(user)
    # Everyone the menu offers the page to may open it (an institution without shared
    # resources sees an empty list); enterprises never.
    if not (provider or getattr(user, "role", None) in CLAIM_PAGE_ROLES):
        raise PermissionDenied
    qs = sel.claims_visible_to(user)
    status = request.GET.get("status", "")
    if status in ClaimStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "sharing/vouchers/claims.html",
        {
            "page": _page(request, qs),
            "provider": provider,
            "claimable": sel.claimable_redemptions(user).count() if provider else 0,
            "statuses": ClaimStatus.choices,
            "status": status,
        },
    )


@role_required(Role.BUREAU_STAFF)
def claim_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, sel.claim_queue(request.user))
    return render(request, "sharing/vouchers/claim_queue.html", {"page": page})


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not sel.provides_services(user):
        raise PermissionDenied
    claimable = sel.claimable_redemptions(user)
    programme_ids = list(
        claimable.order_by().values_list("voucher__programme_id", flat=True).distinct()
    )
    programmes = VoucherProgramme.objects.filter(pk__in=programme_ids).order_by("name", "id")
    wanted = _int(request.GET.get("programme"))
    chosen = (wanted and programmes.filter(pk=wanted).first()) or programmes.first()
    form = ClaimForm(
        request.POST or None,
        claimable=claimable.filter(voucher__programme=chosen) if chosen else claimable.none(),
    )
    done = submit_form(
        request,
        form,
        lambda: services.claim_submit(
            actor=user,
            redemptions=form.cleaned_data["redemptions"],
            invoice_number=form.cleaned_data["invoice_number"],
        ),
    )
    if done.value is not None:
        messages.success(request, _("Claim submitted to the bureau."))
        return redirect("sharing:voucher_claim", pk=done.value.pk)
    return render(
        request,
        "sharing/vouchers/claim_form.html",
        {"form": form, "programmes": programmes, "chosen": chosen},
        status=done.status,
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    decide = sel.may_decide_claim(request.user, claim)
    lines = claim.lines.select_related(
        "redemption__voucher", "redemption__order__resource", "redemption__order__customer"
    ).order_by("id")
    return render(
        request,
        "sharing/vouchers/claim.html",
        {
            "claim": claim,
            "lines": lines,
            "can_approve": decide and claim.status == ClaimStatus.SUBMITTED,
            "can_reject": decide and claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED),
            "can_pay": decide and claim.status == ClaimStatus.APPROVED,
            "own_organisation": sel.runs_programme(request.user, claim.programme) and not decide,
            "reason_form": ReasonForm(),
            "pay_form": PayForm(),
            "events": claim.events.select_related("actor").order_by("at", "id"),
        },
    )


def _claim_step(
    request: HttpRequest, pk: int, step: Callable[[ReimbursementClaim], Any], done: str
) -> HttpResponse:
    claim = _claim(request, pk)
    if not sel.runs_programme(request.user, claim.programme):
        deny(request.user, object_type="sharing.reimbursementclaim", object_id=pk, reason="decide")
    back = reverse("sharing:voucher_claim", kwargs={"pk": pk})
    return _action(request, lambda: step(claim), done, back)


@require_POST
@login_required
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request,
        pk,
        lambda c: services.claim_approve(
            actor=request.user, claim=c, note=request.POST.get("note", "")
        ),
        _("Claim approved."),
    )


@require_POST
@login_required
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request,
        pk,
        lambda c: services.claim_reject(
            actor=request.user, claim=c, reason=request.POST.get("reason", "")
        ),
        _("Claim rejected."),
    )


@require_POST
@login_required
def claim_pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request,
        pk,
        lambda c: services.claim_pay(
            actor=request.user, claim=c, reference=request.POST.get("reference", "")
        ),
        _("Payment recorded."),
    )
