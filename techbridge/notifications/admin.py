"""Notifications are personal; the admin shows none of them. Group robots and their
message queue are shown read-only (managed on /notices/robots/ through audited services),
with the webhook address and the signing secret masked."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from techbridge.core.admin import RoleAdminMixin
from techbridge.notifications.models import Robot, RobotMessage


@admin.register(Robot)
class RobotAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "masked_url", "is_active", "blocked_until")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    # The credential columns themselves never reach a page: only their masked forms.
    fields = ("name", "kind", "masked_url", "masked_secret", "is_active", "blocked_until")
    readonly_fields = fields

    @admin.display(description=_("webhook URL"))
    def masked_url(self, obj: Robot) -> str:
        return obj.masked_url

    @admin.display(description=_("signing secret"))
    def masked_secret(self, obj: Robot) -> str:
        return obj.masked_secret


@admin.register(RobotMessage)
class RobotMessageAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "robot", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "robot")
    search_fields = ("title", "key")
    list_select_related = ("robot",)
    fields = (
        "robot",
        "key",
        "title",
        "text",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields
