from django.contrib import admin

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.core.admin import RoleAdminMixin


@admin.register(User)
class UserAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_roles = frozenset({Role.SYSTEM_ADMIN})
    list_display = ("username", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username",)
    exclude = ("password",)
