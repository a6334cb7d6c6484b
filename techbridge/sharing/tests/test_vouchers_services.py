"""Voucher services: programmes, applications and issuance, redemption against orders,
claims — the rules and the counters (budget ≥ issued ≥ used ≥ claimed ≥ paid, exact)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.core.exceptions import TransitionError
from techbridge.core.testing import make_organisation, make_user
from techbridge.notifications.models import Notification
from techbridge.organisations.models import OrganisationKind
from techbridge.sharing.models import (
    ApplicationStatus,
    ClaimStatus,
    EnterpriseAllowance,
    OrderEvent,
    OrderStatus,
    ProgrammeStatus,
    Redemption,
    ResourceKind,
    ServiceOrder,
    Voucher,
    VoucherEvent,
    VoucherProgramme,
    VoucherStatus,
)
from techbridge.sharing.selectors import vouchers as selectors
from techbridge.sharing.services import vouchers as services
from techbridge.sharing.tests.conftest_vouchers import (  # noqa: F401  (fixtures)
    VoucherWorld,
    programme_data,
    vw_fixture,
)

pytestmark = pytest.mark.django_db

D = Decimal


def _counters(programme: VoucherProgramme) -> tuple[Decimal, ...]:
    programme.refresh_from_db()
    return (
        programme.issued_total,
        programme.used_total,
        programme.claimed_total,
        programme.paid_total,
    )


# --- programmes ------------------------------------------------------------------------------


def test_only_bureau_staff_create_programmes_for_their_bureau(vw: VoucherWorld) -> None:
    p = vw.personas
    assert vw.programme.bureau == p.bureau
    assert vw.programme.created_by == p.staff
    for user in (p.owner, p.researcher, p.system_admin):
        with pytest.raises(PermissionDenied):
            services.programme_create(actor=user, **programme_data())
    assert VoucherEvent.objects.filter(programme=vw.programme, kind="created").count() == 1
    assert VoucherEvent.objects.filter(programme=vw.programme, kind="opened").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget", "-1"),
        ("budget", "1e10"),
        ("budget", "12,345.678"),
        ("cap_per_enterprise_year", "200000.00"),  # above the budget
        ("max_share_bp", 0),
        ("max_share_bp", 10_001),
        ("eligible_kinds", ["instrument", "spaceship"]),
        ("eligible_regions", ["5x"]),
        ("eligible_regions", ["123"]),
        ("valid_until", dt.date(2000, 1, 1)),
        ("name", "   "),
    ],
)
def test_bad_programme_values_are_refused_naming_the_field(
    vw: VoucherWorld, field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.programme_create(actor=vw.personas.staff, **programme_data(**{field: value}))
    assert field in exc.value.message_dict


def test_region_codes_become_prefixes(vw: VoucherWorld) -> None:
    programme = services.programme_create(
        actor=vw.personas.staff,
        **programme_data(eligible_regions=["520000", "110108", "52"]),
    )
    assert programme.eligible_regions == ["52", "110108"]


def test_budget_and_cap_cannot_go_below_what_is_issued(vw: VoucherWorld) -> None:
    vw.issue("30000.00")
    staff = vw.personas.staff
    with pytest.raises(ValidationError) as exc:
        services.programme_update(
            actor=staff,
            programme=vw.programme,
            budget="29999.99",
            cap_per_enterprise_year="29999.99",
        )
    assert "budget" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.programme_update(
            actor=staff, programme=vw.programme, cap_per_enterprise_year="20000.00"
        )
    assert "cap_per_enterprise_year" in exc.value.message_dict
    services.programme_update(
        actor=staff, programme=vw.programme, cap_per_enterprise_year="40000.00"
    )
    allowance = EnterpriseAllowance.objects.get(programme=vw.programme)
    assert allowance.cap == D("40000.00") and allowance.issued == D("30000.00")


def test_issuing_keeps_the_programme_version(vw: VoucherWorld) -> None:
    """Counters moving is not an edit: a bureau member's open edit form stays valid."""
    version = vw.programme.version
    vw.issue("100.00")
    services.programme_update(
        actor=vw.personas.staff, programme=vw.programme, expected_version=version, name="新名称"
    )
    assert VoucherProgramme.objects.get(pk=vw.programme.pk).name == "新名称"


def test_another_bureau_cannot_run_the_programme(vw: VoucherWorld) -> None:
    other = make_organisation("另一科技局", OrganisationKind.GOVERNMENT, region_code="110000")
    stranger = make_user("other-bureau", Role.BUREAU_STAFF, other)
    with pytest.raises(PermissionDenied):
        services.programme_close(actor=stranger, programme=vw.programme)
    app = services.application_submit(
        actor=vw.personas.owner, programme=vw.programme, amount_requested="10.00"
    )
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=stranger, application=app)


def test_closed_programme_takes_no_applications_but_decides_submitted_ones(
    vw: VoucherWorld,
) -> None:
    p = vw.personas
    app = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="500.00"
    )
    services.programme_close(actor=p.staff, programme=vw.programme)
    with pytest.raises(TransitionError):
        services.application_submit(actor=p.owner, programme=vw.programme, amount_requested="1")
    voucher = services.application_approve(actor=p.staff, application=app)
    assert voucher.face_value == D("500.00")
    with pytest.raises(TransitionError):
        services.programme_close(actor=p.staff, programme=vw.programme)


# --- applications and issuance --------------------------------------------------------------


def test_approval_of_a_lower_amount_issues_a_numbered_voucher(vw: VoucherWorld) -> None:
    p = vw.personas
    app = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="8000.00", purpose="材料表征"
    )
    voucher = services.application_approve(
        actor=p.staff, application=app, amount="5000.00", note="按预算核减"
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED and app.amount_approved == D("5000.00")
    year = timezone.localdate().year
    assert voucher.code == f"CXQ{year}000001"
    assert voucher.face_value == D("5000.00") and voucher.balance == D("5000.00")
    assert voucher.enterprise == p.org and voucher.valid_until == vw.programme.valid_until
    assert _counters(vw.programme) == (D("5000.00"), 0, 0, 0)
    allowance = EnterpriseAllowance.objects.get(programme=vw.programme, enterprise=p.org, year=year)
    assert allowance.issued == D("5000.00") and allowance.cap == D("50000.00")
    second = vw.issue("1.00")
    assert second.code == f"CXQ{year}000002"
    notice = Notification.objects.get(recipient=p.owner, title__contains=voucher.code)
    assert notice.link.endswith(f"/{voucher.pk}/")
    event = VoucherEvent.objects.get(voucher=voucher, kind="approved")
    assert event.application == app and event.data["approved"] == "5000.00"
    assert AuditEvent.objects.filter(object_type="sharing.voucher", object_id=str(voucher.pk))


def test_approval_above_request_or_twice_is_refused(vw: VoucherWorld) -> None:
    p = vw.personas
    app = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="100.00"
    )
    with pytest.raises(ValidationError):
        services.application_approve(actor=p.staff, application=app, amount="100.01")
    services.application_approve(actor=p.staff, application=app)
    with pytest.raises(TransitionError):
        services.application_approve(actor=p.staff, application=app)
    with pytest.raises(TransitionError):
        services.application_reject(actor=p.staff, application=app, reason="重复")


def test_rejection_needs_a_reason_and_tells_the_applicant(vw: VoucherWorld) -> None:
    p = vw.personas
    app = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="100.00"
    )
    with pytest.raises(ValidationError):
        services.application_reject(actor=p.staff, application=app, reason="  ")
    services.application_reject(actor=p.staff, application=app, reason="材料不全")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED and app.decision_note == "材料不全"
    assert not Voucher.objects.exists()
    assert Notification.objects.filter(recipient=p.owner, body="材料不全").exists()


def test_the_budget_is_never_overspent(vw: VoucherWorld) -> None:
    p = vw.personas
    small = services.programme_create(
        actor=p.staff,
        **programme_data(budget="1000.00", cap_per_enterprise_year="1000.00"),
    )
    services.programme_open(actor=p.staff, programme=small)
    other = make_user("beta-member", Role.ENTERPRISE_MEMBER, p.other_org)
    first = services.application_submit(actor=p.owner, programme=small, amount_requested="700")
    second = services.application_submit(actor=other, programme=small, amount_requested="700")
    services.application_approve(actor=p.staff, application=first)
    with pytest.raises(ValidationError) as exc:
        services.application_approve(actor=p.staff, application=second)
    assert "300.00" in str(exc.value)
    services.application_approve(actor=p.staff, application=second, amount="300.00")
    assert _counters(small)[0] == D("1000.00")


def test_the_enterprise_cap_counts_every_voucher_of_the_year(vw: VoucherWorld) -> None:
    p = vw.personas
    vw.issue("30000.00")
    vw.issue("15000.00", applicant=p.colleague)  # same enterprise, another member
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            actor=p.owner, programme=vw.programme, amount_requested="5000.01"
        )
    assert "amount_requested" in exc.value.message_dict
    pending = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="5000.00"
    )
    also = services.application_submit(
        actor=p.colleague, programme=vw.programme, amount_requested="5000.00"
    )
    services.application_approve(actor=p.staff, application=pending)
    with pytest.raises(ValidationError):
        services.application_approve(actor=p.staff, application=also)
    allowance = EnterpriseAllowance.objects.get(programme=vw.programme, enterprise=p.org)
    assert allowance.issued == allowance.cap == D("50000.00")


def test_the_database_refuses_an_overspent_programme_or_voucher(vw: VoucherWorld) -> None:
    """The last line of defence, whatever a service gets wrong."""
    voucher = vw.issue("100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherProgramme.objects.filter(pk=vw.programme.pk).update(issued_total=10_000_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(used=10_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseAllowance.objects.update(issued=5_000_001)


def test_only_eligible_enterprise_members_apply(vw: VoucherWorld) -> None:
    p = vw.personas
    beijing = make_organisation("北京企业", region_code="110108")
    member = make_user("bj-member", Role.ENTERPRISE_MEMBER, beijing)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=member, programme=vw.programme, amount_requested="1")
    assert "programme" in exc.value.message_dict
    for user in (p.researcher, p.staff, vw.agency_member):
        with pytest.raises(PermissionDenied):
            services.application_submit(actor=user, programme=vw.programme, amount_requested="1")
    draft = services.programme_create(actor=p.staff, **programme_data())
    with pytest.raises(TransitionError):
        services.application_submit(actor=p.owner, programme=draft, amount_requested="1")


# --- redemption ----------------------------------------------------------------------------


def test_a_voucher_pays_at_most_its_share_of_the_order(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("5000.00")
    order = vw.order("1000.01")
    redemption = services.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    # 50 % of 1000.01 is 500.005: the largest whole fen not above it is 500.00.
    assert redemption.amount == D("500.00")
    assert (order.voucher_amount, order.enterprise_amount) == (D("500.00"), D("500.01"))
    stored = ServiceOrder.objects.get(pk=order.pk)
    assert stored.voucher_amount + stored.enterprise_amount == stored.amount
    assert stored.version == order.version
    voucher.refresh_from_db()
    assert voucher.used == D("500.00") and voucher.balance == D("4500.00")
    assert _counters(vw.programme) == (D("5000.00"), D("500.00"), 0, 0)
    assert OrderEvent.objects.filter(order=order, kind="voucher_applied").count() == 1
    assert VoucherEvent.objects.filter(voucher=voucher, kind="redeemed").count() == 1


def test_three_fen_at_half_is_one_fen(vw: VoucherWorld) -> None:
    voucher = vw.issue("10.00")
    order = vw.order("0.03")
    assert services.apply_voucher(actor=None, order=order, voucher=voucher).amount == D("0.01")


def test_an_amount_above_share_or_balance_is_refused(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("300.00")
    order = vw.order("1000.00")
    for amount in ("500.01", "300.01", "0", "-5", "abc"):
        with pytest.raises(ValidationError) as exc:
            services.apply_voucher(actor=p.owner, order=order, voucher=voucher, amount=amount)
        assert "amount" in exc.value.message_dict
    redemption = services.apply_voucher(
        actor=p.owner, order=order, voucher=voucher, amount="120.50"
    )
    assert redemption.amount == D("120.50")
    assert ServiceOrder.objects.get(pk=order.pk).enterprise_amount == D("879.50")


def test_the_balance_runs_out_and_the_voucher_is_used_up(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("700.00")
    first = services.apply_voucher(actor=p.owner, order=vw.order("1000.00"), voucher=voucher)
    second = services.apply_voucher(actor=p.owner, order=vw.order("1000.00"), voucher=voucher)
    assert (first.amount, second.amount) == (D("500.00"), D("200.00"))
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.EXHAUSTED and voucher.balance == 0
    with pytest.raises(TransitionError):
        services.apply_voucher(actor=p.owner, order=vw.order("10.00"), voucher=voucher)


def test_redemption_rules(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("1000.00")
    # another enterprise's order
    beta_user = make_user("beta", Role.ENTERPRISE_MEMBER, p.other_org)
    foreign = vw.order(customer=p.other_org, customer_user=beta_user)
    with pytest.raises(ValidationError):
        services.apply_voucher(actor=None, order=foreign, voucher=voucher)
    # someone else spending it
    with pytest.raises(PermissionDenied):
        services.apply_voucher(actor=beta_user, order=vw.order(), voucher=voucher)
    with pytest.raises(PermissionDenied):
        services.apply_voucher(actor=vw.agency_member, order=vw.order(), voucher=voucher)
    # order states
    for status in (OrderStatus.DRAFT, OrderStatus.SETTLED, OrderStatus.CANCELLED):
        order = vw.order(status=OrderStatus.PRICED)
        ServiceOrder.objects.filter(pk=order.pk).update(status=status, confirmed_at=timezone.now())
        with pytest.raises(TransitionError):
            services.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    # a service date outside the voucher's validity
    late = vw.order(service_date=vw.programme.valid_until + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.apply_voucher(actor=p.owner, order=late, voucher=voucher)
    # one live redemption per order
    order = vw.order()
    services.apply_voucher(actor=p.owner, order=order, voucher=voucher, amount="1.00")
    with pytest.raises(TransitionError):
        services.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    assert Voucher.objects.get(pk=voucher.pk).used == D("1.00")


def test_resource_kind_must_be_eligible(vw: VoucherWorld) -> None:
    p = vw.personas
    services.programme_update(
        actor=p.staff, programme=vw.programme, eligible_kinds=[ResourceKind.DATA]
    )
    voucher = vw.issue("100.00")
    with pytest.raises(ValidationError):
        services.apply_voucher(actor=p.owner, order=vw.order(), voucher=voucher)
    assert selectors.usable_vouchers(vw.order()) == []


def test_usable_vouchers_and_the_most_they_pay(vw: VoucherWorld) -> None:
    voucher = vw.issue("300.00")
    order = vw.order("1000.00")
    assert selectors.usable_vouchers(order) == [voucher]
    assert selectors.voucher_max_amount(order, voucher) == D("300.00")
    assert selectors.voucher_max_amount(vw.order("100.00"), voucher) == D("50.00")


def test_release_gives_everything_back(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("500.00")
    order = vw.order("1000.00")
    services.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.EXHAUSTED
    with pytest.raises(ValidationError):
        services.release_voucher(actor=p.owner, order=order, reason="")
    with pytest.raises(PermissionDenied):
        services.release_voucher(actor=p.outsider, order=order, reason="不是我的")
    released = services.release_voucher(actor=vw.world.tech_a, order=order, reason="订单改价")
    assert released is not None and released.released_at is not None
    assert (order.voucher_amount, order.enterprise_amount) == (0, D("1000.00"))
    voucher.refresh_from_db()
    assert voucher.used == 0 and voucher.status == VoucherStatus.ACTIVE
    assert _counters(vw.programme)[1] == 0
    event = OrderEvent.objects.get(order=order, kind="voucher_released")
    assert event.note == "订单改价"
    assert services.release_voucher(actor=p.owner, order=order, reason="again") is None
    again = services.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    assert again.amount == D("500.00")
    assert Redemption.objects.filter(order=order).count() == 2


# --- claims --------------------------------------------------------------------------------


def _redeemed(vw: VoucherWorld, *amounts: str) -> list[Redemption]:
    voucher = vw.issue("10000.00")
    out = []
    for amount in amounts:
        order = vw.order(amount)
        out.append(services.apply_voucher(actor=vw.personas.owner, order=order, voucher=voucher))
        vw.confirm(order)
    return out


def test_claim_lifecycle_moves_the_counters_exactly(vw: VoucherWorld) -> None:
    p = vw.personas
    reds = _redeemed(vw, "1000.00", "333.33")
    assert list(selectors.claimable_redemptions(vw.agency_member)) == reds
    claim = services.claim_submit(
        actor=vw.agency_member, redemptions=reds, invoice_number="No.04488123"
    )
    assert claim.amount == D("666.66") and claim.provider == vw.agency
    assert claim.number.startswith(f"DF{timezone.localdate().year}")
    assert _counters(vw.programme) == (D("10000.00"), D("666.66"), D("666.66"), 0)
    assert not selectors.claimable_redemptions(vw.agency_member).exists()
    with pytest.raises(TransitionError):  # a claimed redemption cannot be released
        services.release_voucher(actor=p.owner, order=reds[0].order, reason="取消")
    services.claim_approve(actor=p.staff, claim=claim)
    services.claim_pay(actor=p.staff, claim=claim, reference="国库支付 2026-118")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.paid_at is not None
    assert _counters(vw.programme) == (D("10000.00"), D("666.66"), D("666.66"), D("666.66"))
    assert Notification.objects.filter(recipient=vw.agency_member, title_msgid__contains="paid")
    kinds = list(VoucherEvent.objects.filter(claim=claim).values_list("kind", flat=True))
    assert kinds == ["claimed", "claim_approved", "claim_paid"]


def test_rejected_claim_frees_its_payments_and_its_invoice(vw: VoucherWorld) -> None:
    p = vw.personas
    reds = _redeemed(vw, "1000.00")
    claim = services.claim_submit(actor=vw.agency_member, redemptions=reds, invoice_number="A1")
    with pytest.raises(ValidationError):
        services.claim_reject(actor=p.staff, claim=claim, reason="")
    services.claim_reject(actor=p.staff, claim=claim, reason="发票抬头有误")
    assert _counters(vw.programme)[2] == 0
    claim.refresh_from_db()
    assert claim.lines.count() == 1 and not claim.lines.get().live
    again = services.claim_submit(actor=vw.agency_member, redemptions=reds, invoice_number="A1")
    assert again.amount == D("500.00")
    with pytest.raises(TransitionError):
        services.claim_pay(actor=p.staff, claim=claim)


def test_claim_rules(vw: VoucherWorld) -> None:
    p = vw.personas
    reds = _redeemed(vw, "1000.00", "200.00")
    unconfirmed = services.apply_voucher(
        actor=p.owner, order=vw.order("100.00"), voucher=reds[0].voucher
    )
    with pytest.raises(ValidationError) as exc:
        services.claim_submit(
            actor=vw.agency_member, redemptions=[unconfirmed], invoice_number="B1"
        )
    assert unconfirmed.order.number in str(exc.value)
    # the owner institution is not the provider: the agreement's agency is
    with pytest.raises(PermissionDenied):
        services.claim_submit(actor=p.researcher, redemptions=reds, invoice_number="B1")
    with pytest.raises(PermissionDenied):
        services.claim_submit(actor=p.owner, redemptions=reds, invoice_number="B1")
    with pytest.raises(ValidationError):
        services.claim_submit(actor=vw.agency_member, redemptions=[], invoice_number="B1")
    with pytest.raises(ValidationError):
        services.claim_submit(actor=vw.agency_member, redemptions=reds, invoice_number=" ")
    services.claim_submit(actor=vw.agency_member, redemptions=reds[:1], invoice_number="B1")
    with pytest.raises(ValidationError) as exc:  # the same invoice twice
        services.claim_submit(actor=vw.agency_member, redemptions=reds[1:], invoice_number="B1")
    assert "invoice_number" in exc.value.message_dict
    with pytest.raises(ValidationError):  # the same payment twice
        services.claim_submit(actor=vw.agency_member, redemptions=reds, invoice_number="B2")


def test_nobody_decides_their_own_organisations_claim(vw: VoucherWorld) -> None:
    p = vw.personas
    reds = _redeemed(vw, "1000.00")
    claim = services.claim_submit(actor=vw.agency_member, redemptions=reds, invoice_number="C1")
    # a bureau member whose account belongs to the providing agency
    insider = make_user("bureau-insider", Role.BUREAU_STAFF, vw.agency)
    with pytest.raises(PermissionDenied):  # not the issuing bureau either
        services.claim_approve(actor=insider, claim=claim)
    # the programme of a bureau that is itself the provider
    own = VoucherProgramme.objects.get(pk=vw.programme.pk)
    VoucherProgramme.objects.filter(pk=own.pk).update(bureau=vw.agency)
    with pytest.raises(TransitionError):
        services.claim_approve(actor=insider, claim=claim)
    with pytest.raises(TransitionError):
        services.claim_reject(actor=insider, claim=claim, reason="自批")
    for user in (p.owner, vw.agency_member, p.researcher):
        with pytest.raises(PermissionDenied):
            services.claim_approve(actor=user, claim=claim)
    assert not selectors.claim_queue(insider).exists()


def test_expired_vouchers_are_marked(vw: VoucherWorld) -> None:
    voucher = vw.issue("10.00")
    later = vw.programme.valid_until + dt.timedelta(days=1)
    assert services.vouchers_expire(today=later) == 1
    assert services.vouchers_expire(today=later) == 0
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.EXPIRED
    assert VoucherEvent.objects.filter(voucher=voucher, kind="expired").count() == 1


def test_programme_status_moves(vw: VoucherWorld) -> None:
    p = vw.personas
    services.programme_close(actor=p.staff, programme=vw.programme)
    assert vw.programme.status == ProgrammeStatus.CLOSED
    services.programme_open(actor=p.staff, programme=vw.programme)
    assert vw.programme.status == ProgrammeStatus.OPEN
