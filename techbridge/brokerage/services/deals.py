"""Deals: create (from a recommendation, a meeting or by hand), edit with an optimistic
version check, move through the stages, win or lose, tasks, notes, attachments, and the
pre-filled contract of a won deal. Each change writes a DealEvent and an audit row in
the same transaction; stage changes notify the parties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record, changed_fields
from techbridge.brokerage.models import (
    OPEN_STAGES,
    Deal,
    DealAttachment,
    DealEvent,
    DealEventKind,
    DealNote,
    DealResult,
    DealStage,
    DealTask,
    Recommendation,
    RecommendationStatus,
)
from techbridge.brokerage.services._common import (
    is_broker,
    is_bureau,
    members_of,
    tell,
)
from techbridge.codes.choices import TechField
from techbridge.contracts import services as contract_services
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.attachments import store_attachment
from techbridge.core.events import record_event
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.money import parse_amount
from techbridge.notifications.models import NotificationKind
from techbridge.organisations.models import Organisation

EDITABLE_FIELDS = ("title", "expected_value", "technical_field", "supplier", "resources")


def can_manage(user: Any, deal: Deal) -> bool:
    """The deal's broker and bureau staff run a deal; the parties only follow it."""
    return bool(is_active_user(user) and (deal.broker_id == user.pk or is_bureau(user)))


def _require_manage(actor: Actor, deal: Deal) -> None:
    if not can_manage(actor, deal):
        raise PermissionDenied(_("Only the deal's broker or bureau staff can do this."))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = [_("A deal needs a title.")]
    if "expected_value" in cleaned:
        value = cleaned["expected_value"]
        if value in (None, ""):
            cleaned["expected_value"] = None
        else:
            try:
                cleaned["expected_value"] = parse_amount(
                    format(value, "f") if isinstance(value, Decimal) else value, allow_zero=True
                )
            except ValidationError as exc:
                errors["expected_value"] = exc.messages
    field = cleaned.get("technical_field")
    if field and field not in TechField.values:
        errors["technical_field"] = [_("Unknown technical field %(v)s.") % {"v": field}]
    if "resources" in cleaned:
        resources = cleaned["resources"] or []
        if not isinstance(resources, list) or not all(
            isinstance(r, dict) and {"kind", "id"} <= set(r) for r in resources
        ):
            errors["resources"] = [_("Resources are a list of {kind, id, title}.")]
    supplier = cleaned.get("supplier")
    if supplier is not None and not isinstance(supplier, Organisation):
        errors["supplier"] = [_("Choose the supplier organisation.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def deal_create(
    *,
    actor: Actor,
    enterprise: Organisation | None = None,
    recommendation: Recommendation | None = None,
    broker: Any = None,
    **data: Any,
) -> Deal:
    """Open a deal at 需求发布. From an accepted recommendation the demand, parties,
    resource, field and title are filled in. Brokers open deals for themselves; bureau
    staff may name a ``broker``."""
    if not (is_broker(actor) or is_bureau(actor)):
        raise PermissionDenied(_("Only brokers open deals."))
    broker = broker if (is_bureau(actor) and broker is not None) else actor
    if not is_broker(broker):  # bureau staff name the broker who runs it
        raise ValidationError({"broker": _("A deal is run by a broker.")})
    meeting = data.pop("meeting", None)
    demand = data.pop("demand", None)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if recommendation is not None:
        if recommendation.status != RecommendationStatus.ACCEPTED:
            raise TransitionError(_("Open a deal from an accepted recommendation only."))
        demand = recommendation.demand
        enterprise = demand.owner
        data.setdefault("supplier", recommendation.resource_owner)
        data.setdefault(
            "resources",
            [
                {
                    "kind": recommendation.resource_kind,
                    "id": recommendation.resource_id,
                    "title": recommendation.resource_title,
                }
            ],
        )
    if demand is not None:
        enterprise = enterprise or demand.owner
        data.setdefault("title", demand.title)
        data.setdefault("technical_field", demand.technical_field)
    if enterprise is None:
        raise ValidationError({"enterprise": _("Name the enterprise of the deal.")})
    cleaned = _clean(data)
    if not cleaned.get("title"):
        raise ValidationError({"title": _("A deal needs a title.")})
    deal = Deal.objects.create(
        demand=demand,
        enterprise=enterprise,
        broker=broker,
        recommendation=recommendation,
        meeting=meeting,
        **cleaned,
    )
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.CREATED,
        to_state=deal.stage,
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=deal)
    return deal


@transaction.atomic
def deal_update(
    *, actor: Actor, deal: Deal, expected_version: int | None = None, **data: Any
) -> Deal:
    """Edit title, expected value, field, supplier, resources if nobody saved in between
    (else ConflictError → 409). Stage, broker and parties' enterprise are not editable."""
    _require_manage(actor, deal)
    cleaned = _clean({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    before = {name: getattr(deal, name) for name in cleaned}
    changed = list(changed_fields(before, cleaned))
    if not changed:
        return deal
    for name in changed:
        setattr(deal, name, cleaned[name])
    deal.save_versioned(expected_version=expected_version, update_fields=changed)
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.UPDATED,
        data={"fields": changed},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=deal, detail={"fields": changed})
    return deal


def _move(
    deal: Deal,
    *,
    actor: Actor,
    allowed_from: tuple[str, ...],
    expected_version: int | None,
    values: dict[str, Any],
) -> str:
    """One conditional UPDATE on stage and version: a concurrent change → 409."""
    old = deal.stage
    if old not in allowed_from:
        raise TransitionError(_("A deal at “%(s)s” cannot do this.") % {"s": DealStage(old).label})
    expected = deal.version if expected_version is None else expected_version
    now = timezone.now()
    updated = Deal.objects.filter(pk=deal.pk, stage=old, version=expected).update(
        version=F("version") + 1, updated_at=now, **values
    )
    if updated != 1:
        raise ConflictError()
    deal.refresh_from_db()
    return old


def _tell_parties(deal: Deal, actor: Actor, title: str, body: str = "") -> None:
    tell(
        [deal.broker, *members_of(deal.enterprise_id, deal.supplier_id)],
        kind=NotificationKind.STAGE,
        title=title,
        body=body,
        link=reverse("brokerage:deal", kwargs={"pk": deal.pk}),
        actor=actor,
    )


@transaction.atomic
def deal_move(
    *,
    actor: Actor,
    deal: Deal,
    to_stage: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Deal:
    """Move an open deal to another open stage (default: the next one)."""
    _require_manage(actor, deal)
    if deal.stage not in OPEN_STAGES:
        raise TransitionError(_("The deal is closed."))
    if to_stage is None:
        index = OPEN_STAGES.index(deal.stage)
        if index + 1 >= len(OPEN_STAGES):
            raise TransitionError(_("This is the last stage; close the deal as won or lost."))
        to_stage = OPEN_STAGES[index + 1]
    if to_stage not in OPEN_STAGES or to_stage == deal.stage:
        raise ValidationError({"to_stage": _("Choose another open stage.")})
    old = _move(
        deal,
        actor=actor,
        allowed_from=OPEN_STAGES,
        expected_version=expected_version,
        values={"stage": to_stage},
    )
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.STAGE,
        from_state=old,
        to_state=to_stage,
        note=note,
    )
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=deal, detail={"from": old, "to": to_stage}
    )
    _tell_parties(
        deal,
        actor,
        _("Deal “%(t)s” moved to %(s)s") % {"t": deal.title[:80], "s": DealStage(to_stage).label},
        note,
    )
    return deal


@transaction.atomic
def deal_win(
    *, actor: Actor, deal: Deal, note: str = "", expected_version: int | None = None
) -> Deal:
    """商业运作/签约 → closed, won."""
    _require_manage(actor, deal)
    old = _move(
        deal,
        actor=actor,
        allowed_from=(DealStage.OPERATION,),
        expected_version=expected_version,
        values={"stage": DealStage.CLOSED, "result": DealResult.WON, "closed_at": timezone.now()},
    )
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.WON,
        from_state=old,
        to_state=DealStage.CLOSED,
        note=note,
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=deal,
        detail={"from": old, "to": DealStage.CLOSED, "result": DealResult.WON},
    )
    _tell_parties(deal, actor, _("Deal “%(t)s” won") % {"t": deal.title[:80]}, note)
    return deal


@transaction.atomic
def deal_lose(
    *, actor: Actor, deal: Deal, reason: str, expected_version: int | None = None
) -> Deal:
    """Any open stage → closed, lost, with a reason."""
    _require_manage(actor, deal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deal was lost.")})
    old = _move(
        deal,
        actor=actor,
        allowed_from=OPEN_STAGES,
        expected_version=expected_version,
        values={
            "stage": DealStage.CLOSED,
            "result": DealResult.LOST,
            "lost_reason": reason[:2000],
            "closed_at": timezone.now(),
        },
    )
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.LOST,
        from_state=old,
        to_state=DealStage.CLOSED,
        note=reason,
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=deal,
        detail={"from": old, "to": DealStage.CLOSED, "result": DealResult.LOST},
    )
    _tell_parties(deal, actor, _("Deal “%(t)s” closed as lost") % {"t": deal.title[:80]}, reason)
    return deal


@transaction.atomic
def deal_add_task(*, actor: Actor, deal: Deal, title: str, due: dt.date | None = None) -> DealTask:
    _require_manage(actor, deal)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Name the task.")})
    task = DealTask.objects.create(
        deal=deal, title=title[:200], due=due, created_by=actor_or_none(actor)
    )
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.TASK,
        note=task.title,
        data={"task": task.pk},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=task)
    return task


@transaction.atomic
def deal_complete_task(*, actor: Actor, task: DealTask) -> DealTask:
    _require_manage(actor, task.deal)
    now = timezone.now()
    if DealTask.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=now) != 1:
        raise TransitionError(_("The task is already done."))
    task.done_at = now
    record_event(
        DealEvent,
        subject=task.deal,
        actor=actor,
        kind=DealEventKind.TASK,
        note=task.title,
        data={"done": task.pk},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=task, detail={"fields": ["done_at"]})
    return task


@transaction.atomic
def deal_add_note(*, actor: Actor, deal: Deal, text: str) -> DealNote:
    _require_manage(actor, deal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    note = DealNote.objects.create(deal=deal, author=actor_or_none(actor), text=text[:5000])
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.NOTE,
        data={"note": note.pk},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=note)
    return note


@transaction.atomic
def deal_attach(*, actor: Actor, deal: Deal, upload: UploadedFile) -> DealAttachment:
    """Store a checked upload (type by content, ≤ 10 MB) under a random name."""
    _require_manage(actor, deal)
    attachment = store_attachment(DealAttachment, subject=deal, actor=actor, upload=upload)
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.ATTACHMENT,
        data={"attachment": attachment.pk},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=attachment)
    return attachment


def contract_prefill(deal: Deal) -> dict[str, Any]:
    """Contract fields a won deal supplies: parties (their region and legal-person type
    codes come from the organisations), field, amounts (the expected value), name, and
    the demand it answers."""
    data: dict[str, Any] = {
        "name": deal.title[:200],
        "seller_organisation": deal.supplier,
        "buyer_organisation": deal.enterprise,
        "technical_field": deal.technical_field
        or (deal.demand.technical_field if deal.demand is not None else ""),
        "signed_on": timezone.localdate(),
        "source_reference": f"deal:{deal.pk}",
    }
    if deal.demand is not None:
        data["demand"] = deal.demand
    if deal.expected_value:
        data["contract_amount"] = deal.expected_value
        data["technology_amount"] = deal.expected_value
    return data


@transaction.atomic
def deal_create_contract(*, actor: Actor, deal: Deal, **overrides: Any) -> Any:
    """Write the draft technology contract of a won deal through the contracts app
    (contract_type and whatever ``overrides`` give on top of ``contract_prefill``) and
    link it to the deal. The broker then submits it for registration."""
    _require_manage(actor, deal)
    if deal.result != DealResult.WON:
        raise TransitionError(_("Only a won deal becomes a contract."))
    if deal.supplier_id is None:
        raise ValidationError({"supplier": _("Name the supplier before writing the contract.")})
    if deal.contract_id is not None:
        raise TransitionError(_("This deal already has a contract."))
    data = {**contract_prefill(deal), **overrides}
    contract = contract_services.contract_create(actor=actor, **data)
    if (
        Deal.objects.filter(pk=deal.pk, contract__isnull=True).update(
            contract=contract, version=F("version") + 1, updated_at=timezone.now()
        )
        != 1
    ):
        raise ConflictError()
    deal.refresh_from_db()
    record_event(
        DealEvent,
        subject=deal,
        actor=actor,
        kind=DealEventKind.CONTRACT,
        data={"contract": contract.pk},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=deal, detail={"fields": ["contract"]})
    return contract
