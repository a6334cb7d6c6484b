"""Curation pages: the broker's candidates for a demand, the enterprise's
recommendations with accept / decline, the resource owner's feedback."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import get_visible_or_404, role_required
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.brokerage import selectors, services
from techbridge.brokerage.forms import DeclineForm, RecommendForm
from techbridge.brokerage.models import Recommendation, RecommendationStatus
from techbridge.brokerage.views.contacts import resource_contacts
from techbridge.catalogue import selectors as catalogue
from techbridge.core.forms import SERVICE_ERRORS, report_error
from techbridge.matching.selectors import match_demand
from techbridge.organisations.models import Organisation


@role_required(Role.BROKER)
def curate(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_visible_or_404(
        catalogue.visible_queryset("demand", request.user), pk, request.user
    )
    if request.method == "POST":
        form = RecommendForm(request.POST)
        if form.is_valid():
            try:
                services.recommendation_create(
                    actor=request.user,
                    demand=demand,
                    resource_kind=form.cleaned_data["resource_kind"],
                    resource_id=form.cleaned_data["resource_id"],
                    note=form.cleaned_data["note"],
                    score=form.cleaned_data.get("score"),
                )
            except SERVICE_ERRORS as exc:
                report_error(request, exc)
            else:
                messages.success(request, _("Recommended to the enterprise."))
        return redirect("brokerage:curate", pk=demand.pk)
    existing = list(
        Recommendation.objects.filter(demand=demand).select_related("broker", "resource_owner")
    )
    taken = {(r.resource_kind, r.resource_id) for r in existing}
    matches = match_demand(demand=demand, limit=10)
    candidates = [r for r in matches.results if (r.kind, r.id) not in taken]
    _total, accepted, declined, rate = selectors.acceptance_rate(
        Recommendation.objects.filter(broker_id=request.user.pk)
    )
    return render(
        request,
        "brokerage/curate.html",
        {
            "demand": demand,
            "candidates": candidates,
            "existing": existing,
            "contacts": resource_contacts(request.user, existing, via="broker"),
            "my_rate": rate,
            "my_answered": accepted + declined,
        },
    )


def _contacts(request: HttpRequest, orgs: list[Organisation], reason: str) -> dict[int, Any]:
    """Unmasked contacts of organisations opened by a contact grant; each reveal is
    audited (PIPL: revealing personal data is recorded)."""
    out = {}
    for org in orgs:
        if org.pk in out or not selectors.contacts_granted(request.user, org.pk):
            continue
        out[org.pk] = {
            "name": org.contact_name,
            "phone": org.contact_phone,
            "email": org.contact_email,
        }
        audit_record(
            AuditEventType.REVEAL,
            actor=request.user,
            obj=org,
            detail={"fields": ["contact_name", "contact_phone", "contact_email"], "via": reason},
        )
    return out


@role_required(Role.ENTERPRISE_MEMBER)
def recommendations(request: HttpRequest) -> HttpResponse:
    qs = selectors.recommendations_for_enterprise(request.user)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "brokerage/recommendations.html",
        {
            "page": page,
            # One form per row: no ids, or every row's field would share one.
            "decline_form": DeclineForm(auto_id=False),
            "contacts": resource_contacts(request.user, page, via="contact_grant"),
        },
    )


@role_required(Role.ENTERPRISE_MEMBER)
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    reco = get_visible_or_404(
        selectors.recommendations_for_enterprise(request.user), pk, request.user
    )
    try:
        if request.POST.get("answer") == "accept":
            services.recommendation_accept(actor=request.user, recommendation=reco)
            messages.success(request, _("Accepted: contact details are now open to both sides."))
        else:
            form = DeclineForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, str(error))
                return redirect("brokerage:recommendations")
            services.recommendation_decline(
                actor=request.user,
                recommendation=reco,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
            messages.success(
                request, _("Declined; the broker and the resource owner are told why.")
            )
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    return redirect("brokerage:recommendations")


@role_required(Role.INSTITUTION_MEMBER)
def feedback(request: HttpRequest) -> HttpResponse:
    qs = selectors.feedback_for_owner(request.user)
    total, accepted, declined, rate = selectors.acceptance_rate(qs)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    enterprises = [r.demand.owner for r in page if r.status == RecommendationStatus.ACCEPTED]
    return render(
        request,
        "brokerage/feedback.html",
        {
            "page": page,
            "total": total,
            "accepted": accepted,
            "declined": declined,
            "rate": rate,
            "contacts": _contacts(request, enterprises, "contact_grant"),
        },
    )
