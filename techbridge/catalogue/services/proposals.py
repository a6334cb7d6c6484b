"""Solution proposals (解题): an institution answers a published demand; the enterprise
accepts or declines; the proposer may withdraw."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.catalogue import selectors
from techbridge.catalogue.models import (
    Demand,
    Expert,
    ProposalStatus,
    SolutionProposal,
    Status,
)
from techbridge.core.actors import Actor
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import parse_amount


@transaction.atomic
def proposal_submit(
    *,
    actor: Actor,
    demand: Demand,
    approach: str,
    plan: str = "",
    price: Decimal | str | None = None,
    duration_days: int | None = None,
    expert: Expert | None = None,
) -> SolutionProposal:
    """A member of another organisation proposes a solution to a published demand."""
    if not (selectors.is_active_user(actor) and actor.is_member and actor.organisation_id):
        raise PermissionDenied(_("Only members of an organisation propose solutions."))
    if actor.organisation_id == demand.owner_id:
        raise TransitionError(_("You cannot answer your own organisation's demand."))
    if demand.status != Status.PUBLISHED:
        raise TransitionError(_("Only published demands take proposals."))
    errors: dict[str, list[str]] = {}
    approach = (approach or "").strip()
    if not approach:
        errors["approach"] = [_("Describe the technical approach.")]
    amount = None
    if price not in (None, ""):
        try:
            amount = parse_amount(price)
        except ValidationError as exc:
            errors["price"] = list(exc.messages)
    if expert is not None and expert.owner_id != actor.organisation_id:
        errors["expert"] = [_("Name an expert of your own organisation.")]
    if duration_days is not None and not 1 <= int(duration_days) <= 3650:
        errors["duration_days"] = [_("Duration must be between 1 and 3650 days.")]
    if errors:
        raise ValidationError(errors)
    proposal = SolutionProposal(
        demand=demand,
        proposer_id=actor.organisation_id,
        expert=expert,
        approach=approach,
        plan=(plan or "").strip(),
        price=amount,  # type: ignore[misc]  # MoneyField holds Decimal
        duration_days=duration_days,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Your organisation already has a live proposal for this demand.")
        ) from exc
    audit_record(AuditEventType.CREATE, actor=actor, obj=proposal)
    return proposal


def _decide(
    *, actor: Actor, proposal: SolutionProposal, to: str, allowed: list[str], note: str = ""
) -> SolutionProposal:
    now = timezone.now()
    updated = SolutionProposal.objects.filter(pk=proposal.pk, status__in=allowed).update(
        status=to, decision_note=note, decided_at=now, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        raise TransitionError(_("This proposal was decided or withdrawn already."))
    old = proposal.status
    proposal.refresh_from_db()
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=proposal, detail={"from": old, "to": to}
    )
    return proposal


@transaction.atomic
def proposal_decide(
    *, actor: Actor, proposal: SolutionProposal, accept: bool, note: str = ""
) -> SolutionProposal:
    """The demand's enterprise accepts or declines a proposal."""
    if not (
        selectors.is_active_user(actor)
        and actor.is_member
        and actor.organisation_id == proposal.demand.owner_id
    ):
        raise PermissionDenied
    to = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    return _decide(
        actor=actor,
        proposal=proposal,
        to=to,
        allowed=[ProposalStatus.SUBMITTED],
        note=(note or "").strip()[:2000],
    )


@transaction.atomic
def proposal_withdraw(*, actor: Actor, proposal: SolutionProposal) -> SolutionProposal:
    if not (selectors.is_active_user(actor) and actor.organisation_id == proposal.proposer_id):
        raise PermissionDenied
    return _decide(
        actor=actor, proposal=proposal, to=ProposalStatus.WITHDRAWN, allowed=["submitted"]
    )
