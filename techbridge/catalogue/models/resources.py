"""Supply side: achievements, experts, instruments, labs, data resources, services."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.catalogue.models.base import CatalogueRecord, Status
from techbridge.codes.choices import TRL, IPType
from techbridge.core.money import MoneyField


class Achievement(CatalogueRecord):
    """科技成果."""

    KIND = "achievement"

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    discipline = models.CharField(_("discipline"), max_length=100, blank=True)
    trl = models.PositiveSmallIntegerField(  # type: ignore[assignment]
        _("maturity (TRL)"), choices=TRL.choices, null=True, blank=True
    )
    ip_type = models.CharField(_("IP type"), max_length=32, choices=IPType.choices, blank=True)
    patent_numbers = models.JSONField(_("patent numbers"), default=list, blank=True)
    transfer_modes = models.JSONField(_("transfer modes"), default=list, blank=True)
    asking_price = MoneyField(_("asking price (yuan)"), null=True, blank=True)
    price_negotiable = models.BooleanField(_("price negotiable"), default=False)

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            *CatalogueRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="cat_achievement_trl_range",
            ),
            models.CheckConstraint(
                condition=Q(asking_price__isnull=True) | Q(asking_price__gt=0),
                name="cat_achievement_price_positive",
            ),
        ]
        indexes = [
            *CatalogueRecord.Meta.indexes,
            models.Index(fields=["status", "-trl", "-published_at"], name="cat_achievement_sttrl"),
            models.Index(fields=["status", "title"], name="cat_achievement_sttitle"),
            # The same orders without the status prefix, for "published OR mine" (see
            # cat_%(class)s_pubid): at 100,000 achievements 125 ms of sorting → a page.
            models.Index(fields=["-trl", "-published_at", "-id"], name="cat_achievement_trlid"),
            models.Index(fields=["title", "id"], name="cat_achievement_titleid"),
        ]


class ConsentMixin(models.Model):
    """Consent to publish personal data (PIPL): version and time recorded, withdrawable."""

    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)

    class Meta:
        abstract = True


class Expert(ConsentMixin, CatalogueRecord):
    """专家. Phone and e-mail are personal data: masked for anyone without permission."""

    KIND = "expert"

    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    disciplines = models.JSONField(_("disciplines"), default=list, blank=True)
    technical_fields = models.JSONField(_("technical fields"), default=list, blank=True)
    profile = models.TextField(_("profile"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name

    @property
    def search_title(self) -> str:
        return self.name

    @property
    def search_summary(self) -> str:
        return self.profile

    @property
    def search_keywords(self) -> list[str]:
        return [str(k) for k in [*(self.keywords or []), *(self.disciplines or [])]]

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.consent_withdrawn_at is None


class RunningStatus(models.TextChoices):
    NORMAL = "normal", _("In normal operation")
    MAINTENANCE = "maintenance", _("Under maintenance")
    IDLE = "idle", _("Idle")
    RETIRED = "retired", _("Retired")


class SharingMode(models.TextChoices):
    OPEN = "open", _("Open sharing")
    BOOKING = "booking", _("By booking")
    COOPERATION = "cooperation", _("Cooperative use")
    INTERNAL = "internal", _("Internal use only")


class FeeUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    SAMPLE = "sample", _("per sample")


class Instrument(CatalogueRecord):
    """仪器设备, for the sharing service."""

    KIND = "instrument"

    name = models.CharField(_("name"), max_length=200)
    model_number = models.CharField(_("model"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    country_of_origin = models.CharField(_("country of origin"), max_length=3, blank=True)
    original_value = MoneyField(_("original value (yuan)"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    running_status = models.CharField(
        _("running status"), max_length=16, choices=RunningStatus.choices, default="normal"
    )
    sharing_mode = models.CharField(
        _("sharing mode"), max_length=16, choices=SharingMode.choices, default="booking"
    )
    fee_internal = MoneyField(_("fee, internal rate (yuan)"), null=True, blank=True)
    fee_external = MoneyField(_("fee, external rate (yuan)"), null=True, blank=True)
    fee_unit = models.CharField(
        _("fee unit"), max_length=8, choices=FeeUnit.choices, default="hour"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    @property
    def search_summary(self) -> str:
        parts = [self.description, self.category, self.manufacturer, self.model_number]
        return " ".join(p for p in parts if p)


class LabType(models.TextChoices):
    KEY_LAB = "key_lab", _("Key laboratory")
    ENGINEERING_CENTRE = "engineering_centre", _("Engineering centre")
    INCUBATOR = "incubator", _("Incubator")
    PILOT_PLATFORM = "pilot_platform", _("Pilot platform")


class LabLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class Lab(CatalogueRecord):
    """Laboratory or platform (重点实验室、工程中心、孵化器、中试平台)."""

    KIND = "lab"

    name = models.CharField(_("name"), max_length=200)
    lab_type = models.CharField(_("type"), max_length=24, choices=LabType.choices)
    level = models.CharField(_("level"), max_length=16, choices=LabLevel.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("lab or platform")
        verbose_name_plural = _("labs and platforms")


class DataResource(CatalogueRecord):
    """A shareable data set."""

    KIND = "data"

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    data_format = models.CharField(_("format"), max_length=60, blank=True)
    size = models.CharField(_("size"), max_length=60, blank=True)
    update_frequency = models.CharField(_("update frequency"), max_length=60, blank=True)
    access_terms = models.TextField(_("access terms"), blank=True)

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")


class ServiceOffering(CatalogueRecord):
    """A technical service an organisation offers."""

    KIND = "service"

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    price = MoneyField(_("price (yuan)"), null=True, blank=True)
    price_note = models.CharField(_("price note"), max_length=200, blank=True)

    class Meta(CatalogueRecord.Meta):
        verbose_name = _("technical service")
        verbose_name_plural = _("technical services")
