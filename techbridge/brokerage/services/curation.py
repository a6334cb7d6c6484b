"""Curation: a broker recommends public resources for a demand; the enterprise accepts
(which opens both sides' contact details to each other) or declines with a structured
reason that the resource owner reads as feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.brokerage.models import (
    ContactGrant,
    DeclineReason,
    Recommendation,
    RecommendationStatus,
)
from techbridge.brokerage.services._common import is_broker, is_member_of, members_of, tell
from techbridge.catalogue import selectors as catalogue
from techbridge.catalogue.kinds import RESOURCE_KINDS
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.exceptions import TransitionError
from techbridge.core.phrases import phrase
from techbridge.matching.services import judgment_from_recommendation
from techbridge.notifications.models import NotificationKind

if TYPE_CHECKING:
    from techbridge.catalogue.models import Demand


def _public_resource(kind: str, resource_id: int) -> Any:
    if kind not in RESOURCE_KINDS:
        raise ValidationError({"resource_kind": _("Unknown resource kind %(k)s.") % {"k": kind}})
    try:
        return catalogue.public_queryset(kind).select_related("owner").get(pk=resource_id)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise ValidationError(
            {"resource_id": _("Only published resources can be recommended.")}
        ) from None


@transaction.atomic
def recommendation_create(
    *,
    actor: Actor,
    demand: Demand,
    resource_kind: str,
    resource_id: int,
    note: str = "",
    score: float | None = None,
) -> Recommendation:
    """A broker recommends one published resource for a demand they can see; the
    enterprise's members are notified. The same resource twice → ValidationError."""
    if not is_broker(actor):
        raise PermissionDenied(_("Only brokers recommend resources."))
    if not catalogue.visible_queryset("demand", actor).filter(pk=demand.pk).exists():
        raise PermissionDenied(_("You cannot see this demand."))
    resource = _public_resource(resource_kind, resource_id)
    if resource.owner_id == demand.owner_id:
        raise ValidationError(_("This resource belongs to the enterprise itself."))
    reco = Recommendation(
        demand=demand,
        resource_kind=resource_kind,
        resource_id=resource.pk,
        resource_title=str(resource)[:300],
        resource_owner_id=resource.owner_id,
        broker=actor_or_none(actor),
        note=(note or "").strip(),
        score=score,
    )
    try:
        with transaction.atomic():
            reco.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This resource has already been recommended for this demand.")
        ) from exc
    audit_record(AuditEventType.CREATE, actor=actor, obj=reco)
    judgment_from_recommendation(reco)  # a broker's recommendation is a relevance judgment
    tell(
        members_of(demand.owner_id),
        kind=NotificationKind.RECOMMENDATION,
        title=phrase("New recommendation for “%(d)s”", {"d": demand.title[:80]}),
        body=phrase("A broker recommends “%(r)s”.", {"r": reco.resource_title[:120]}),
        link=reverse("brokerage:recommendations"),
        actor=actor,
    )
    return reco


def _answer(
    *, actor: Actor, reco: Recommendation, to: str, extra: dict[str, Any]
) -> Recommendation:
    if not is_member_of(actor, reco.demand.owner_id):
        raise PermissionDenied(_("Only the enterprise that posted the demand answers."))
    now = timezone.now()
    updated = Recommendation.objects.filter(
        pk=reco.pk, status=RecommendationStatus.RECOMMENDED
    ).update(status=to, decided_at=now, decided_by=actor, updated_at=now, **extra)
    if updated != 1:
        raise TransitionError(_("This recommendation has already been answered."))
    reco.refresh_from_db()
    detail: dict[str, Any] = {"from": RecommendationStatus.RECOMMENDED, "to": to}
    if reco.decline_reason:
        detail["reason"] = reco.decline_reason
    audit_record(AuditEventType.TRANSITION, actor=actor, obj=reco, detail=detail)
    judgment_from_recommendation(reco)  # the enterprise's answer grades the candidate
    return reco


@transaction.atomic
def recommendation_accept(*, actor: Actor, recommendation: Recommendation) -> Recommendation:
    """The enterprise accepts: a ContactGrant opens both sides' contacts to each other;
    the broker and the resource owner are notified."""
    reco = _answer(actor=actor, reco=recommendation, to=RecommendationStatus.ACCEPTED, extra={})
    grant = ContactGrant.objects.create(
        recommendation=reco,
        demand_id=reco.demand_id,
        enterprise_id=reco.demand.owner_id,
        supplier_id=reco.resource_owner_id,
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=grant)
    tell(
        [reco.broker, *members_of(reco.resource_owner_id)],
        kind=NotificationKind.ANSWER,
        title=phrase("Recommendation accepted: “%(r)s”", {"r": reco.resource_title[:80]}),
        body=phrase("The enterprise accepted; contact details are now open to both sides."),
        link=reverse("brokerage:feedback"),
        actor=actor,
    )
    return reco


@transaction.atomic
def recommendation_decline(
    *, actor: Actor, recommendation: Recommendation, reason: str, text: str = ""
) -> Recommendation:
    """The enterprise declines with a reason from DeclineReason (``other`` needs text);
    the resource owner sees it on the feedback page."""
    text = (text or "").strip()
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Choose a reason for declining.")})
    if reason == DeclineReason.OTHER and not text:
        raise ValidationError({"text": _("Say why the recommendation does not fit.")})
    reco = _answer(
        actor=actor,
        reco=recommendation,
        to=RecommendationStatus.DECLINED,
        extra={"decline_reason": reason, "decline_text": text[:2000]},
    )
    tell(
        [reco.broker, *members_of(reco.resource_owner_id)],
        kind=NotificationKind.ANSWER,
        title=phrase("Recommendation declined: “%(r)s”", {"r": reco.resource_title[:80]}),
        body=str(DeclineReason(reason).label),
        link=reverse("brokerage:feedback"),
        actor=actor,
    )
    return reco
