"""Sharing's part of 我的工作台: bookings waiting for the owner's approval, orders waiting
for a usage record or for the customer's confirmation, and for the bureau the voucher
applications and reimbursement claims to decide."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.core.actors import is_active_user
from techbridge.core.workbench import WorkItem, oldest_and_count
from techbridge.sharing.models import BookingStatus, OrderStatus
from techbridge.sharing.selectors.bookings import provider_bookings
from techbridge.sharing.selectors.orders import orders_visible_to
from techbridge.sharing.selectors.vouchers import application_queue, claim_queue


def items(user: Any) -> list[WorkItem]:
    found: list[WorkItem] = []
    if not is_active_user(user):
        return found
    org = getattr(user, "organisation_id", None)
    bookings = reverse("sharing:bookings")
    orders = reverse("sharing:orders")
    if org is not None and getattr(user, "is_member", False):
        n, first = oldest_and_count(
            provider_bookings(user, status=BookingStatus.REQUESTED), "created_at"
        )
        found.append(
            WorkItem(
                _("bookings waiting for your approval"),
                n,
                f"{bookings}?view=provider&status={BookingStatus.REQUESTED}",
                first,
            )
        )
        visible = orders_visible_to(user)
        n, first = oldest_and_count(
            visible.filter(status=OrderStatus.PRICED, customer_id=org), "priced_at"
        )
        found.append(
            WorkItem(
                _("service fees to confirm"),
                n,
                f"{orders}?status={OrderStatus.PRICED}",
                first,
                hint=_("Check the usage record and the fee, then confirm."),
            )
        )
        n, first = oldest_and_count(
            visible.filter(status=OrderStatus.DRAFT).exclude(customer_id=org), "created_at"
        )
        found.append(
            WorkItem(
                _("orders waiting for a usage record"),
                n,
                f"{orders}?status={OrderStatus.DRAFT}",
                first,
            )
        )
    n, first = oldest_and_count(application_queue(user), "created_at")
    found.append(
        WorkItem(
            _("voucher applications to decide"), n, reverse("sharing:voucher_applications"), first
        )
    )
    n, first = oldest_and_count(claim_queue(user), "created_at")
    found.append(
        WorkItem(
            _("reimbursement claims to decide or pay"), n, reverse("sharing:voucher_claims"), first
        )
    )
    return found
