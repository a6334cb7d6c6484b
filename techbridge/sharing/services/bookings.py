"""Writes for bookings (预约): book a slot, approve or reject it, cancel it (free until the
resource's deadline, then a late fee), mark a no-show, complete it; opening hours,
closures and the personal calendar feed.

Two holding bookings never overlap. On PostgreSQL the exclusion constraint of migration
0002 refuses the second insert whatever the interleaving (its IntegrityError becomes a
ConflictError, HTTP 409); on SQLite the IMMEDIATE transaction this service runs in holds
the write lock from its first statement, so its overlap check and insert cannot interleave
with another writer (ADR 0012). The check in front gives the clear message in both cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.events import record_event
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.money import to_fen
from techbridge.core.phrases import Phrase, phrase
from techbridge.notifications.models import NotificationKind
from techbridge.notifications.services import notify
from techbridge.sharing.access import manages
from techbridge.sharing.models import (
    Booking,
    BookingEvent,
    BookingEventKind,
    BookingStatus,
    Closure,
    OpeningHours,
    Resource,
)
from techbridge.sharing.models.bookings import CalendarFeed
from techbridge.sharing.selectors import bookings as sel
from techbridge.sharing.selectors.agreements import rate_in_force

OVERLAP_CONSTRAINT = "sharing_booking_no_overlap"


def _fmt(moment: dt.datetime) -> str:
    return timezone.localtime(moment, sel.tz()).strftime("%Y-%m-%d %H:%M")


def _taken() -> ConflictError:
    return ConflictError(
        _(
            "This time has just been booked by someone else. Nothing was booked: pick "
            "another free slot in the calendar."
        )
    )


def _is_overlap(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    return name == OVERLAP_CONSTRAINT or OVERLAP_CONSTRAINT in str(exc)


# --- checks -------------------------------------------------------------------------------


def check_slot(resource: Resource, starts_at: Any, ends_at: Any, *, now: dt.datetime) -> None:
    """Refuse a slot the resource cannot be booked for, naming the field: inactive or not
    bookable, naive or past times, off the booking step, too long, outside the opening
    hours of one day, or in a closure. Overlaps with bookings are checked by the caller."""
    if not resource.active or not resource.bookable:
        raise ValidationError(
            {"resource": _("“%(name)s” is not open for booking.") % {"name": resource.name}}
        )
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            raise ValidationError({name: _("Give a date and time with its time zone.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if starts_at <= now:
        raise ValidationError(
            {
                "starts_at": _("%(start)s has passed: book a time in the future.")
                % {"start": _fmt(starts_at)}
            }
        )
    step = resource.slot_minutes
    local_start = timezone.localtime(starts_at, sel.tz())
    local_end = timezone.localtime(ends_at, sel.tz())
    minutes = int((ends_at - starts_at).total_seconds()) // 60
    start_minute = local_start.hour * 60 + local_start.minute
    aligned = local_start.second == 0 and local_start.microsecond == 0
    if not aligned or start_minute % step:
        raise ValidationError(
            {
                "starts_at": _(
                    "Bookings start on the %(step)s-minute grid of the day, not at %(start)s."
                )
                % {"step": step, "start": local_start.strftime("%H:%M")}
            }
        )
    if (ends_at - starts_at).total_seconds() % (step * 60):
        raise ValidationError(
            {
                "ends_at": _(
                    "The length must be a multiple of %(step)s minutes, not %(minutes)s minutes."
                )
                % {"step": step, "minutes": minutes}
            }
        )
    if minutes > resource.max_booking_minutes:
        raise ValidationError(
            {
                "ends_at": _("At most %(max)s minutes can be booked at once, not %(minutes)s.")
                % {"max": resource.max_booking_minutes, "minutes": minutes}
            }
        )
    inside = (
        local_start.date() == local_end.date()
        and OpeningHours.objects.filter(
            resource=resource,
            weekday=local_start.weekday(),
            opens__lte=local_start.time(),
            closes__gte=local_end.time(),
        ).exists()
    )
    if not inside:
        raise ValidationError(
            {
                "starts_at": _("%(start)s–%(end)s is outside the opening hours of “%(name)s”.")
                % {
                    "start": _fmt(starts_at),
                    "end": local_end.strftime("%H:%M"),
                    "name": resource.name,
                }
            }
        )
    closure = Closure.objects.filter(
        resource=resource, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).first()
    if closure is not None:
        raise ValidationError(
            {
                "starts_at": _("“%(name)s” is closed from %(start)s to %(end)s (%(reason)s).")
                % {
                    "name": resource.name,
                    "start": _fmt(closure.starts_at),
                    "end": _fmt(closure.ends_at),
                    "reason": closure.reason,
                }
            }
        )


def _booker(actor: Actor) -> User:
    if not sel.can_book(actor):
        raise PermissionDenied(_("Only enterprise and institution members can book."))
    assert isinstance(actor, User)
    return actor


def _audit(event: str, actor: Actor, booking: Booking, **detail: Any) -> None:
    audit_record(event, actor=actor, obj=booking, detail=detail or None)


def _tell(recipients: Any, actor: Actor, title: str | Phrase, booking: Booking) -> None:
    actor_pk = getattr(actor, "pk", None)
    notify(
        recipients=[u for u in recipients if u is not None and u.pk != actor_pk],
        kind=NotificationKind.OTHER,
        title=title,
        link=reverse("sharing:booking", args=[booking.pk]),
    )


def _managers(resource: Resource) -> Any:
    return User.objects.filter(
        organisation_id=resource.owner_id, role=Role.INSTITUTION_MEMBER, is_active=True
    )


# --- booking ------------------------------------------------------------------------------


@transaction.atomic
def booking_create(
    *,
    actor: Actor,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Book [starts_at, ends_at) of ``resource`` for the actor's organisation. Approved at
    once unless the agreement in force asks for the owner's approval; assisted (run by
    staff) unless the actor holds a valid qualification. A taken slot raises
    ConflictError; a slot the resource cannot take raises ValidationError."""
    user = _booker(actor)
    now = now or timezone.now()
    check_slot(resource, starts_at, ends_at, now=now)
    offer = sel.quote(user=user, resource=resource, starts_at=starts_at, ends_at=ends_at)
    if sel.holding_bookings(resource.pk, starts_at, ends_at).exists():
        raise _taken()
    status = BookingStatus.REQUESTED if offer.requires_approval else BookingStatus.APPROVED
    booking = Booking(
        resource=resource,
        booked_by=user,
        organisation=user.organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        rate_class=offer.rate_class,
        assisted=offer.assisted,
        purpose=(purpose or "").strip()[:300],
        decided_at=None if offer.requires_approval else now,
    )
    try:
        with transaction.atomic():  # a savepoint, so the refusal leaves a usable transaction
            booking.save(force_insert=True)
    except IntegrityError as exc:
        if _is_overlap(exc):
            raise _taken() from exc
        raise
    record_event(
        BookingEvent,
        subject=booking,
        actor=actor,
        kind=BookingEventKind.REQUESTED,
        to_state=booking.status,
        data={
            "rate_class": booking.rate_class,
            "rate": offer.rate.pk if offer.rate else None,
            "estimated_fee_fen": to_fen(offer.amount) if offer.amount is not None else None,
            "assisted": booking.assisted,
            "needs_approval": offer.requires_approval,
        },
    )
    _audit(AuditEventType.CREATE, actor, booking, status=booking.status)
    if booking.status == BookingStatus.APPROVED:
        _open_order(booking)
    if offer.requires_approval:
        _tell(
            _managers(resource),
            actor,
            phrase(
                "Booking request for %(name)s on %(start)s",
                {"name": resource.name, "start": _fmt(starts_at)},
            ),
            booking,
        )
    return booking


def _move(
    booking: Booking,
    *,
    actor: Actor,
    allowed_from: tuple[str, ...],
    to: str,
    kind: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    **values: Any,
) -> Booking:
    """Change the status with one conditional update (a concurrent step by someone else
    makes it match no row: TransitionError), then write the event and the audit row."""
    old = booking.status
    updated = Booking.objects.filter(pk=booking.pk, status__in=allowed_from).update(
        status=to, version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if updated != 1:
        booking.refresh_from_db(fields=["status"])
        raise TransitionError(
            _("This booking is now “%(status)s”; that step is no longer possible.")
            % {"status": booking.get_status_display()}
        )
    booking.refresh_from_db()
    record_event(
        BookingEvent,
        subject=booking,
        actor=actor,
        kind=kind,
        from_state=old,
        to_state=to,
        note=note,
        data=data,
    )
    decision = kind in (BookingEventKind.APPROVED, BookingEventKind.REJECTED)
    event = AuditEventType.APPROVAL if decision else AuditEventType.TRANSITION
    _audit(event, actor, booking, from_state=old, to_state=to)
    return booking



def _open_order(booking: Booking) -> None:
    """An approved booking opens its service order (draft, awaiting the usage record that
    staff enter after the session), in the same transaction."""
    from techbridge.sharing.services.orders import order_from_booking

    order_from_booking(actor=None, booking=booking)


def _settle_fee(booking: Booking, reason: str) -> None:
    """A cancelled or missed booking: its draft order becomes the late-cancellation or
    no-show fee order, or is cancelled when no fee is due."""
    from techbridge.sharing.services.orders import charge_cancellation

    charge_cancellation(actor=None, booking=booking, reason=reason or booking.status)


@transaction.atomic
def booking_approve(*, actor: Actor, booking: Booking, note: str = "") -> Booking:
    """The owner approves a requested booking (never their own); the booker is told."""
    if not manages(actor, booking.resource):
        raise PermissionDenied(_("Only members of the owner institution approve bookings."))
    if booking.booked_by_id == getattr(actor, "pk", None):
        raise TransitionError(_("Nobody approves their own booking."))
    if booking.starts_at <= timezone.now():
        raise TransitionError(_("This booking has already started; it cannot be approved."))
    booking = _move(
        booking,
        actor=actor,
        allowed_from=(BookingStatus.REQUESTED,),
        to=BookingStatus.APPROVED,
        kind=BookingEventKind.APPROVED,
        note=note,
        decided_by=actor_or_none(actor),
        decided_at=timezone.now(),
    )
    _tell(
        [booking.booked_by],
        actor,
        phrase(
            "Your booking of %(name)s on %(start)s is approved",
            {"name": booking.resource.name, "start": _fmt(booking.starts_at)},
        ),
        booking,
    )
    _open_order(booking)
    return booking


@transaction.atomic
def booking_reject(*, actor: Actor, booking: Booking, reason: str) -> Booking:
    """The owner rejects a requested booking with a reason; the slot is free again."""
    if not manages(actor, booking.resource):
        raise PermissionDenied(_("Only members of the owner institution reject bookings."))
    if booking.booked_by_id == getattr(actor, "pk", None):
        raise TransitionError(_("Nobody decides on their own booking."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the booking is rejected.")})
    booking = _move(
        booking,
        actor=actor,
        allowed_from=(BookingStatus.REQUESTED,),
        to=BookingStatus.REJECTED,
        kind=BookingEventKind.REJECTED,
        note=reason,
        decided_by=actor_or_none(actor),
        decided_at=timezone.now(),
    )
    _tell(
        [booking.booked_by],
        actor,
        phrase(
            "Your booking of %(name)s on %(start)s was rejected",
            {"name": booking.resource.name, "start": _fmt(booking.starts_at)},
        ),
        booking,
    )
    return booking


def _fee_data(booking: Booking) -> dict[str, Any]:
    """The late fee per the rate in force on the booking's day: the rate's
    late-cancellation share of price × booked quantity."""
    day = timezone.localtime(booking.starts_at, sel.tz()).date()
    rate = rate_in_force(booking.resource, booking.rate_class, day) if booking.rate_class else None
    quantity = (
        sel.booked_quantity_milli(rate.unit, booking.starts_at, booking.ends_at) if rate else None
    )
    fee = sel.late_fee(rate, quantity)
    return {
        "fee": format(fee, "f"),
        "fee_fen": to_fen(fee),
        "rate": rate.pk if rate else None,
        "late_cancellation_bp": rate.late_cancellation_bp if rate else 0,
        "quantity_milli": quantity,
    }


@transaction.atomic
def booking_cancel(
    *, actor: Actor, booking: Booking, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """Cancel before the start. The customer cancels free until the resource's
    ``free_cancellation_hours`` before the start; later an approved booking owes the
    rate's late fee (recorded on the event; ``late_fee_for`` reads it). The owner may
    cancel too (with a reason, never a fee for the customer)."""
    now = now or timezone.now()
    customer = sel.can_cancel_as_customer(actor, booking)
    owner = manages(actor, booking.resource)
    if not (customer or owner):
        raise PermissionDenied(_("Only the customer or the owner can cancel this booking."))
    if booking.starts_at <= now:
        raise TransitionError(
            _("This booking has started; staff mark it completed or as a no-show instead.")
        )
    reason = (reason or "").strip()
    if owner and not customer and not reason:
        raise ValidationError({"reason": _("Tell the customer why the booking is cancelled.")})
    deadline = booking.starts_at - dt.timedelta(hours=booking.resource.free_cancellation_hours)
    late = customer and booking.status == BookingStatus.APPROVED and now > deadline
    data: dict[str, Any] = {"by": "customer" if customer else "owner", "late": late}
    data.update(_fee_data(booking) if late else {"fee": "0.00", "fee_fen": 0})
    booking = _move(
        booking,
        actor=actor,
        allowed_from=(BookingStatus.REQUESTED, BookingStatus.APPROVED),
        to=BookingStatus.CANCELLED,
        kind=BookingEventKind.CANCELLED,
        note=reason,
        data=data,
        cancelled_at=now,
        cancellation_reason=reason[:300],
    )
    _settle_fee(booking, reason)
    if not customer:
        _tell(
            [booking.booked_by],
            actor,
            phrase(
                "Your booking of %(name)s on %(start)s was cancelled by the owner",
                {"name": booking.resource.name, "start": _fmt(booking.starts_at)},
            ),
            booking,
        )
    return booking


def _check_runner(actor: Actor, booking: Booking, now: dt.datetime) -> None:
    if not sel.can_run(actor, booking):
        raise PermissionDenied(_("Only the resource's staff or owner can do this."))
    if booking.starts_at > now:
        raise TransitionError(_("This booking has not started yet."))


@transaction.atomic
def booking_mark_no_show(
    *, actor: Actor, booking: Booking, note: str = "", now: dt.datetime | None = None
) -> Booking:
    """Staff or owner mark an approved booking whose start has passed as a no-show; it
    owes the same fee as a late cancellation."""
    now = now or timezone.now()
    _check_runner(actor, booking, now)
    data = {"late": True, **_fee_data(booking)}
    booking = _move(
        booking,
        actor=actor,
        allowed_from=(BookingStatus.APPROVED,),
        to=BookingStatus.NO_SHOW,
        kind=BookingEventKind.NO_SHOW,
        note=note,
        data=data,
    )
    _settle_fee(booking, note)
    return booking


@transaction.atomic
def booking_complete(
    *, actor: Actor, booking: Booking, note: str = "", now: dt.datetime | None = None
) -> Booking:
    """Staff or owner close an approved booking that took place (the orders part then
    records its usage)."""
    now = now or timezone.now()
    _check_runner(actor, booking, now)
    return _move(
        booking,
        actor=actor,
        allowed_from=(BookingStatus.APPROVED,),
        to=BookingStatus.COMPLETED,
        kind=BookingEventKind.COMPLETED,
        note=note,
    )


# --- opening hours and closures -----------------------------------------------------------


def _check_manager(actor: Actor, resource: Resource) -> None:
    if not manages(actor, resource):
        raise PermissionDenied(_("Only members of the owner institution manage its hours."))


@transaction.atomic
def opening_hours_add(
    *, actor: Actor, resource: Resource, weekday: int, opens: dt.time, closes: dt.time
) -> OpeningHours:
    """Add an opening period on a weekday (0 = Monday); periods of a day may not overlap."""
    _check_manager(actor, resource)
    if not 0 <= weekday <= 6:
        raise ValidationError({"weekday": _("Weekday must be 0 (Monday) to 6 (Sunday).")})
    if closes <= opens:
        raise ValidationError({"closes": _("Closing time must be after the opening time.")})
    if OpeningHours.objects.filter(
        resource=resource, weekday=weekday, opens__lt=closes, closes__gt=opens
    ).exists():
        raise ValidationError(
            {"opens": _("This period overlaps another opening period of the same day.")}
        )
    period = OpeningHours.objects.create(
        resource=resource, weekday=weekday, opens=opens, closes=closes
    )
    audit_record(
        AuditEventType.CREATE,
        actor=actor,
        obj=period,
        detail={"resource": resource.pk, "fields": ["weekday", "opens", "closes"]},
    )
    return period


@transaction.atomic
def opening_hours_remove(*, actor: Actor, period: OpeningHours) -> None:
    _check_manager(actor, period.resource)
    audit_record(
        AuditEventType.DELETE, actor=actor, obj=period, detail={"resource": period.resource_id}
    )
    period.delete()


@transaction.atomic
def closure_add(
    *,
    actor: Actor,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
) -> tuple[Closure, int]:
    """Close the resource (maintenance, holidays). Returns the closure and how many
    holding bookings it overlaps: those stay, for the owner to cancel with a reason."""
    _check_manager(actor, resource)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the closure.")})
    closure = Closure.objects.create(
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason[:200],
        created_by=actor_or_none(actor),
    )
    audit_record(
        AuditEventType.CREATE,
        actor=actor,
        obj=closure,
        detail={"resource": resource.pk, "fields": ["starts_at", "ends_at", "reason"]},
    )
    affected = sel.holding_bookings(resource.pk, starts_at, ends_at).filter(
        status__in=[BookingStatus.REQUESTED, BookingStatus.APPROVED]
    )
    return closure, affected.count()


@transaction.atomic
def closure_remove(*, actor: Actor, closure: Closure) -> None:
    _check_manager(actor, closure.resource)
    audit_record(
        AuditEventType.DELETE, actor=actor, obj=closure, detail={"resource": closure.resource_id}
    )
    closure.delete()


# --- the personal calendar feed -----------------------------------------------------------


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def feed_create(*, actor: Actor) -> tuple[CalendarFeed, str]:
    """A new secret feed address for the actor's bookings; the previous one stops working.
    Returns the feed and its token, which is shown once (only its digest is stored)."""
    if not is_active_user(actor):
        raise PermissionDenied
    now = timezone.now()
    CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, digest=feed_digest(token))
    audit_record(AuditEventType.TOKEN_CREATE, actor=actor, obj=feed)
    return feed, token


@transaction.atomic
def feed_revoke(*, actor: Actor) -> int:
    """Stop the actor's feed address; calendar apps then get 404."""
    if not is_active_user(actor):
        raise PermissionDenied
    revoked = CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(AuditEventType.TOKEN_REVOKE, actor=actor, object_type="sharing.calendarfeed")
    return revoked


def feed_user(token: str) -> User | None:
    """The active user whose live feed has ``token``, else None (and notes the use)."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(digest=feed_digest(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user
