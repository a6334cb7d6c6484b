"""GeoReport v2 endpoints. Plain Django views, not DRF: the protocol has its own formats
(XML first), its own error shape and form-encoded POSTs.

Authentication is the ``api_key`` parameter only (never a session cookie), so the views are
CSRF-exempt: a browser's cookies give a cross-site page nothing here. Discovery and the
service list and definitions are public; reading requests needs a key too — problem
reports of companies are not public records here (a jurisdiction's choice the spec
allows) — and a key reads the requests it submitted, or every request if the bureau
marked its client ``reads_all``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from techbridge.core.exceptions import TransitionError
from techbridge.projects.models import Project
from techbridge.supervision import services
from techbridge.supervision.models import Category, Open311Client, ProblemReport, Urgency
from techbridge.supervision.open311 import mapping
from techbridge.supervision.open311.formats import XML, Items, errors, iso, render

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-15T00:00:00+08:00"  # when this interface last changed
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
MAX_IDS = 100

View = Callable[..., HttpResponse]


def jurisdiction() -> str:
    """The one jurisdiction this platform serves (setting OPEN311_JURISDICTION_ID)."""
    return str(getattr(settings, "OPEN311_JURISDICTION_ID", "") or "techbridge")


def _methods(*allowed: str) -> Callable[[View], View]:
    """Refuse other methods in the spec's error format (405, with Allow)."""

    def decorator(view: View) -> View:
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fmt = kwargs.get("format", XML)
            if request.method not in allowed:
                response = errors(
                    fmt,
                    405,
                    _("Method %(m)s is not allowed here.") % {"m": (request.method or "")[:10]},
                )
                response["Allow"] = ", ".join(allowed)
                return response
            problem = _jurisdiction_problem(request, fmt)
            if problem is not None:
                return problem
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped)

    return decorator


def _param(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return str(source.get(name, "") or "").strip()


def _jurisdiction_problem(request: HttpRequest, fmt: str) -> HttpResponse | None:
    given = _param(request, "jurisdiction_id")
    if given and given != jurisdiction():
        return errors(fmt, 404, _("jurisdiction_id provided was not found."))
    return None


def _client(request: HttpRequest, fmt: str) -> Open311Client | HttpResponse:
    # In the form body as the spec says, or in the query string (clients that post JSON by
    # mistake then get told what is wrong with the body, not that the key is missing).
    key = _param(request, "api_key") or str(request.GET.get("api_key", "")).strip()
    if not key:
        return errors(fmt, 403, _("api_key was not provided."))
    client = services.client_for_key(key)
    if client is None:
        return errors(fmt, 403, _("Invalid api_key received -- can't proceed."))
    return client


def _visible(client: Open311Client) -> QuerySet[ProblemReport]:
    qs = ProblemReport.objects.select_related("project__local_company", "zone", "department")
    return qs if client.reads_all else qs.filter(open311_client=client)


@_methods("GET")
def discovery(request: HttpRequest, format: str) -> HttpResponse:
    # The endpoint is where this discovery document is served, wherever that is mounted.
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
    body = {
        "changeset": CHANGESET,
        "contact": _("Problem supervision office, via the platform's bureau staff."),
        "key_service": _("Ask the bureau for an api_key (Supervision → Open311 clients)."),
        "endpoints": Items(
            "endpoint",
            [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": Items("format", ["text/xml", "application/json"]),
                }
            ],
        ),
    }
    return render(format, "discovery", body)


@_methods("GET")
def service_list(request: HttpRequest, format: str) -> HttpResponse:
    return render(format, "services", mapping.services())


@_methods("GET")
def service_definition(
    request: HttpRequest,
    service_code: str,
    format: str,
) -> HttpResponse:
    if service_code not in Category.values:
        return errors(format, 404, _("service_code provided was not found."))
    return render(format, "service_definition", mapping.definition(service_code))


def _when(value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("%(name)s is not an ISO 8601 date-time: %(value)s")
            % {"name": name, "value": value[:40]}
        ) from None
    if moment.tzinfo is None:
        raise ValidationError(
            _("%(name)s needs a time zone (Z or an offset such as +08:00).") % {"name": name}
        )
    return moment


def _list(request: HttpRequest, fmt: str, client: Open311Client) -> HttpResponse:
    qs = _visible(client)
    ids = [i.strip() for i in _param(request, "service_request_id").split(",") if i.strip()]
    if ids:
        if len(ids) > MAX_IDS:
            return errors(
                fmt, 400, _("Ask for at most %(n)d service_request_id values.") % {"n": MAX_IDS}
            )
        reports = list(qs.filter(number__in=ids).order_by("-reported_at", "-pk"))
        return render(
            fmt, "service_requests", Items("request", [mapping.request(r) for r in reports])
        )
    try:
        start = _when(_param(request, "start_date"), "start_date")
        end = _when(_param(request, "end_date"), "end_date")
    except ValidationError as exc:
        return errors(fmt, 400, *exc.messages)
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    unknown = [c for c in codes if c not in Category.values]
    if unknown:
        return errors(
            fmt,
            400,
            _("Unknown service_code: %(codes)s")
            % {"codes": ", ".join(c[:20] for c in unknown[:5])},
        )
    statuses = [s.strip() for s in _param(request, "status").split(",") if s.strip()]
    if any(s not in mapping.STATUS_FILTER for s in statuses):
        return errors(fmt, 400, _("status must be open or closed."))
    end = end or timezone.now()
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        return errors(fmt, 400, _("start_date must not be after end_date."))
    qs = qs.filter(reported_at__gte=start, reported_at__lte=end)
    if codes:
        qs = qs.filter(category__in=codes)
    if statuses:
        qs = qs.filter(status__in=[v for s in statuses for v in mapping.STATUS_FILTER[s]])
    reports = list(qs.order_by("-reported_at", "-pk")[:MAX_REQUESTS])
    return render(fmt, "service_requests", Items("request", [mapping.request(r) for r in reports]))


def _decimal(value: str, name: str, limit: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError(
            _("%(name)s must be a number from -%(limit)d to %(limit)d.")
            % {"name": name, "limit": limit}
        )
    return number.quantize(Decimal("0.000001"))


def _create(request: HttpRequest, fmt: str, client: Open311Client) -> HttpResponse:
    content_type = (request.content_type or "").lower()
    if content_type not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return errors(
            fmt, 400, _("Send the request form-encoded (application/x-www-form-urlencoded).")
        )
    code = _param(request, "service_code")
    if not code:
        return errors(fmt, 400, _("service_code was not provided."))
    if code not in Category.values:
        return errors(fmt, 404, _("service_code provided was not found."))
    project_code = _param(request, "attribute[project_code]") or _param(request, "address_id")
    if not project_code:
        return errors(fmt, 400, _("attribute[project_code] (or address_id) was not provided."))
    project = Project.objects.filter(code=project_code[:16]).first()
    if project is None:
        return errors(
            fmt, 400, _("No project has the code %(code)s.") % {"code": project_code[:20]}
        )
    urgency = _param(request, "attribute[urgency]") or Urgency.NORMAL
    if urgency not in Urgency.values:
        return errors(fmt, 400, _("attribute[urgency] must be normal or urgent."))
    description = _param(request, "description")
    if not description:
        return errors(fmt, 400, _("description was not provided."))
    title = _param(request, "attribute[title]") or description.splitlines()[0][:60]
    try:
        latitude = _decimal(_param(request, "lat"), "lat", 90)
        longitude = _decimal(_param(request, "long"), "long", 180)
        if (latitude is None) != (longitude is None):
            raise ValidationError(_("Send lat and long together."))
        name = " ".join(
            p for p in (_param(request, "last_name"), _param(request, "first_name")) if p
        )
        report = services.report_create(
            actor=None,
            client=client,
            project=project,
            category=code,
            urgency=urgency,
            title=title,
            description=description,
            contact_name=name[:60],
            contact_phone=_param(request, "phone"),
            contact_email=_param(request, "email"),
            address=_param(request, "address_string"),
            latitude=latitude,
            longitude=longitude,
        )
    except ValidationError as exc:
        return errors(fmt, 400, *exc.messages)
    except TransitionError as exc:
        return errors(fmt, 400, exc.message)
    except PermissionDenied as exc:
        return errors(fmt, 403, str(exc) or _("Not allowed."))
    notice = _("The department will call back by %(response)s and solve it by %(resolution)s.") % {
        "response": iso(report.response_due_at),
        "resolution": iso(report.resolution_due_at),
    }
    body = Items(
        "request",
        [
            {
                "service_request_id": report.number,
                "token": report.open311_token,
                "service_notice": notice,
                "account_id": None,
            }
        ],
    )
    return render(fmt, "service_requests", body, status=201)


@_methods("GET", "POST")
def requests(request: HttpRequest, format: str) -> HttpResponse:
    client = _client(request, format)
    if isinstance(client, HttpResponse):
        return client
    if request.method == "POST":
        return _create(request, format, client)
    return _list(request, format, client)


@_methods("GET")
def request_detail(
    request: HttpRequest,
    service_request_id: str,
    format: str,
) -> HttpResponse:
    client = _client(request, format)
    if isinstance(client, HttpResponse):
        return client
    report = _visible(client).filter(number=service_request_id[:16]).first()
    if report is None:
        return errors(format, 404, _("service_request_id provided was not found."))
    return render(format, "service_requests", Items("request", [mapping.request(report)]))


@_methods("GET")
def token_detail(request: HttpRequest, token_id: str, format: str) -> HttpResponse:
    client = _client(request, format)
    if isinstance(client, HttpResponse):
        return client
    report = _visible(client).filter(open311_token=token_id[:40]).first()
    if report is None:
        return errors(format, 404, _("token provided was not found."))
    return render(
        format,
        "service_requests",
        Items("request", [{"service_request_id": report.number, "token": report.open311_token}]),
    )
