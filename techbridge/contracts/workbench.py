"""Contracts' part of 我的工作台: the member's drafts and returned contracts, and for the
registrar the contracts waiting for certification and registration (认定登记)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.contracts.models import ContractStatus
from techbridge.contracts.selectors import contracts_visible_to, is_registrar, registrar_queue
from techbridge.core.actors import is_active_user
from techbridge.core.workbench import WorkItem, oldest_and_count


def items(user: Any) -> list[WorkItem]:
    found: list[WorkItem] = []
    if not is_active_user(user):
        return found
    if getattr(user, "is_member", False):
        mine = contracts_visible_to(user).filter(Q(created_by=user) | Q(submitted_by=user))
        url = reverse("contracts:list")
        n, _first = oldest_and_count(mine.filter(status=ContractStatus.DRAFT), "updated_at")
        found.append(
            WorkItem(
                _("contract drafts to submit for registration"),
                n,
                f"{url}?status={ContractStatus.DRAFT}",
            )
        )
        n, first = oldest_and_count(mine.filter(status=ContractStatus.RETURNED), "updated_at")
        found.append(
            WorkItem(
                _("contracts returned by the registrar"),
                n,
                f"{url}?status={ContractStatus.RETURNED}",
                first,
            )
        )
    if is_registrar(user):
        n, first = oldest_and_count(registrar_queue(user=user), "updated_at")
        found.append(
            WorkItem(_("contracts to certify and register"), n, reverse("contracts:queue"), first)
        )
    return found
