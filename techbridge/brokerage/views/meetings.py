"""Matchmaking meeting pages: public list and detail, registration, requests, the
organiser's schedule and outcomes, the printable schedule and the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.brokerage import selectors, services
from techbridge.brokerage.forms import EventForm, OutcomeForm, RegisterForm
from techbridge.brokerage.models import (
    EventInvitation,
    MatchmakingEvent,
    Meeting,
    MeetingRequest,
    Participant,
    RequestStatus,
)
from techbridge.brokerage.suggestions import suggest_invitations
from techbridge.core.forms import SERVICE_ERRORS, form_values, report_error, submit_form


def _event(request: HttpRequest, pk: int) -> MatchmakingEvent:
    return get_visible_or_404(selectors.events_visible_to(request.user), pk, request.user)


def event_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.events_visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "brokerage/events.html",
        {"page": page, "can_create": services.can_organise(request.user)},
    )


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    user = request.user
    organiser = services.can_organise(user, event)
    me = selectors.participant_of(user, event)
    context = {
        "event": event,
        "organiser": organiser,
        "me": me,
        "sees_participants": selectors.sees_participants(user, event),
        "invitations": EventInvitation.objects.filter(event=event),
        "can_register": user.is_authenticated
        and getattr(user, "is_member", False)
        and me is None
        and event.status == "published",
    }
    if context["sees_participants"]:
        context["participants"] = Participant.objects.filter(event=event).select_related(
            "organisation"
        )
        requests = MeetingRequest.objects.filter(event=event).select_related(
            "requester__organisation", "target__organisation"
        )
        if not organiser and me is not None:
            requests = requests.filter(requester=me) | requests.filter(target=me)
        context["requests"] = requests
        context["register_form"] = RegisterForm(event=event)
        if me is not None:
            context["availability_form"] = RegisterForm(
                event=event,
                initial={
                    "person_name": me.person_name,
                    "available_slots": [str(s) for s in me.available_slots],
                },
            )
    if organiser:
        context["rows"] = selectors.schedule_rows(event)
        context["outcome_form"] = OutcomeForm()
        context["suggestions"] = (
            suggest_invitations(event, limit=5) if request.GET.get("suggest") else None
        )
    elif me is not None:
        context["rows"] = selectors.schedule_rows(event, me)
    return render(request, "brokerage/event_detail.html", context)


@login_required
def event_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    event = _event(request, pk) if pk else None
    if not services.can_organise(request.user, event):
        deny(
            request.user,
            object_type="brokerage.matchmakingevent",
            object_id=pk or "",
            reason="edit",
        )
    form = EventForm(request.POST or None, instance=event)

    def save() -> MatchmakingEvent:
        if event is None:
            return services.event_create(actor=request.user, **form_values(form))
        return services.event_update(
            actor=request.user,
            event=event,
            expected_version=form.cleaned_data.get("version") or event.version,
            **form_values(form),
        )

    done = submit_form(request, form, save)
    if done.value is not None:
        messages.success(request, _("Saved."))
        return redirect("brokerage:event", pk=done.value.pk)
    return render(
        request, "brokerage/event_form.html", {"form": form, "event": event}, status=done.status
    )


def _participant(event: MatchmakingEvent, value: str) -> Participant:
    try:
        return Participant.objects.get(event=event, pk=int(value))
    except (ValueError, Participant.DoesNotExist):
        raise _NotFound from None


class _NotFound(Exception):
    pass


@login_required
@require_POST
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = _event(request, pk)
    user, post = request.user, request.POST
    organiser = services.can_organise(user, event)
    try:
        if action in ("publish", "close", "schedule", "invite", "outcome") and not organiser:
            deny(user, object_type="brokerage.matchmakingevent", object_id=pk, reason=action)
        if action == "publish":
            services.event_set_status(actor=user, event=event, status="published")
        elif action == "close":
            services.event_set_status(actor=user, event=event, status="closed")
        elif action == "invite":
            services.event_invite(
                actor=user,
                event=event,
                record_kind=post.get("kind", ""),
                record_id=int(post.get("id", "0") or 0),
            )
        elif action == "register":
            form = RegisterForm(post, event=event)
            form.is_valid()
            services.participant_register(
                actor=user,
                event=event,
                person_name=form.cleaned_data.get("person_name", ""),
                available_slots=[int(s) for s in form.cleaned_data.get("available_slots", [])],
            )
        elif action == "availability":
            me = _participant(event, post.get("participant", ""))
            form = RegisterForm(post, event=event)
            form.is_valid()
            services.participant_set_availability(
                actor=user,
                participant=me,
                available_slots=[int(s) for s in form.cleaned_data.get("available_slots", [])],
            )
        elif action == "request":
            requester = (
                _participant(event, post.get("requester", ""))
                if organiser and post.get("requester")
                else selectors.participant_of(user, event)
            )
            if requester is None:
                raise _NotFound
            services.meeting_request_create(
                actor=user,
                requester=requester,
                target=_participant(event, post.get("target", "")),
                note=post.get("note", "")[:2000],
            )
        elif action == "decide":
            try:
                req = MeetingRequest.objects.get(event=event, pk=int(post.get("request", "")))
            except (ValueError, MeetingRequest.DoesNotExist):
                raise _NotFound from None
            services.meeting_request_decide(
                actor=user, request=req, accept=post.get("answer") == RequestStatus.ACCEPTED
            )
        elif action == "schedule":
            result = services.event_schedule(actor=user, event=event)
            messages.info(
                request,
                _("%(n)s meetings placed, %(u)s could not be placed.")
                % {"n": result.count, "u": len(result.unplaced)},
            )
        elif action == "outcome":
            try:
                meeting = Meeting.objects.get(event=event, pk=int(post.get("meeting", "")))
            except (ValueError, Meeting.DoesNotExist):
                raise _NotFound from None
            outcome_form = OutcomeForm(post)
            if not outcome_form.is_valid():
                messages.error(request, _("Choose an outcome."))
                return redirect("brokerage:event", pk=pk)
            services.meeting_record_outcome(
                actor=user, meeting=meeting, **outcome_form.cleaned_data
            )
        else:
            deny(user, object_type="brokerage.matchmakingevent", object_id=pk, reason=action[:20])
    except _NotFound:
        deny(user, object_type="brokerage.participant", object_id="", reason=action)
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("brokerage:event", pk=pk)


@login_required
def schedule_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable schedule: the whole grid for the organiser, one participant's own
    meetings (``?participant=`` for the organiser, otherwise the user's)."""
    event = _event(request, pk)
    organiser = services.can_organise(request.user, event)
    participant = selectors.participant_of(request.user, event)
    wanted = request.GET.get("participant")
    if organiser and wanted:
        try:
            participant = Participant.objects.select_related("organisation").get(
                event=event, pk=int(wanted)
            )
        except (ValueError, Participant.DoesNotExist):
            deny(request.user, object_type="brokerage.participant", object_id=wanted[:20])
    elif not organiser and participant is None:
        deny(
            request.user, object_type="brokerage.matchmakingevent", object_id=pk, reason="schedule"
        )
    rows = selectors.schedule_rows(event, participant)
    participants = (
        Participant.objects.filter(event=event).select_related("organisation") if organiser else []
    )
    return render(
        request,
        "brokerage/schedule.html",
        {"event": event, "participant": participant, "rows": rows, "participants": participants},
    )


@login_required
def event_report(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not services.can_organise(request.user, event):
        deny(request.user, object_type="brokerage.matchmakingevent", object_id=pk, reason="report")
    return render(
        request,
        "brokerage/event_report.html",
        {
            "event": event,
            "report": selectors.event_report(event),
            "rows": selectors.schedule_rows(event),
        },
    )
