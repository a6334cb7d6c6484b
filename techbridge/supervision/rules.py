"""Who may do what with problem reports — plain predicates the services enforce and the
selectors and pages read. Deny by default.

* Bureau staff (科技局 / 投促局 dispatchers) see everything, reassign (转办), approve
  extensions, record 回访 ratings, and configure policies, routing, links and keys.
* A department handler handles the reports of their department (organisation).
* A department's head (``Department.head``) and the users of its supervising office also
  approve that department's extension requests (never their own).
* The reporter side — the user who reported, members of the project's local company, or
  the holder of the personal link the report came through — replies, confirms, reopens
  and rates.
"""

from __future__ import annotations

from typing import Any

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.supervision.models import ContactLink, Department, ProblemReport


def is_bureau(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def is_handler(user: Any) -> bool:
    return (
        is_active_user(user)
        and user.role == Role.DEPARTMENT_HANDLER
        and user.organisation_id is not None
    )


def handles(user: Any, report: ProblemReport) -> bool:
    """A handler of the report's department."""
    return (
        is_handler(user)
        and report.department_id is not None
        and user.organisation_id == report.department_id
    )


def department_of(organisation_id: int | None) -> Department | None:
    if organisation_id is None:
        return None
    return (
        Department.objects.select_related(
            "head",
            "supervised_by__organisation",
            "supervised_by__head",
            "supervised_by__supervised_by__head",
        )
        .filter(organisation_id=organisation_id)
        .first()
    )


def heads(user: Any, report: ProblemReport) -> bool:
    desk = department_of(report.department_id)
    return bool(is_active_user(user) and desk is not None and desk.head_id == user.pk)


def supervises(user: Any, report: ProblemReport) -> bool:
    """A user of the supervising office of the report's department."""
    desk = department_of(report.department_id)
    return bool(
        is_active_user(user)
        and desk is not None
        and desk.supervised_by is not None
        and user.organisation_id == desk.supervised_by.organisation_id
    )


def may_report(user: Any, project: Any) -> bool:
    """File a problem for ``project``: a member of its local company (the contact), or on
    the contact's behalf station staff, the project's responsible officer or bureau staff."""
    if not is_active_user(user):
        return False
    if user.role in {Role.BUREAU_STAFF, Role.STATION_STAFF}:
        return True
    if project.responsible_officer_id is not None and project.responsible_officer_id == user.pk:
        return True
    return bool(
        user.role == Role.ENTERPRISE_MEMBER
        and project.local_company_id is not None
        and user.organisation_id == project.local_company_id
    )


def reports_for_itself(user: Any, project: Any) -> bool:
    """The user is the project's own contact side (not recording on someone's behalf)."""
    return bool(
        is_active_user(user)
        and user.role == Role.ENTERPRISE_MEMBER
        and project.local_company_id is not None
        and user.organisation_id == project.local_company_id
    )


def reporter_side(user: Any, report: ProblemReport, link: ContactLink | None = None) -> bool:
    """Reply, confirm, reopen, rate: the reporter, the company's members, the link holder."""
    if link is not None:
        return link.is_live and report.contact_link_id == link.pk
    if not is_active_user(user):
        return False
    if report.reported_by_id is not None and report.reported_by_id == user.pk:
        return True
    company = report.project.local_company_id
    return bool(
        user.role == Role.ENTERPRISE_MEMBER
        and company is not None
        and user.organisation_id == company
    )


def may_decide_extension(user: Any, report: ProblemReport) -> bool:
    return is_bureau(user) or heads(user, report) or supervises(user, report)
