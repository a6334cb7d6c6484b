"""Read-only admin views of the catalogue (writes go through the services and pages)."""

from typing import ClassVar

from django.contrib import admin

from techbridge.catalogue.models import (
    Achievement,
    DataResource,
    Demand,
    Expert,
    Instrument,
    Lab,
    RecordEvent,
    ServiceOffering,
    SolutionProposal,
)
from techbridge.core.admin import RoleAdminMixin


class RecordAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "owner", "technical_field", "region_code", "status", "published_at")
    list_filter = ("status", "technical_field")
    search_fields: ClassVar[tuple[str, ...]] = ("external_id", "owner__name")  # type: ignore[misc]
    list_select_related = ("owner",)
    show_full_result_count = False  # 10^5 rows: skip the second COUNT(*)


@admin.register(Achievement)
class AchievementAdmin(RecordAdmin):
    search_fields = ("title", *RecordAdmin.search_fields)


@admin.register(Expert)
class ExpertAdmin(RecordAdmin):
    # Phone and e-mail are personal data: not shown here (the page's audited reveal is).
    exclude = ("phone", "email", "contact_phone", "contact_email")
    search_fields = ("name", *RecordAdmin.search_fields)


@admin.register(Instrument)
class InstrumentAdmin(RecordAdmin):
    search_fields = ("name", *RecordAdmin.search_fields)


@admin.register(Lab)
class LabAdmin(RecordAdmin):
    search_fields = ("name", *RecordAdmin.search_fields)


@admin.register(DataResource)
class DataResourceAdmin(RecordAdmin):
    search_fields = ("title", *RecordAdmin.search_fields)


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(RecordAdmin):
    search_fields = ("title", *RecordAdmin.search_fields)


@admin.register(Demand)
class DemandAdmin(RecordAdmin):
    search_fields = ("title", *RecordAdmin.search_fields)
    exclude = ("contact_phone", "contact_email")


@admin.register(SolutionProposal)
class SolutionProposalAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("demand", "proposer", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("demand", "proposer")


@admin.register(RecordEvent)
class RecordEventAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("record_kind", "record_id", "kind", "from_state", "to_state", "actor", "at")
    list_filter = ("record_kind", "kind", "to_state")
