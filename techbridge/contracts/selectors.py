"""Reading contracts with object-level access applied, and who may do what.

A contract is seen by members of its seller and buyer organisations, by the person who
created or submitted it (a broker acting for the seller), and by bureau staff with the
registrar or statistician duty. Everyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from techbridge.accounts.roles import Duty, Role
from techbridge.contracts.models import ContractStatus, TechnologyContract
from techbridge.core.actors import is_active_user

EDITABLE_STATUSES = frozenset({ContractStatus.DRAFT, ContractStatus.RETURNED})


def is_registrar(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF and user.has_duty(Duty.REGISTRAR)


def sees_all_contracts(user: Any) -> bool:
    return (
        is_active_user(user)
        and user.role == Role.BUREAU_STAFF
        and (user.has_duty(Duty.REGISTRAR) or user.has_duty(Duty.STATISTICIAN))
    )


def contracts_visible_to(user: Any) -> QuerySet[TechnologyContract]:
    qs = TechnologyContract.objects.all()
    if not is_active_user(user):
        return qs.none()
    if sees_all_contracts(user):
        return qs
    condition = Q(created_by=user) | Q(submitted_by=user)
    if user.organisation_id:
        condition |= Q(seller_organisation_id=user.organisation_id) | Q(
            buyer_organisation_id=user.organisation_id
        )
    return qs.filter(condition)


def registered_contracts() -> QuerySet[TechnologyContract]:
    """Every registered (认定登记) contract, whoever asks: the population of market
    statistics and of brokers' and events' results. Show only aggregates of it to people
    who may not see the contracts themselves (``contracts_visible_to``)."""
    return TechnologyContract.objects.filter(status=ContractStatus.REGISTERED)


#: The list's orders, by the ``sort`` parameter (a whitelist: nothing else reaches order_by).
SORTS: dict[str, tuple[str, ...]] = {
    "new": ("-signed_on", "-id"),
    "old": ("signed_on", "id"),
    "amount": ("-contract_amount", "-signed_on", "-id"),
    "technology_amount": ("-technology_amount", "-signed_on", "-id"),
    "name": ("name", "id"),
}


def contract_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    contract_type: str = "",
    field: str = "",
    sort: str = "new",
) -> QuerySet[TechnologyContract]:
    qs = contracts_visible_to(user)
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(registration_number=q)
            | Q(seller_name__icontains=q)
            | Q(buyer_name__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if contract_type:
        qs = qs.filter(contract_type=contract_type)
    if field:
        qs = qs.filter(technical_field=field)
    return qs.order_by(*SORTS.get(sort, SORTS["new"]))


def registrar_queue(*, user: Any) -> QuerySet[TechnologyContract]:
    """Submitted contracts waiting for certification, oldest first."""
    if not is_registrar(user):
        return TechnologyContract.objects.none()
    return TechnologyContract.objects.filter(status=ContractStatus.SUBMITTED).order_by(
        "updated_at", "id"
    )


def likely_duplicates(contract: TechnologyContract) -> QuerySet[TechnologyContract]:
    """Other live contracts with the same parties, name and signing date."""
    return (
        TechnologyContract.objects.filter(
            name=contract.name,
            signed_on=contract.signed_on,
            seller_name=contract.seller_name,
            buyer_name=contract.buyer_name,
        )
        .exclude(pk=contract.pk)
        .exclude(status=ContractStatus.CANCELLED)
    )


def contracts_flags(
    contracts: Iterable[TechnologyContract],
) -> list[tuple[TechnologyContract, list[str]]]:
    """``contract_flags`` for a page of contracts, the duplicates of all of them found in
    one query (not one per contract)."""
    contracts = list(contracts)
    found: dict[tuple[Any, ...], list[int]] = {}
    if contracts:
        candidates = (
            TechnologyContract.objects.filter(name__in={c.name for c in contracts})
            .exclude(status=ContractStatus.CANCELLED)
            .values_list("pk", "name", "signed_on", "seller_name", "buyer_name")
        )
        for pk, *key in candidates:
            found.setdefault(tuple(key), []).append(pk)
    out = []
    for c in contracts:
        same = found.get((c.name, c.signed_on, c.seller_name, c.buyer_name), [])
        out.append((c, contract_flags(c, duplicates=[pk for pk in same if pk != c.pk][:5])))
    return out


def contract_flags(
    contract: TechnologyContract, *, duplicates: list[int] | None = None
) -> list[str]:
    """Things a registrar should look at: likely duplicates and revoked region codes.
    ``duplicates``: already looked up (see ``contracts_flags``)."""
    from django.utils.translation import gettext as _

    from techbridge.contracts.validation import region_warnings

    flags = []
    if duplicates is None:
        duplicates = list(likely_duplicates(contract).values_list("pk", flat=True)[:5])
    if duplicates:
        flags.append(
            _("Likely duplicate of contract(s) %(ids)s: same parties, name and signing date.")
            % {"ids": ", ".join(f"#{pk}" for pk in duplicates)}
        )
    flags.extend(
        region_warnings(
            {
                "signed_on": contract.signed_on,
                "seller_region": contract.seller_region,
                "buyer_region": contract.buyer_region,
            }
        )
    )
    return flags


def is_seller_side(user: Any, contract: TechnologyContract) -> bool:
    return bool(
        is_active_user(user)
        and contract.seller_organisation_id is not None
        and user.organisation_id == contract.seller_organisation_id
    )


def is_party(user: Any, contract: TechnologyContract) -> bool:
    org = getattr(user, "organisation_id", None)
    return bool(org and org in (contract.seller_organisation_id, contract.buyer_organisation_id))


def can_edit(user: Any, contract: TechnologyContract) -> bool:
    """Drafts and returned contracts: their creator or a member of the seller."""
    if not is_active_user(user) or contract.status not in EDITABLE_STATUSES:
        return False
    return contract.created_by_id == user.pk or is_seller_side(user, contract)


def can_submit(user: Any, contract: TechnologyContract) -> bool:
    """The seller side submits: a member of the seller organisation, or the broker who
    wrote the contract for it."""
    if not is_active_user(user) or contract.status not in EDITABLE_STATUSES:
        return False
    if is_seller_side(user, contract):
        return True
    return user.role == Role.BROKER and contract.created_by_id == user.pk


def can_certify(user: Any, contract: TechnologyContract) -> bool:
    """A registrar, never for a contract of their own organisation."""
    return is_registrar(user) and not is_party(user, contract)


def can_create(user: Any) -> bool:
    return is_active_user(user) and (user.is_member or is_registrar(user))
