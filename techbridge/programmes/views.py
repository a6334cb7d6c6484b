"""Pages of the programmes app: the list, each programme's yearly dashboard (target, actual,
share, trend), the records behind a number, the targets form, the programme form and the
yearly report as XLSX. Reads through selectors, writes through services."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.access import get_visible_or_404, role_required
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.exceptions import ConflictError
from techbridge.core.forms import add_service_errors, report_error
from techbridge.core.listing import page_of
from techbridge.core.money import format_yuan
from techbridge.imports.exports import write_table
from techbridge.programmes import attribution, charts, metrics, selectors, services
from techbridge.programmes.forms import ProgrammeForm
from techbridge.programmes.models import LinkKind, Programme, RegionRole

#: Roles with the menu entry: station staff and brokers see their stations' programmes.
LIST_ROLES = (Role.BUREAU_STAFF, Role.SYSTEM_ADMIN, Role.STATION_STAFF, Role.BROKER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= 2100 else today.year


def display(metric: metrics.Metric, value: int | None) -> str:
    """A figure as people read it: a count, or an amount in yuan (from fen)."""
    if value is None:
        return "—"
    if metric.is_amount:
        return format_yuan(Decimal(value) / 100)
    return f"{value:,}"


def _programme(request: HttpRequest, pk: int) -> Programme:
    return get_visible_or_404(selectors.programmes_visible_to(request.user), pk, request.user)


@role_required(*LIST_ROLES)
def programme_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = selectors.overview(request.user, year)
    return render(
        request,
        "programmes/list.html",
        {"rows": rows, "year": year, "may_manage": selectors.may_manage(request.user)},
    )


def _rows_for_page(programme: Programme, year: int) -> list[dict[str, Any]]:
    today = timezone.localdate()
    months_shown = 12 if year < today.year else (today.month if year == today.year else 0)
    out = []
    for row in selectors.dashboard(programme, year, today=today):
        label = str(row.metric.label)
        if row.channel_label:
            label = f"{label}（{row.channel_label}）"
        target = row.target.value if row.target else None
        out.append(
            {
                "row": row,
                "label": label,
                "target": display(row.metric, target),
                "actual": display(row.metric, row.actual),
                "expected": display(row.metric, row.expected) if target is not None else "",
                "months": [(i + 1, display(row.metric, v), v) for i, v in enumerate(row.months)],
                "chart": charts.trend_chart(
                    row.cumulative,
                    target=target,
                    months_shown=months_shown,
                    title=_("%(figure)s, running total by month") % {"figure": label},
                ),
            }
        )
    return out


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    year = _year(request)
    rows = _rows_for_page(programme, year)
    with_target = [r for r in rows if r["row"].target is not None]
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "year": year,
            "years": list(range(timezone.localdate().year, 2012, -1)),
            "rows": rows,
            "met": sum(1 for r in with_target if r["row"].met),
            "with_target": len(with_target),
            "homes": selectors.region_names(programme, RegionRole.HOME),
            "partners": selectors.region_names(programme, RegionRole.PARTNER),
            "stations": list(programme.stations.all()),
            "may_manage": selectors.may_manage(request.user),
        },
    )


def _record_row(kind: str, record: Any) -> dict[str, Any]:
    """A counted record as a list row: what it is called, when, and where it is."""
    if kind == "deal_event":
        deal = record.deal
        broker = deal.broker
        return {
            "title": f"{broker.get_full_name() or broker.username} · {deal.title}",
            "when": record.at,
            "url": reverse("brokerage:deal", args=[deal.pk]),
        }
    names: dict[str, tuple[str, str, str]] = {
        LinkKind.EVENT: ("title", "held_on", "brokerage:event"),
        LinkKind.DEAL: ("title", "closed_at", "brokerage:deal"),
        LinkKind.CONTRACT: ("name", "registered_at", "contracts:detail"),
    }
    if kind in names:
        title, when, url_name = names[kind]
        return {
            "title": getattr(record, title),
            "when": getattr(record, when),
            "url": reverse(url_name, args=[record.pk]),
        }
    title = getattr(record, "title", None) or getattr(record, "name", None) or str(record)
    when_fields: dict[str, str] = {
        LinkKind.DEMAND: "created_at",
        LinkKind.PROJECT: "started_on",
        LinkKind.ORDER: "service_date",
        LinkKind.PROBLEM: "resolved_at",
    }
    when = when_fields.get(kind, "created_at")
    return {"title": title, "when": getattr(record, when, None), "url": record.get_absolute_url()}


@role_required(Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)
def figure_records(request: HttpRequest, pk: int, metric: str) -> HttpResponse:
    """The records behind one number: the year's, or one month's (?month=3)."""
    programme = _programme(request, pk)
    if metric not in metrics.METRICS:
        raise Http404
    figure = metrics.METRICS[metric]
    year = _year(request)
    try:
        month = int(request.GET.get("month") or 0)
    except ValueError:
        month = 0
    month = month if 1 <= month <= 12 else 0
    channel = request.GET.get("channel", "")
    if channel not in dict(metrics.channel_choices()):
        channel = ""
    records = selectors.figure_records(
        programme, metric, year, month=month or None, channel=channel
    )
    kind = "deal_event" if figure.through is not None else figure.kind
    related = {
        "deal_event": ("deal", "deal__broker"),
        LinkKind.DEMAND: (),
        LinkKind.CONTRACT: (),
    }.get(kind, ())
    if related:
        records = records.select_related(*related)
    records = records.order_by(f"-{figure.date_field}", "-pk")
    page = page_of(request, records)
    rows = [_record_row(kind, r) for r in page.object_list]
    return render(
        request,
        "programmes/records.html",
        {
            "programme": programme,
            "figure": figure,
            "year": year,
            "month": month,
            "channel_label": dict(metrics.channel_choices()).get(channel, ""),
            "page": page,
            "rows": rows,
        },
    )


@role_required(Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the year's targets: one field per figure (and per channel for demands)."""
    programme = _programme(request, pk)
    year = _year(request)
    existing = {(t.metric, t.channel): t for t in programme.targets.filter(year=year)}
    fields = []
    for key, metric in metrics.METRICS.items():
        channels = [("", "")] + (list(metrics.channel_choices()) if metric.channels else [])
        for channel, channel_label in channels:
            target = existing.get((key, channel))
            name = f"{key}:{channel}" if channel else key
            label = str(metric.label) + (f"（{channel_label}）" if channel else "")
            shown = ""
            if target is not None:
                shown = display(metric, target.value).replace(",", "")
            fields.append(
                {
                    "name": name,
                    "key": key,
                    "channel": channel,
                    "label": label,
                    "value": request.POST.get(name, shown) if request.method == "POST" else shown,
                    "version": target.version if target else 0,
                    "unit": _("yuan") if metric.is_amount else "",
                    "error": "",
                }
            )
    status = 200
    if request.method == "POST":
        errors = 0
        for field in fields:
            raw = (request.POST.get(field["name"]) or "").strip()
            if not raw:
                continue
            try:
                version = int(request.POST.get(f"v-{field['name']}") or 0)
                services.target_set(
                    actor=request.user,
                    programme=programme,
                    year=year,
                    metric=field["key"],
                    channel=field["channel"],
                    value=raw,
                    note=request.POST.get("note", "")[:300],
                    expected_version=version or None,
                )
            except ValidationError as error:
                field["error"] = " ".join(error.messages)
                errors += 1
            except ConflictError:
                field["error"] = _(
                    "Someone else changed this target meanwhile; reload the page to see it."
                )
                errors += 1
        if not errors:
            return redirect(reverse("programmes:detail", args=[programme.pk]) + f"?year={year}")
        status = 400
    return render(
        request,
        "programmes/targets.html",
        {"programme": programme, "year": year, "fields": fields},
        status=status,
    )


@role_required(Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    programme = _programme(request, pk) if pk else None
    initial = ProgrammeForm.initial_for(programme) if programme else {}
    form = ProgrammeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.programme_save(
                    actor=request.user,
                    programme=programme,
                    name=data["name"],
                    short_name=data["short_name"],
                    kind=data["kind"],
                    description=data["description"],
                    launched_on=data["launched_on"],
                    active=data["active"] if programme else True,
                    home_regions=data["home_regions"],
                    partner_regions=data["partner_regions"],
                    stations=data["stations"],
                    staff=data["staff"],
                    expected_version=data.get("version"),
                )
                return redirect(saved.get_absolute_url())
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                report_error(request, error)
        status = 400
    return render(
        request, "programmes/form.html", {"form": form, "programme": programme}, status=status
    )


@role_required(Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)
def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The yearly report: one row per figure with target, actual, share and the months."""
    programme = _programme(request, pk)
    year = _year(request)
    headers = [
        _("Figure"),
        _("Target"),
        _("Actual"),
        _("Share of target (%)"),
        *[_("Month %(m)s") % {"m": m} for m in range(1, 13)],
    ]

    def value(metric: metrics.Metric, v: int | None) -> Any:
        if v is None:
            return None
        return Decimal(v) / 100 if metric.is_amount else v

    rows = []
    for row in selectors.dashboard(programme, year):
        label = str(row.metric.label) + (f"（{row.channel_label}）" if row.channel_label else "")
        if row.metric.is_amount:
            label += f"（{_('yuan')}）"
        rows.append(
            [
                label,
                value(row.metric, row.target.value if row.target else None),
                value(row.metric, row.actual),
                row.share,
                *[value(row.metric, m) for m in row.months],
            ]
        )
    buffer = io.BytesIO()
    count = write_table(buffer, "xlsx", headers, rows)
    audit_record(
        AuditEventType.EXPORT,
        actor=request.user,
        obj=programme,
        detail={"rows": count, "year": year},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}-{year}.xlsx"'
    return response


@role_required(Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)
def links(request: HttpRequest, pk: int) -> HttpResponse:
    """Records attributed to the programme by hand (指定归属): add one by pasting the
    address of its page; remove one so it follows the region rule again."""
    programme = _programme(request, pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                kind, _sep, raw_id = request.POST["remove"].partition(":")
                services.programme_unlink(
                    actor=request.user, programme=programme, kind=kind, object_id=int(raw_id)
                )
            else:
                kind, record_id = services.record_from_address(request.POST.get("address", ""))
                services.programme_link(
                    actor=request.user, programme=programme, kind=kind, object_id=record_id
                )
            return redirect("programmes:links", pk=programme.pk)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        except ValueError:
            error, status = _("That record cannot be removed."), 400
    labels = dict(LinkKind.choices)
    rows = []
    for link in programme.links.order_by("kind", "-created_at")[:500]:
        model: Any = attribution.RULES[link.kind].model
        record = model._default_manager.filter(pk=link.object_id).first()
        if record is None:
            continue
        row = _record_row(link.kind, record)
        row.update({"kind": labels.get(link.kind, ""), "key": f"{link.kind}:{link.object_id}"})
        rows.append(row)
    return render(
        request,
        "programmes/links.html",
        {"programme": programme, "rows": rows, "error": error},
        status=status,
    )
