"""Ledger pages: the list, a project with its history, forms and actions (ledger.py);
KPIs, overdue lists and the monthly briefing (reports.py); import, export, batches and
zones (transfer.py)."""

from techbridge.projects.views.ledger import (
    project_action,
    project_create,
    project_detail,
    project_edit,
    project_links,
    project_list,
)
from techbridge.projects.views.reports import briefing, dashboard, overdue
from techbridge.projects.views.transfer import (
    batches,
    export_ledger,
    import_confirm,
    import_upload,
)

__all__ = [
    "batches",
    "briefing",
    "dashboard",
    "export_ledger",
    "import_confirm",
    "import_upload",
    "overdue",
    "project_action",
    "project_create",
    "project_detail",
    "project_edit",
    "project_links",
    "project_list",
]
