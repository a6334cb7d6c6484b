"""Deals: a demand carried through the broker's stages to a won (or lost) deal and a
technology contract. Every change is a DealEvent in the same transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techbridge.codes.choices import TechField
from techbridge.core.models import (
    AttachmentBase,
    EventBase,
    TimeStampedModel,
    VersionedModel,
    attachment_path,
)
from techbridge.core.money import MoneyField


class DealStage(models.TextChoices):
    # The six stages of the 六步法 pipeline, in the reader's language (were Chinese literals).
    PUBLICATION = "publication", pgettext_lazy("deal stage", "Demand publication")
    PACKAGING = "packaging", pgettext_lazy("deal stage", "Achievement packaging")
    VALUATION = "valuation", pgettext_lazy("deal stage", "Valuation")
    PLANNING = "planning", pgettext_lazy("deal stage", "Project planning")
    FINANCING = "financing", pgettext_lazy("deal stage", "Project financing")
    OPERATION = "operation", pgettext_lazy("deal stage", "Commercial operation / signing")
    CLOSED = "closed", pgettext_lazy("deal stage", "Closed")


#: The open stages in pipeline order (a deal moves forward one at a time, or closes).
OPEN_STAGES: tuple[str, ...] = tuple(s.value for s in DealStage if s != DealStage.CLOSED)


class DealResult(models.TextChoices):
    WON = "won", "成交"
    LOST = "lost", "未成交"


class Deal(VersionedModel):
    title = models.CharField(_("title"), max_length=300)
    demand = models.ForeignKey(
        "catalogue.Demand",
        verbose_name=_("demand"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
    )
    # [{"kind": "achievement", "id": 12, "title": "..."}]: the resources under discussion.
    resources = models.JSONField(_("resources"), default=list, blank=True)
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("enterprise (buyer)"),
        on_delete=models.PROTECT,
        related_name="deals_as_enterprise",
    )
    supplier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("supplier (seller)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals_as_supplier",
    )
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("broker"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=DealStage.choices, default=DealStage.PUBLICATION
    )
    result = models.CharField(_("result"), max_length=8, choices=DealResult.choices, blank=True)
    lost_reason = models.TextField(_("why it was lost"), blank=True)
    expected_value = MoneyField(_("expected value (yuan)"), null=True, blank=True)
    technical_field = models.CharField(
        _("technical field"), max_length=32, choices=TechField.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    contract = models.ForeignKey(
        "contracts.TechnologyContract",
        verbose_name=_("contract"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )
    recommendation = models.ForeignKey(
        "brokerage.Recommendation",
        verbose_name=_("from recommendation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )
    meeting = models.ForeignKey(
        "brokerage.Meeting",
        verbose_name=_("from meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in DealStage]), name="brk_deal_stage_valid"
            ),
            # Closed ⇔ a result; lost ⇒ a reason.
            models.CheckConstraint(
                condition=(Q(stage="closed") & Q(result__in=["won", "lost"]))
                | (~Q(stage="closed") & Q(result="")),
                name="brk_deal_closed_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(result="lost") | ~Q(lost_reason=""), name="brk_deal_lost_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(expected_value__isnull=True) | Q(expected_value__gte=0),
                name="brk_deal_value_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["broker", "stage"], name="brk_deal_broker_stage"),
            models.Index(fields=["stage", "-updated_at"], name="brk_deal_stage"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.stage != DealStage.CLOSED


class DealEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Edited")
    STAGE = "stage", _("Stage changed")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    REOPENED = "reopened", _("Reopened")
    TASK = "task", _("Task")
    NOTE = "note", _("Note")
    ATTACHMENT = "attachment", _("Attachment")
    CONTRACT = "contract", _("Contract")


class DealEvent(EventBase):
    """A deal's history (core.models.EventBase): ``from_state``/``to_state`` are stages."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=DealEventKind.choices)

    subject_field = "deal"

    class Meta(EventBase.Meta):
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")

    def __str__(self) -> str:
        return f"{self.deal_id} {self.kind}"

    @property
    def from_label(self) -> str:
        return str(DealStage(self.from_state).label) if self.from_state in DealStage.values else ""

    @property
    def to_label(self) -> str:
        return str(DealStage(self.to_state).label) if self.to_state in DealStage.values else ""


class DealTask(TimeStampedModel):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due", "id"]

    def __str__(self) -> str:
        return self.title


class DealNote(TimeStampedModel):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


def _attachment_path(instance: Any, filename: str) -> str:
    # Named by migration 0001; files are now named by core.models.attachment_path.
    return attachment_path(instance, filename)


class DealAttachment(AttachmentBase):
    """A file attached to a deal (core.models.AttachmentBase)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="attachments")

    subject_field = "deal"
    upload_folder = "brokerage/deals"

    class Meta(AttachmentBase.Meta):
        verbose_name = _("deal attachment")
