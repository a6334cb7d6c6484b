"""Read-only admin views of the brokerage records (writes go through the services)."""

from django.contrib import admin

from techbridge.brokerage.models import (
    BrokerProfile,
    Deal,
    DealEvent,
    MatchmakingEvent,
    Meeting,
    Recommendation,
    Station,
    TechSquad,
    VisitLog,
)
from techbridge.core.admin import RoleAdminMixin


@admin.register(BrokerProfile)
class BrokerProfileAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("user", "agency", "certificate_number", "certified_on")


@admin.register(Station)
class StationAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organisation", "region_code")


@admin.register(TechSquad)
class TechSquadAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "station")


@admin.register(VisitLog)
class VisitLogAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("visited_on", "enterprise", "station", "squad")


@admin.register(Recommendation)
class RecommendationAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("resource_title", "demand", "broker", "status", "decline_reason")
    list_filter = ("status", "decline_reason")


@admin.register(Deal)
class DealAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("title", "stage", "result", "broker", "enterprise", "supplier")
    list_filter = ("stage", "result")
    search_fields = ("title",)


@admin.register(DealEvent)
class DealEventAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("deal", "kind", "from_state", "to_state", "actor", "at")


@admin.register(MatchmakingEvent)
class MatchmakingEventAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("title", "held_on", "status", "organiser")


@admin.register(Meeting)
class MeetingAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("event", "slot", "table", "outcome")
