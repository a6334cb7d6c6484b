"""Vouchers API: the whole 通兑 cycle over HTTP with exact decimal strings, visibility per
persona (404 for hidden rows, 403 for steps not theirs, 409 for refused transitions), and
the OpenAPI schema listing every path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.core.testing import make_organisation, make_user
from techbridge.organisations.models import OrganisationKind
from techbridge.sharing.models import ProgrammeStatus, Voucher, VoucherProgramme
from techbridge.sharing.services import vouchers as services
from techbridge.sharing.tests.conftest_vouchers import (  # noqa: F401  (fixtures)
    VoucherWorld,
    programme_data,
    vw_fixture,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/sharing"


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_voucher_cycle_over_the_api(vw: VoucherWorld) -> None:
    p = vw.personas
    bureau = p.client_for(p.staff)
    enterprise = p.client_for(p.owner)
    agency = p.client_for(vw.agency_member)
    today = timezone.localdate()
    created = _post(
        bureau,
        f"{API}/voucher-programmes/",
        {
            "name": "API 创新券",
            "budget": "20000.00",
            "cap_per_enterprise_year": "5000",
            "max_share_bp": 5000,
            "eligible_kinds": ["instrument"],
            "eligible_regions": ["520000"],
            "valid_from": today.isoformat(),
            "valid_until": today.replace(year=today.year + 1).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    programme = created.json()
    assert programme["budget"] == "20000.00" and programme["eligible_regions"] == ["52"]
    assert programme["status"] == "draft"
    opened = _post(bureau, f"{API}/voucher-programmes/{programme['id']}/open/")
    assert opened.json()["status"] == "open"

    applied = _post(
        enterprise,
        f"{API}/voucher-applications/",
        {"programme": programme["id"], "amount_requested": 3000, "purpose": "测试"},
    )
    assert applied.status_code == 201, applied.content
    app_id = applied.json()["id"]
    approved = _post(bureau, f"{API}/voucher-applications/{app_id}/approve/", {"amount": "2500"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["amount_approved"] == "2500.00"
    again = _post(bureau, f"{API}/voucher-applications/{app_id}/approve/")
    assert again.status_code == 409

    vouchers = enterprise.get(f"{API}/vouchers/").json()["results"]
    assert [v["face_value"] for v in vouchers] == ["2500.00"]
    assert vouchers[0]["balance"] == "2500.00"
    voucher_id = vouchers[0]["id"]
    assert p.client_for(p.outsider).get(f"{API}/vouchers/{voucher_id}/").status_code == 404

    order = vw.order("1234.57", service_date=today)
    services.apply_voucher(actor=p.owner, order=order, voucher=Voucher.objects.get(pk=voucher_id))
    vw.confirm(order)
    claimable = agency.get(f"{API}/voucher-redemptions/claimable/").json()["results"]
    assert [c["amount"] for c in claimable] == ["617.28"]  # 50 % of 1234.57, floored
    claim = _post(
        agency,
        f"{API}/voucher-claims/",
        {"redemptions": [claimable[0]["id"]], "invoice_number": "FP-001"},
    )
    assert claim.status_code == 201, claim.content
    claim_id = claim.json()["id"]
    assert claim.json()["amount"] == "617.28" and claim.json()["lines"][0]["live"] is True
    assert _post(agency, f"{API}/voucher-claims/{claim_id}/approve/").status_code == 403
    assert _post(bureau, f"{API}/voucher-claims/{claim_id}/pay/").status_code == 409
    assert _post(bureau, f"{API}/voucher-claims/{claim_id}/approve/").status_code == 200
    paid = _post(bureau, f"{API}/voucher-claims/{claim_id}/pay/", {"reference": "GK-9"})
    assert paid.json()["status"] == "paid" and paid.json()["payment_reference"] == "GK-9"
    figures = bureau.get(f"{API}/voucher-programmes/{programme['id']}/").json()
    assert [figures[k] for k in ("issued_total", "used_total", "claimed_total", "paid_total")] == [
        "2500.00",
        "617.28",
        "617.28",
        "617.28",
    ]


@pytest.mark.parametrize("amount", ["1e10", "-5", "12,345.678", "１２３ｘ", "0.001", "NaN"])
def test_bad_amounts_are_refused_with_400(vw: VoucherWorld, amount: Any) -> None:
    p = vw.personas
    response = _post(
        p.client_for(p.owner),
        f"{API}/voucher-applications/",
        {"programme": vw.programme.pk, "amount_requested": amount},
    )
    assert response.status_code == 400
    assert "amount_requested" in response.json()["error"]["fields"]


def test_json_numbers_stay_exact(vw: VoucherWorld) -> None:
    p = vw.personas
    response = p.client_for(p.owner).post(
        f"{API}/voucher-applications/",
        f'{{"programme": {vw.programme.pk}, "amount_requested": 1234.56}}',
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["amount_requested"] == "1234.56"


def test_visibility_and_roles(vw: VoucherWorld) -> None:
    p = vw.personas
    draft = services.programme_create(actor=p.staff, **programme_data(name="草案项目"))
    owner = p.client_for(p.owner)
    names = [x["name"] for x in owner.get(f"{API}/voucher-programmes/").json()["results"]]
    assert vw.programme.name in names and "草案项目" not in names
    assert owner.get(f"{API}/voucher-programmes/{draft.pk}/").status_code == 404
    created = _post(
        owner,
        f"{API}/voucher-programmes/",
        {**programme_data(), "valid_from": "2026-01-01", "valid_until": "2026-12-31"},
    )
    assert created.status_code == 403
    assert _post(owner, f"{API}/voucher-programmes/{vw.programme.pk}/close/").status_code == 403
    other_bureau = make_organisation("外地科技局", OrganisationKind.GOVERNMENT)
    stranger = p.client_for(make_user("stranger", Role.BUREAU_STAFF, other_bureau))
    assert _post(stranger, f"{API}/voucher-programmes/{vw.programme.pk}/close/").status_code == 403
    assert VoucherProgramme.objects.get(pk=vw.programme.pk).status == ProgrammeStatus.OPEN
    app = services.application_submit(
        actor=p.owner, programme=vw.programme, amount_requested="10.00"
    )
    outsider = p.client_for(p.outsider)
    assert outsider.get(f"{API}/voucher-applications/{app.pk}/").status_code == 404
    assert not outsider.get(f"{API}/voucher-applications/").json()["results"]
    assert not outsider.get(f"{API}/voucher-claims/").json()["results"]
    assert p.anonymous.get(f"{API}/vouchers/").status_code in (401, 403)


def test_patch_with_a_stale_version_is_409(vw: VoucherWorld) -> None:
    p = vw.personas
    client = p.client_for(p.staff)
    url = f"{API}/voucher-programmes/{vw.programme.pk}/"
    version = client.get(url).json()["version"]
    ok = client.patch(
        url, json.dumps({"name": "新名", "version": version}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["name"] == "新名"
    stale = client.patch(
        url, json.dumps({"name": "旧名", "version": version}), content_type="application/json"
    )
    assert stale.status_code == 409


def test_the_schema_lists_the_voucher_api(vw: VoucherWorld) -> None:
    schema = vw.personas.client_for(vw.personas.owner).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "voucher-programmes/",
        "voucher-programmes/{id}/",
        "voucher-programmes/{id}/open/",
        "voucher-programmes/{id}/close/",
        "voucher-applications/",
        "voucher-applications/{id}/approve/",
        "voucher-applications/{id}/reject/",
        "vouchers/",
        "vouchers/{id}/",
        "voucher-redemptions/claimable/",
        "voucher-claims/",
        "voucher-claims/{id}/",
        "voucher-claims/{id}/approve/",
        "voucher-claims/{id}/reject/",
        "voucher-claims/{id}/pay/",
    ):
        assert f"/api/v1/sharing/{path}" in paths, path
    assert "201" in paths["/api/v1/sharing/voucher-claims/"]["post"]["responses"]
