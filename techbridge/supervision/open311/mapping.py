"""How problem reports read in GeoReport v2: services are the problem categories; a
request is a report. Status: open (reported, accepted, in progress, waiting on the
reporter) or closed (resolved, confirmed). Extensions (documented in docs/open311.md):
``detailed_status``, ``project_code``, ``zone``, ``zone_region``, ``company_uscc``,
``response_due_datetime``, ``resolution_due_datetime`` (also the spec's
``expected_datetime``) and ``escalation_level``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from techbridge.supervision.models import (
    CATEGORY_DESCRIPTIONS,
    CLOSED_STATUSES,
    Category,
    ProblemReport,
    ProblemStatus,
    Urgency,
)
from techbridge.supervision.open311.formats import Items

GROUP = "project_service"
KEYWORDS: dict[str, str] = {
    Category.POWER: "电,用电,供电,停电,power",
    Category.WATER: "水,用水,供水,排水,water",
    Category.LAND: "地,用地,土地,场地,land",
    Category.PERMITS: "审批,证照,许可,permits",
    Category.FINANCING: "融资,贷款,资金,financing",
    Category.STAFFING: "用工,招工,人才,staffing",
    Category.TECHNOLOGY: "技术,研发,technology",
    Category.OTHER: "其他,other",
}


def open_closed(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def service(code: str) -> dict[str, Any]:
    return {
        "service_code": code,
        "service_name": str(Category(code).label),
        "description": str(CATEGORY_DESCRIPTIONS[code]),
        "metadata": True,
        "type": "realtime",
        "keywords": KEYWORDS[code],
        "group": GROUP,
    }


def services() -> Items:
    return Items("service", [service(code) for code in Category.values])


def definition(code: str) -> dict[str, Any]:
    """The attributes a client sends as attribute[code]=value."""
    return {
        "service_code": code,
        "attributes": Items(
            "attribute",
            [
                {
                    "variable": True,
                    "code": "project_code",
                    "datatype": "string",
                    "required": True,
                    "datatype_description": _(
                        "The project code of the ledger, e.g. XM2025001 (or send it as address_id)."
                    ),
                    "order": 1,
                    "description": _("Which signed project has the problem?"),
                },
                {
                    "variable": True,
                    "code": "urgency",
                    "datatype": "singlevaluelist",
                    "required": False,
                    "datatype_description": _("normal (default) or urgent"),
                    "order": 2,
                    "description": _("How urgent is it?"),
                    "values": Items(
                        "value", [{"key": k, "name": str(v)} for k, v in Urgency.choices]
                    ),
                },
                {
                    "variable": True,
                    "code": "title",
                    "datatype": "string",
                    "required": False,
                    "datatype_description": _(
                        "At most 120 characters (default: the start of the description)."
                    ),
                    "order": 3,
                    "description": _("A short title of the problem."),
                },
            ],
        ),
    }


def request(report: ProblemReport) -> dict[str, Any]:
    """One request as GET requests answers it (spec fields first, then extensions)."""
    project = report.project
    company = project.local_company
    closed = report.status in CLOSED_STATUSES
    return {
        "service_request_id": report.number,
        "status": open_closed(report.status),
        "status_notes": report.resolution_note if closed else str(report.get_status_display()),
        "service_name": str(report.get_category_display()),
        "service_code": report.category,
        "description": report.description,
        "agency_responsible": report.department.name if report.department else "",
        "service_notice": "",
        "requested_datetime": report.reported_at,
        "updated_datetime": report.updated_at,
        "expected_datetime": report.resolution_due_at,
        "address": report.address,
        "address_id": project.code,
        "zipcode": "",
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": "",
        # Extensions (docs/open311.md)
        "detailed_status": report.status,
        "project_code": project.code,
        "zone": report.zone.name if report.zone else "",
        "zone_region": report.zone.region_code if report.zone else "",
        "company_uscc": (company.uscc or "") if company else "",
        "response_due_datetime": report.response_due_at,
        "resolution_due_datetime": report.resolution_due_at,
        "escalation_level": report.escalation_level,
    }


STATUS_FILTER: dict[str, list[str]] = {
    "open": [s for s in ProblemStatus.values if s not in CLOSED_STATUSES],
    "closed": sorted(CLOSED_STATUSES),
}
