"""Every write of problem supervision (STYLE principle 2): actor keyword, permission
checks, one transaction with its event and audit row. Split by subdomain; import from
here."""

from techbridge.supervision.services.config import (
    department_save,
    policy_save,
    routing_rule_create,
    routing_rule_delete,
)
from techbridge.supervision.services.credentials import (
    client_for_key,
    client_issue,
    client_revoke,
    link_for_secret,
    link_issue,
    link_revoke,
    live_link,
)
from techbridge.supervision.services.escalation import RunResult, escalate_due
from techbridge.supervision.services.extensions import extension_decide, extension_request
from techbridge.supervision.services.reports import (
    policy_values,
    report_add_photo,
    report_create,
    report_reassign,
    route,
)
from techbridge.supervision.services.workflow import (
    report_accept,
    report_confirm,
    report_rate,
    report_reopen,
    report_reply,
    report_resolve,
    report_resume,
    report_start,
    report_wait,
)

__all__ = [
    "RunResult",
    "client_for_key",
    "client_issue",
    "client_revoke",
    "department_save",
    "escalate_due",
    "extension_decide",
    "extension_request",
    "link_for_secret",
    "link_issue",
    "link_revoke",
    "live_link",
    "policy_save",
    "policy_values",
    "report_accept",
    "report_add_photo",
    "report_confirm",
    "report_create",
    "report_rate",
    "report_reassign",
    "report_reopen",
    "report_reply",
    "report_resolve",
    "report_resume",
    "report_start",
    "report_wait",
    "route",
    "routing_rule_create",
    "routing_rule_delete",
]
