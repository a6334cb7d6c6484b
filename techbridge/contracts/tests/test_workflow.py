"""Writing, submitting, certifying, returning, amending and cancelling contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from techbridge.audit.models import AuditEvent
from techbridge.contracts import selectors, services
from techbridge.contracts.models import ContractEventKind, ContractStatus, TechnologyContract
from techbridge.contracts.numbering import parse_number
from techbridge.contracts.tests.conftest import contract_data
from techbridge.core.exceptions import ConflictError, TransitionError

pytestmark = pytest.mark.django_db


def test_seller_submits_and_registrar_certifies_and_registers(personas, make_contract):
    contract = make_contract(submit=True)
    assert contract.status == ContractStatus.SUBMITTED
    assert contract.seller_name == personas.org.name and contract.seller_region == "520100"
    registered = services.contract_certify_and_register(
        actor=personas.staff,
        contract=contract,
        technical_field="advanced_manufacturing",
        technology_amount="750000.50",
    )
    registered.refresh_from_db()
    assert registered.status == ContractStatus.REGISTERED
    year, office, sequence = parse_number(registered.registration_number)
    assert (year, office, sequence) == (timezone.localdate().year, "52010001", 1)
    assert registered.technical_field == "advanced_manufacturing"
    assert registered.technology_amount == Decimal("750000.50")
    kinds = list(registered.events.values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "registered"]
    event = registered.events.get(kind=ContractEventKind.REGISTERED)
    assert event.actor == personas.staff
    assert event.data["adjusted"]["technology_amount"] == ["800000.00", "750000.50"]
    audit = AuditEvent.objects.filter(object_id=str(registered.pk), event="transition")
    assert audit.count() == 2


def test_numbers_are_consecutive_per_year_and_office(personas, make_contract):
    numbers = [make_contract(register=True, name=f"合同{i}").registration_number for i in range(5)]
    sequences = [parse_number(n)[2] for n in numbers]
    assert sequences == [1, 2, 3, 4, 5]
    assert len(numbers[0]) == 19


def test_registrar_never_certifies_own_organisation(personas, make_contract):
    contract = make_contract(submit=True, buyer_organisation=personas.bureau, buyer_name="")
    assert not selectors.can_certify(personas.staff, contract)
    with pytest.raises(TransitionError, match="own organisation"):
        services.contract_certify_and_register(actor=personas.staff, contract=contract)
    with pytest.raises(TransitionError):
        services.contract_return(actor=personas.staff, contract=contract, reason="x")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUBMITTED and contract.registration_number is None


def test_only_registrars_register(personas, make_contract):
    contract = make_contract(submit=True)
    with pytest.raises(TransitionError):
        services.contract_certify_and_register(actor=personas.owner, contract=contract)


def test_return_with_reason_then_resubmit(personas, make_contract):
    contract = make_contract(submit=True)
    with pytest.raises(ValidationError):
        services.contract_return(actor=personas.staff, contract=contract, reason="  ")
    services.contract_return(actor=personas.staff, contract=contract, reason="缺少技术交易额说明")
    assert contract.status == ContractStatus.RETURNED
    services.contract_update(actor=personas.owner, contract=contract, technology_amount="700000")
    services.contract_submit(actor=personas.colleague, contract=contract)
    kinds = list(contract.events.values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "returned", "updated", "resubmitted"]
    assert contract.events.get(kind="returned").note == "缺少技术交易额说明"


def test_outsider_and_buyer_cannot_submit(personas, make_contract):
    contract = make_contract()
    with pytest.raises(TransitionError):
        services.contract_submit(actor=personas.outsider, contract=contract)


def test_broker_submits_contract_it_wrote(personas, codes):
    from techbridge.accounts.roles import Role
    from techbridge.core.testing import make_organisation, make_user

    agency = make_organisation("技术转移中心", "agency", region_code="110108")
    broker = make_user("broker1", Role.BROKER, agency)
    contract = services.contract_create(actor=broker, **contract_data(personas))
    services.contract_submit(actor=broker, contract=contract)
    assert contract.submitted_by == broker
    assert selectors.contracts_visible_to(broker).filter(pk=contract.pk).exists()


def test_amendment_is_an_event_and_needs_reason(personas, make_contract):
    contract = make_contract(register=True)
    with pytest.raises(ValidationError):
        services.contract_amend(actor=personas.staff, contract=contract, reason="", name="x")
    services.contract_amend(
        actor=personas.staff, contract=contract, reason="更正金额", contract_amount="1200000"
    )
    contract.refresh_from_db()
    assert contract.contract_amount == Decimal("1200000.00")
    event = contract.events.get(kind=ContractEventKind.AMENDED)
    assert event.note == "更正金额"
    assert event.data["fields"]["contract_amount"] == ["1000000.00", "1200000.00"]


def test_stale_amendment_is_a_conflict(personas, make_contract):
    contract = make_contract(register=True)
    stale = TechnologyContract.objects.get(pk=contract.pk)
    services.contract_amend(actor=personas.staff, contract=contract, reason="a", name="新名称")
    with pytest.raises(ConflictError):
        services.contract_amend(actor=personas.staff, contract=stale, reason="b", name="旧")


def test_cancel_registered_needs_registrar(personas, make_contract):
    contract = make_contract(register=True)
    with pytest.raises(TransitionError):
        services.contract_cancel(actor=personas.owner, contract=contract, reason="撤销")
    services.contract_cancel(actor=personas.staff, contract=contract, reason="撤销")
    assert contract.status == ContractStatus.CANCELLED
    assert contract.events.last().kind == ContractEventKind.CANCELLED


@pytest.mark.parametrize(
    "text, words",
    [
        ("-1", "greater than zero"),
        ("NaN", "not a valid decimal"),
        ("1e10", "not a valid decimal"),
        ("１２３ｘ", "number in yuan"),
        ("1,50,000", "group three digits"),
        ("12.345", "at most 2 decimal"),
        ("0", "greater than zero"),
    ],
)
def test_bad_amounts_are_refused_with_a_clear_message(personas, codes, text, words):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=personas.owner, **contract_data(personas, contract_amount=text)
        )
    assert words in " ".join(caught.value.message_dict["contract_amount"])
    assert not TechnologyContract.objects.exists()


def test_technology_amount_cannot_exceed_contract_amount(personas, codes):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=personas.owner,
            **contract_data(personas, contract_amount="100", technology_amount="100.01"),
        )
    assert "cannot exceed" in caught.value.message_dict["technology_amount"][0]


def test_database_refuses_technology_above_contract(personas, make_contract):
    contract = make_contract()
    with pytest.raises(IntegrityError), transaction.atomic():
        TechnologyContract.objects.filter(pk=contract.pk).update(
            technology_amount=Decimal("2000000")
        )


def test_transfer_and_licence_need_ip_type(personas, codes):
    for kind in ("transfer", "licence"):
        with pytest.raises(ValidationError) as caught:
            services.contract_create(
                actor=personas.owner, **contract_data(personas, contract_type=kind)
            )
        assert "ip_type" in caught.value.message_dict
    contract = services.contract_create(
        actor=personas.owner,
        **contract_data(personas, contract_type="transfer", ip_type="invention_patent"),
    )
    assert contract.ip_type == "invention_patent"


def test_dates_must_be_consistent(personas, codes):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=personas.owner,
            **contract_data(personas, term_start=dt.date(2024, 5, 1), term_end=dt.date(2024, 4, 1)),
        )
    assert "term_end" in caught.value.message_dict
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=personas.owner, **contract_data(personas, signed_on=tomorrow)
        )
    assert "future" in caught.value.message_dict["signed_on"][0]


def test_region_codes_valid_at_signing_date(personas, codes):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=personas.owner, **contract_data(personas, buyer_region="999999")
        )
    assert "Unknown region code" in caught.value.message_dict["buyer_region"][0]
    # 崇文区 (110103) was revoked in 2010: fine on an old contract, flagged on a new one.
    old = services.contract_create(
        actor=personas.owner,
        **contract_data(personas, buyer_region="110103", signed_on=dt.date(2005, 6, 1)),
    )
    assert selectors.contract_flags(old) == []
    new = services.contract_create(
        actor=personas.owner,
        **contract_data(personas, buyer_region="110103", signed_on=dt.date(2023, 6, 1)),
    )
    assert any("revoked" in f for f in selectors.contract_flags(new))


def test_country_codes_and_foreign_parties(personas, codes):
    contract = services.contract_create(
        actor=personas.owner,
        **contract_data(personas, buyer_country="DE", buyer_region="", buyer_type="900"),
    )
    assert contract.buyer_country == "276"
    with pytest.raises(ValidationError):
        services.contract_create(
            actor=personas.owner, **contract_data(personas, buyer_country="ZZ")
        )
    with pytest.raises(ValidationError) as caught:
        services.contract_create(actor=personas.owner, **contract_data(personas, buyer_region=""))
    assert "buyer_region" in caught.value.message_dict


def test_likely_duplicates_are_flagged_not_refused(personas, make_contract):
    first = make_contract(submit=True)
    second = make_contract(submit=True)
    flags = selectors.contract_flags(second)
    assert any(f"#{first.pk}" in f for f in flags)
    different = make_contract(name="另一个合同")
    assert selectors.contract_flags(different) == []


def test_a_member_cannot_register_a_contract_between_two_other_organisations(personas, codes):
    """Issue 9 item 5."""
    data = contract_data(personas, seller_organisation=personas.other_org)
    with pytest.raises(ValidationError) as info:
        services.contract_create(actor=personas.owner, **data)
    assert "seller_organisation" in info.value.message_dict
    assert not TechnologyContract.objects.exists()
    # As the buyer, linked, it may.
    as_buyer = contract_data(
        personas, seller_organisation=personas.other_org, buyer_organisation=personas.org
    )
    assert services.contract_create(actor=personas.owner, **as_buyer).pk
    # And a draft of its own cannot be turned into someone else's.
    own = services.contract_create(actor=personas.owner, **contract_data(personas))
    with pytest.raises(ValidationError):
        services.contract_update(
            actor=personas.owner,
            contract=own,
            expected_version=own.version,
            seller_organisation=personas.other_org,
        )
