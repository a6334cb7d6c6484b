"""What every catalogue record shares: owner, status, technical field, region, keywords,
contact — and the read-only properties search and matching rely on."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.codes.choices import TechField
from techbridge.core.models import VersionedModel


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class CatalogueRecord(VersionedModel):
    """Abstract base of Achievement, Expert, Instrument, Lab, DataResource,
    ServiceOffering and Demand. ``KIND`` is the record's name in catalogue.kinds.KINDS."""

    KIND: ClassVar[str] = ""

    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="%(class)s_records",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    technical_field = models.CharField(
        _("technical field"), max_length=32, choices=TechField.choices, blank=True
    )
    region_code = models.CharField(_("region (GB/T 2260)"), max_length=6, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # Contact person: personal data (PIPL) — masked for everyone outside the owner and staff.
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "external_id"],
                condition=Q(external_id__isnull=False),
                name="cat_%(class)s_owner_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="cat_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(technical_field="")
                | Q(technical_field__in=[f.value for f in TechField]),
                name="cat_%(class)s_technical_field_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="cat_%(class)s_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="cat_%(class)s_stpub"),
            models.Index(
                fields=["status", "technical_field", "-published_at"], name="cat_%(class)s_stfld"
            ),
            models.Index(fields=["status", "region_code"], name="cat_%(class)s_streg"),
            models.Index(fields=["owner", "status"], name="cat_%(class)s_ownst"),
            # A signed-in member's list is "published OR mine", newest first: with this
            # index the planner walks the order and stops after a page (0.3 ms at 100,000
            # achievements) instead of sorting every row the OR selects (105 ms).
            models.Index(fields=["-published_at", "-id"], name="cat_%(class)s_pubid"),
        ]

    # --- the read-only interface search and matching use -------------------------------
    @property
    def search_title(self) -> str:
        return str(getattr(self, "title", "") or getattr(self, "name", ""))

    @property
    def search_keywords(self) -> list[str]:
        return [str(k) for k in (self.keywords or [])]

    @property
    def search_summary(self) -> str:
        return str(getattr(self, "summary", "") or getattr(self, "description", ""))

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def trl(self) -> int | None:
        return None

    @property
    def industry_code(self) -> str:
        return self.owner.industry_code if self.owner_id else ""

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def kind_label(self) -> str:
        return str(self._meta.verbose_name)

    def get_absolute_url(self) -> str:
        return reverse("catalogue:detail", kwargs={"kind": self.KIND, "pk": self.pk})

    def __str__(self) -> str:
        return self.search_title or f"{self.KIND} {self.pk}"

    @classmethod
    def default_region(cls, owner: Any) -> str:
        return getattr(owner, "region_code", "") or ""
