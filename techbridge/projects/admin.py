"""Read-only admin views of the ledger: every change goes through the services (events,
audit rows, the exact funds-in-place sum)."""

from __future__ import annotations

from django.contrib import admin

from techbridge.core.admin import RoleAdminMixin
from techbridge.projects.models import Batch, FundingEntry, Project, ProjectEvent, Zone


@admin.register(Project)
class ProjectAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "batch", "zone", "stage", "signed_on")
    list_filter = ("stage", "batch", "zone", "is_contract_type")
    search_fields = ("code", "external_id", "name", "investor_name")
    exclude = ("contact_name", "contact_phone", "contact_email")


@admin.register(Batch)
class BatchAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "signed_on", "source_event")


@admin.register(Zone)
class ZoneAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "region_code")


@admin.register(FundingEntry)
class FundingEntryAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("project", "entry_date", "amount", "is_correction", "created_at")


@admin.register(ProjectEvent)
class ProjectEventAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("project", "kind", "from_state", "to_state", "actor", "at")
    list_filter = ("kind",)
