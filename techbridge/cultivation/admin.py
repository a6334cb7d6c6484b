"""Read-only admin of the tier register (writes go through the services: events and audit
rows). The enterprises' figures have no admin page: they are confidential to the
enterprise and to bureau staff, who read them on the enterprise's page."""

from __future__ import annotations

from django.contrib import admin

from techbridge.core.admin import RoleAdminMixin
from techbridge.cultivation.models import TierRecord


@admin.register(TierRecord)
class TierRecordAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "tier", "obtained_on", "expires_on", "revoked_at")
    list_filter = ("tier",)
    search_fields = ("organisation__name", "certificate_number")
