"""Django admin for staff, restricted by role rather than per-model permission rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user

ADMIN_SITE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.BUREAU_STAFF})


def _allowed(request: HttpRequest, roles: frozenset[str]) -> bool:
    user: Any = request.user
    return is_active_user(user) and user.role in roles


class RoleAdminMixin:
    """Grant the admin pages of a model to roles, not to permission rows. The audit
    administrator is never among them: they read the audit trail, not business data."""

    admin_roles: frozenset[str] = ADMIN_SITE_ROLES
    # Writes go through services (validation, audit, search index); the admin only looks.
    admin_writable = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _allowed(request, self.admin_roles)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request, self.admin_roles)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_writable and _allowed(request, self.admin_roles)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.admin_writable and _allowed(request, self.admin_roles)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_writable and _allowed(request, self.admin_roles)


def admin_site_permission(request: HttpRequest) -> bool:
    return _allowed(request, ADMIN_SITE_ROLES)


admin.site.has_permission = admin_site_permission  # type: ignore[method-assign]
admin.site.site_header = "techbridge"
