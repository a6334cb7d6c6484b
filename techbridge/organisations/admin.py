from django.contrib import admin

from techbridge.core.admin import RoleAdminMixin
from techbridge.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "uscc", "region_code", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "uscc", "external_id")
    readonly_fields = ("version", "created_at", "updated_at")
