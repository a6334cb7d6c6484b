"""The fields a sender writes (the form, the service and the API input derive from these)."""

from __future__ import annotations

# What the notice says.
NOTICE_FIELDS = ("kind", "title", "body")
# Whom it goes to: resolved to people (projects, zones, departments) or group chats (robots).
TARGET_FIELDS = ("projects", "zones", "departments", "robots")
