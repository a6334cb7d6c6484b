"""What the supervision views share: finding a visible report by its number."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from techbridge.accounts.access import deny
from techbridge.supervision import selectors
from techbridge.supervision.models import ProblemReport

OBJECT_TYPE = "supervision.problemreport"


def visible_report(request: HttpRequest, number: str) -> ProblemReport:
    """The report if the user may see it; else 404 (audited when it exists)."""
    user: Any = request.user
    report = (
        selectors.reports_visible_to(user)
        .select_related(
            "project", "project__local_company", "zone", "department", "assignee", "reported_by"
        )
        .filter(number=number)
        .first()
    )
    if report is None:
        if ProblemReport.objects.filter(number=number[:16]).exists():
            deny(user, object_type=OBJECT_TYPE, object_id=number[:16])
        raise Http404()
    return report
