"""Domain errors that views and the API translate into HTTP answers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else saved the record first (HTTP 409)."""

    default_message = _(
        "This record was changed by someone else after you opened it. "
        "Reload it to see their changes, then apply yours again. Nothing was saved."
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(str(message or self.default_message))
        self.message = str(message or self.default_message)


class TransitionError(Exception):
    """A workflow step that is not allowed from the record's current state (HTTP 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
