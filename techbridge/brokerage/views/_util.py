from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from techbridge.core.exceptions import ConflictError, TransitionError


def report_error(request: HttpRequest, exc: Exception) -> int:
    """Show a service's refusal as a message; return the HTTP status to answer with."""
    if isinstance(exc, ConflictError):
        messages.error(request, exc.message)
        return 409
    if isinstance(exc, TransitionError):
        messages.error(request, exc.message)
        return 409
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
        return 400
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "forbidden")
        return 403
    raise exc


SERVICE_ERRORS = (ConflictError, TransitionError, ValidationError, PermissionDenied)
