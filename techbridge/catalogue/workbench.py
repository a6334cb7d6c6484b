"""The catalogue's part of 我的工作台: drafts to finish, records returned for changes,
demands a station recorded for the enterprise to confirm, proposals to answer; for
reviewers, the review queue with the age of its oldest record."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.catalogue.kinds import KINDS
from techbridge.catalogue.models import Demand, ProposalStatus, SolutionProposal, Status
from techbridge.catalogue.selectors import is_reviewer
from techbridge.core.actors import is_active_user
from techbridge.core.workbench import WorkItem, oldest_and_count


def _across_kinds(status: str, **filters: Any) -> tuple[int, Any]:
    total, oldest = 0, None
    for model in KINDS.values():
        n, first = oldest_and_count(
            model._default_manager.filter(status=status, **filters), "updated_at"
        )
        total += n
        if first is not None and (oldest is None or first < oldest):
            oldest = first
    return total, oldest


def items(user: Any) -> list[WorkItem]:
    found: list[WorkItem] = []
    if not is_active_user(user):
        return found
    org_id = getattr(user, "organisation_id", None)
    if org_id and getattr(user, "is_member", False):
        workspace = reverse("catalogue:workspace")
        drafts, _first = _across_kinds(Status.DRAFT, owner_id=org_id)
        found.append(
            WorkItem(
                _("drafts to finish and submit"),
                drafts,
                workspace,
                hint=_("Submitted records are reviewed by the bureau before publication."),
            )
        )
        returned, first = _across_kinds(Status.RETURNED, owner_id=org_id)
        found.append(WorkItem(_("records returned for changes"), returned, workspace, first))
        n, first = oldest_and_count(
            Demand.objects.filter(
                owner_id=org_id,
                recorded_by_station__isnull=False,
                confirmed_by_enterprise_at__isnull=True,
            ),
            "created_at",
        )
        found.append(WorkItem(_("demands recorded by a station, to confirm"), n, workspace, first))
        n, first = oldest_and_count(
            SolutionProposal.objects.filter(
                demand__owner_id=org_id, status=ProposalStatus.SUBMITTED
            ),
            "created_at",
        )
        found.append(WorkItem(_("solution proposals to answer"), n, workspace, first))
    if is_reviewer(user):
        n, first = _across_kinds(Status.SUBMITTED)
        found.append(
            WorkItem(_("records waiting for review"), n, reverse("catalogue:review"), first)
        )
    return found
