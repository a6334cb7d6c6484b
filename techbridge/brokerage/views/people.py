"""Visits (station staff) and performance (brokers, bureau staff)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from techbridge.accounts.access import get_visible_or_404, role_required
from techbridge.accounts.roles import Role
from techbridge.brokerage import selectors, services
from techbridge.brokerage.forms import VisitDemandForm, VisitForm
from techbridge.brokerage.models import MatchmakingEvent, TechSquad
from techbridge.core.forms import SERVICE_ERRORS, report_error
from techbridge.organisations.models import Organisation, OrganisationKind


@role_required(Role.BROKER, Role.BUREAU_STAFF)
def performance(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    brokers = selectors.brokers_performance(selectors.brokers_visible_to(user))
    bureau = user.role == Role.BUREAU_STAFF
    events = (
        MatchmakingEvent.objects.all()
        if bureau
        else MatchmakingEvent.objects.filter(organiser=user)
    )
    return render(
        request,
        "brokerage/performance.html",
        {
            "brokers": brokers,
            "stations": selectors.station_performance() if bureau else [],
            "events": selectors.events_report(events.order_by("-held_on")[:50]),
            "bureau": bureau,
        },
    )


@role_required(Role.STATION_STAFF, Role.BUREAU_STAFF)
def visits(request: HttpRequest) -> HttpResponse:
    station = services.station_of(request.user)
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).order_by("name")
    squads = TechSquad.objects.filter(station=station) if station else TechSquad.objects.none()
    form = VisitForm(request.POST or None, enterprises=enterprises, squads=squads)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_create(
                actor=request.user,
                enterprise=enterprises.get(pk=data["enterprise"]),
                visited_on=data["visited_on"],
                participants=data["participants"],
                notes=data["notes"],
                squad=squads.get(pk=data["squad"]) if data.get("squad") else None,
            )
        except (Organisation.DoesNotExist, TechSquad.DoesNotExist):
            messages.error(request, _("Choose an enterprise and a squad from the lists."))
        except SERVICE_ERRORS as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("Visit logged."))
            return redirect("brokerage:visit", pk=visit.pk)
    return render(
        request,
        "brokerage/visits.html",
        {
            "visits": selectors.visits_visible_to(request.user)[:200],
            "form": form if station else None,
            "station": station,
        },
    )


@role_required(Role.STATION_STAFF, Role.BUREAU_STAFF)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(selectors.visits_visible_to(request.user), pk, request.user)
    can_record = services.station_of(request.user) == visit.station
    form = VisitDemandForm(request.POST or None)
    if request.method == "POST" and can_record and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v}
        try:
            services.visit_record_demand(actor=request.user, visit=visit, **data)
        except SERVICE_ERRORS as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("Demand recorded; the enterprise is asked to confirm it."))
            return redirect("brokerage:visit", pk=visit.pk)
    return render(
        request,
        "brokerage/visit_detail.html",
        {"visit": visit, "demands": visit.demands.all(), "form": form if can_record else None},
    )
