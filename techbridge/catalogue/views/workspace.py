"""The organisation's workspace, the reviewers' queue and solution proposals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, duty_required, get_visible_or_404
from techbridge.accounts.roles import Duty
from techbridge.catalogue import selectors, services
from techbridge.catalogue.forms import ProposalForm
from techbridge.catalogue.kinds import KINDS, PLURALS
from techbridge.catalogue.models import ProposalStatus, Status
from techbridge.core.exceptions import TransitionError
from techbridge.core.forms import submit_form


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_member", False):
        raise PermissionDenied
    return render(
        request,
        "catalogue/workspace.html",
        {
            "ws": selectors.workspace(request.user),
            "kinds": [(kind, model._meta.verbose_name) for kind, model in KINDS.items()],
        },
    )


REVIEW_ROWS = 100


@duty_required(Duty.REVIEWER)
def review_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.review_queue(request.user)
    plural = {kind: slug for slug, kind in PLURALS.items()}
    # The first REVIEW_ROWS per kind; all of them are a paginated list away (the catalogue
    # list filtered to submitted records).
    groups = [
        (
            str(KINDS[kind]._meta.verbose_name_plural),
            list(qs[:REVIEW_ROWS]),
            qs.count(),
            reverse(f"catalogue:{plural[kind]}") + "?status=submitted",
        )
        for kind, qs in queue.items()
    ]
    return render(
        request,
        "catalogue/review.html",
        {"groups": groups, "own_org": getattr(request.user, "organisation_id", None)},
    )


@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_visible_or_404(
        selectors.visible_queryset("demand", request.user), pk, request.user
    )
    if not getattr(request.user, "is_member", False) or demand.status != Status.PUBLISHED:
        raise PermissionDenied
    form = ProposalForm(request.POST or None, experts=selectors.experts_for_proposal(request.user))
    done = submit_form(
        request,
        form,
        lambda: services.proposal_submit(actor=request.user, demand=demand, **form.cleaned_data),
    )
    if done.value is not None:
        messages.success(request, _("Proposal sent to the enterprise."))
        return redirect("catalogue:proposal", pk=done.value.pk)
    return render(
        request, "catalogue/propose.html", {"form": form, "demand": demand}, status=done.status
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_visible_or_404(selectors.proposals_visible_to(request.user), pk, request.user)
    user: Any = request.user
    return render(
        request,
        "catalogue/proposal.html",
        {
            "proposal": proposal,
            "can_decide": proposal.status == ProposalStatus.SUBMITTED
            and user.is_member
            and user.organisation_id == proposal.demand.owner_id,
            "can_withdraw": proposal.status == ProposalStatus.SUBMITTED
            and user.organisation_id == proposal.proposer_id,
        },
    )


@login_required
@require_POST
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_visible_or_404(selectors.proposals_visible_to(request.user), pk, request.user)
    try:
        if action in ("accept", "decline"):
            services.proposal_decide(
                actor=request.user,
                proposal=proposal,
                accept=action == "accept",
                note=request.POST.get("note", ""),
            )
        elif action == "withdraw":
            services.proposal_withdraw(actor=request.user, proposal=proposal)
        else:
            raise Http404
    except PermissionDenied:
        deny(request.user, object_type="catalogue.solutionproposal", object_id=pk, reason=action)
    except TransitionError as exc:
        messages.error(request, exc.message)
    return redirect("catalogue:proposal", pk=pk)
