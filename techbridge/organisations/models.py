"""Organisations: enterprises, universities, institutes, labs, agencies, government
departments and stations. Members of an organisation own its records."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import VersionedModel


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    LABORATORY = "laboratory", _("Laboratory / platform")
    AGENCY = "agency", _("Service agency")
    GOVERNMENT = "government", _("Government department")
    STATION = "station", _("Station")


INSTITUTION_KINDS = frozenset(
    {OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE, OrganisationKind.LABORATORY}
)


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


class Organisation(VersionedModel):
    external_id = models.CharField(
        _("external id"), max_length=64, null=True, blank=True, unique=True
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    region_code = models.CharField(_("region (GB/T 2260)"), max_length=6, blank=True, db_index=True)
    industry_code = models.CharField(_("industry (GB/T 4754-2017)"), max_length=5, blank=True)
    legal_person_type = models.CharField(_("legal-person type code"), max_length=3, blank=True)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
        db_index=True,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Contact person: personal data (PIPL) — masked for everyone outside the organisation.
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OrganisationKind]),
                name="organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OrganisationStatus]),
                name="organisation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(uscc__isnull=True) | Q(uscc__regex=r"^[0-9A-HJ-NP-RTUW-Y]{18}$"),
                name="organisation_uscc_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.kind in INSTITUTION_KINDS

    @property
    def is_public(self) -> bool:
        return self.status == OrganisationStatus.VERIFIED
