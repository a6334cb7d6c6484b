"""Read-only admin: notices are sent and read through the services (events, audit)."""

from __future__ import annotations

from django.contrib import admin

from techbridge.core.admin import RoleAdminMixin
from techbridge.notices.models import Notice, NoticeEvent


@admin.register(Notice)
class NoticeAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "kind", "created_by", "sender_organisation", "sent_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    list_select_related = ("created_by", "sender_organisation")
    exclude = ("projects", "zones", "departments", "robots")


@admin.register(NoticeEvent)
class NoticeEventAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("notice", "kind", "actor", "at")
    list_filter = ("kind",)
    list_select_related = ("notice", "actor")
