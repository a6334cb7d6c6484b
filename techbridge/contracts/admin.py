"""Read-only admin views: every change goes through the services (events, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from techbridge.contracts.models import ContractEvent, TechnologyContract


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(TechnologyContract)
class TechnologyContractAdmin(ReadOnlyAdmin):
    list_display = ("registration_number", "name", "contract_type", "signed_on", "status")
    list_filter = ("status", "contract_type", "technical_field")
    search_fields = ("registration_number", "name")


@admin.register(ContractEvent)
class ContractEventAdmin(ReadOnlyAdmin):
    list_display = ("contract", "kind", "actor", "at")
    list_filter = ("kind",)
