"""Voucher pages for each persona: the bureau runs programmes, decides applications and
claims; the enterprise applies and sees its balances; the provider claims; everyone else
is refused (login, 403 or 404 — a hidden object's refusal is audited)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent, AuditEventType
from techbridge.core.testing import make_user
from techbridge.sharing.models import (
    ApplicationStatus,
    ClaimStatus,
    ProgrammeStatus,
    ReimbursementClaim,
    VoucherApplication,
    VoucherProgramme,
)
from techbridge.sharing.services import vouchers as services
from techbridge.sharing.tests.conftest_vouchers import (  # noqa: F401  (fixtures)
    VoucherWorld,
    vw_fixture,
)

pytestmark = pytest.mark.django_db

D = Decimal


def _url(name: str, **kwargs: int) -> str:
    return reverse(f"sharing:{name}", kwargs=kwargs or None)


def _claim(vw: VoucherWorld) -> ReimbursementClaim:
    voucher = vw.issue("2000.00")
    order = vw.order("1000.00")
    redemption = services.apply_voucher(actor=vw.personas.owner, order=order, voucher=voucher)
    vw.confirm(order)
    return services.claim_submit(
        actor=vw.agency_member, redemptions=[redemption], invoice_number="044001"
    )


def test_anonymous_visitors_are_sent_to_login(vw: VoucherWorld) -> None:
    claim = _claim(vw)
    app = VoucherApplication.objects.first()
    assert app is not None
    urls = [
        _url("vouchers"),
        _url("voucher_programmes"),
        _url("voucher_programme_new"),
        _url("voucher_programme", pk=vw.programme.pk),
        _url("voucher_apply", pk=vw.programme.pk),
        _url("voucher_applications"),
        _url("voucher_application", pk=app.pk),
        _url("voucher_claims"),
        _url("voucher_claim_queue"),
        _url("voucher_claim_new"),
        _url("voucher_claim", pk=claim.pk),
    ]
    for url in urls:
        response = vw.personas.anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_bureau_creates_and_opens_a_programme_through_the_form(vw: VoucherWorld) -> None:
    client = vw.personas.client_for(vw.personas.staff)
    today = timezone.localdate()
    data = {
        "name": "遵义创新券",
        "budget": "50000.00",
        "cap_per_enterprise_year": "10000",
        "max_share_percent": "40",
        "eligible_kinds": ["instrument"],
        "eligible_regions": "520300，520100",
        "valid_from": today.isoformat(),
        "valid_until": today.replace(year=today.year + 1).isoformat(),
    }
    bad = client.post(_url("voucher_programme_new"), {**data, "budget": "1e10"})
    assert bad.status_code == 400
    response = client.post(_url("voucher_programme_new"), data)
    assert response.status_code == 302
    programme = VoucherProgramme.objects.get(name="遵义创新券")
    assert programme.max_share_bp == 4000 and programme.eligible_regions == ["5203", "5201"]
    assert programme.status == ProgrammeStatus.DRAFT
    client.post(_url("voucher_programme_open", pk=programme.pk))
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.OPEN
    edit = client.get(_url("voucher_programme_edit", pk=programme.pk))
    assert edit.status_code == 200 and "520300, 520100" in edit.content.decode()


def test_programme_page_shows_exact_figures_and_a_chart(vw: VoucherWorld) -> None:
    _claim(vw)
    page = vw.personas.client_for(vw.personas.staff).get(
        _url("voucher_programme", pk=vw.programme.pk)
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="vbar-fill vbar-issued" style="width:2.00%"' in html
    assert "<script" not in html.split("<main>")[1]
    for key, amount in (("budget", "100,000.00"), ("issued", "2,000.00"), ("used", "500.00")):
        assert f'data-figure="{key}">{amount}<' in html
    assert 'data-figure="claimed">500.00<' in html and 'data-figure="paid">0.00<' in html
    # the enterprise reads the rules, not the figures
    rules = vw.personas.client_for(vw.personas.owner).get(
        _url("voucher_programme", pk=vw.programme.pk)
    )
    assert rules.status_code == 200 and "data-figure" not in rules.content.decode()


def test_enterprise_applies_and_sees_its_balance(vw: VoucherWorld) -> None:
    p = vw.personas
    client = p.client_for(p.owner)
    form = client.get(_url("voucher_apply", pk=vw.programme.pk))
    assert form.status_code == 200
    refused = client.post(_url("voucher_apply", pk=vw.programme.pk), {"amount_requested": "-1"})
    assert refused.status_code == 400
    too_much = client.post(_url("voucher_apply", pk=vw.programme.pk), {"amount_requested": "60000"})
    assert too_much.status_code == 400
    done = client.post(
        _url("voucher_apply", pk=vw.programme.pk),
        {"amount_requested": "3000.00", "purpose": "SEM 表征"},
    )
    assert done.status_code == 302
    application = VoucherApplication.objects.get(enterprise=p.org)
    voucher = services.application_approve(actor=p.staff, application=application)
    services.apply_voucher(actor=p.owner, order=vw.order("1000.00"), voucher=voucher)
    mine = client.get(_url("vouchers")).content.decode()
    assert voucher.code in mine and "2,500.00" in mine
    detail = client.get(_url("voucher", pk=voucher.pk))
    assert detail.status_code == 200 and "500.00" in detail.content.decode()


def test_other_enterprises_get_404_and_the_attempt_is_audited(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("100.00")
    client = p.client_for(p.outsider)
    before = AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED).count()
    assert client.get(_url("voucher", pk=voucher.pk)).status_code == 404
    assert client.get(_url("voucher_application", pk=voucher.application_id)).status_code == 404
    after = AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED).count()
    assert after == before + 2
    assert client.get(_url("voucher_applications")).status_code == 403
    assert client.get(_url("voucher_programme_new")).status_code == 403
    draft = services.programme_create(actor=p.staff, **_draft_data(vw))
    assert client.get(_url("voucher_programme", pk=draft.pk)).status_code == 404
    assert client.post(_url("voucher_programme_open", pk=draft.pk)).status_code == 404
    assert client.get(_url("voucher_claims")).status_code == 403


def _draft_data(vw: VoucherWorld) -> dict[str, object]:
    from techbridge.sharing.tests.conftest_vouchers import programme_data

    return programme_data(name="草案")


def test_bureau_decides_applications_from_the_queue(vw: VoucherWorld) -> None:
    p = vw.personas
    first = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="800.00"
    )
    second = services.application_submit(
        actor=p.colleague, programme=vw.programme, amount_requested="100.00"
    )
    client = p.client_for(p.staff)
    queue = client.get(_url("voucher_applications")).content.decode()
    assert "800.00" in queue and "100.00" in queue
    page = client.get(_url("voucher_application", pk=first.pk)).content.decode()
    assert 'name="amount"' in page
    client.post(_url("voucher_application_approve", pk=first.pk), {"amount": "600.00"})
    client.post(_url("voucher_application_reject", pk=second.pk), {"reason": "重复申请"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ApplicationStatus.APPROVED and first.amount_approved == D("600.00")
    assert second.status == ApplicationStatus.REJECTED
    again = client.post(_url("voucher_application_approve", pk=first.pk), {})
    assert again.status_code == 303  # already decided: back to a fresh page with a message
    # the enterprise cannot decide
    owner = p.client_for(p.owner)
    third = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="1.00"
    )
    assert owner.post(_url("voucher_application_approve", pk=third.pk)).status_code == 404


def test_provider_claims_through_the_form_and_the_bureau_pays(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("2000.00")
    orders = [vw.order("1000.00"), vw.order("400.00")]
    reds = [services.apply_voucher(actor=p.owner, order=o, voucher=voucher) for o in orders]
    for order in orders:
        vw.confirm(order)
    agency = p.client_for(vw.agency_member)
    listing = agency.get(_url("voucher_claims"))
    assert listing.status_code == 200
    new = agency.get(_url("voucher_claim_new")).content.decode()
    assert orders[0].number in new and orders[1].number in new
    missing = agency.post(_url("voucher_claim_new"), {"redemptions": [r.pk for r in reds]})
    assert missing.status_code == 400
    done = agency.post(
        _url("voucher_claim_new"),
        {"redemptions": [r.pk for r in reds], "invoice_number": "04400123"},
    )
    assert done.status_code == 302
    claim = ReimbursementClaim.objects.get()
    assert claim.amount == D("700.00")
    bureau = p.client_for(p.staff)
    assert claim.number in bureau.get(_url("voucher_claim_queue")).content.decode()
    bureau.post(_url("voucher_claim_approve", pk=claim.pk), {"note": "材料齐全"})
    bureau.post(_url("voucher_claim_pay", pk=claim.pk), {"reference": "GK-2026-01"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.payment_reference == "GK-2026-01"
    detail = agency.get(_url("voucher_claim", pk=claim.pk)).content.decode()
    assert "GK-2026-01" in detail and f"/claims/{claim.pk}/approve/" not in detail
    # the provider cannot decide its own claim through the page
    refused = agency.post(_url("voucher_claim_reject", pk=claim.pk), {"reason": "x"})
    assert refused.status_code == 404


def test_a_bureau_member_of_the_provider_sees_no_decision_buttons(vw: VoucherWorld) -> None:
    claim = _claim(vw)
    VoucherProgramme.objects.filter(pk=vw.programme.pk).update(bureau=vw.agency)
    insider = make_user("insider", Role.BUREAU_STAFF, vw.agency)
    client = vw.personas.client_for(insider)
    page = client.get(_url("voucher_claim", pk=claim.pk)).content.decode()
    assert f"vouchers/claims/{claim.pk}/approve/" not in page
    response = client.post(_url("voucher_claim_approve", pk=claim.pk))
    assert response.status_code == 303
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_pages_fit_a_phone_and_speak_chinese(vw: VoucherWorld) -> None:
    """Every table sits in a scroll box; the labels come from the Chinese catalogue."""
    _claim(vw)
    client = vw.personas.client_for(vw.personas.staff)
    html = client.get(_url("voucher_programme", pk=vw.programme.pk)).content.decode()
    assert html.count("<table") == html.count('<div class="table-wrap"><table')
    assert "预算" in html and "已兑付" in html
