"""Object-level access to contracts (outsiders get 404) and the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techbridge.audit.models import AuditEvent
from techbridge.contracts.models import ContractStatus, TechnologyContract

pytestmark = pytest.mark.django_db


def test_outsiders_get_404_parties_and_registrars_see(personas, make_contract):
    contract = make_contract(submit=True, buyer_organisation=personas.institution, buyer_name="")
    for url in (f"/contracts/{contract.pk}/", f"/api/v1/contracts/{contract.pk}/"):
        assert personas.client_for(personas.outsider).get(url).status_code == 404
        for user in (personas.owner, personas.colleague, personas.researcher, personas.staff):
            assert personas.client_for(user).get(url).status_code == 200, (user, url)
        assert personas.anonymous.get(url).status_code in (302, 401, 403)
    assert AuditEvent.objects.filter(event="access_denied", object_id=str(contract.pk)).exists()
    listing = personas.client_for(personas.outsider).get("/api/v1/contracts/").json()
    assert listing["count"] == 0
    assert personas.client_for(personas.owner).get("/api/v1/contracts/").json()["count"] == 1


def test_outsider_cannot_act_on_a_contract(personas, make_contract):
    contract = make_contract()
    client = personas.client_for(personas.outsider)
    assert client.post(f"/api/v1/contracts/{contract.pk}/submit/").status_code == 404
    assert client.post(f"/contracts/{contract.pk}/submit/").status_code == 404
    assert client.get(f"/contracts/{contract.pk}/edit/").status_code == 404
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_api_workflow_and_exact_amounts(personas, codes):
    owner = personas.client_for(personas.owner)
    payload = {
        "name": "智能交通信号控制技术服务",
        "contract_type": "service",
        "seller_organisation": personas.org.pk,
        "buyer_name": "北京交通科技公司",
        "buyer_region": "110105",
        "signed_on": "2024-06-01",
        "contract_amount": "1234567.89",
        "technology_amount": "1234567.89",
        "technical_field": "modern_transport",
    }
    created = owner.post("/api/v1/contracts/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["contract_amount"] == "1234567.89" and body["status"] == "draft"
    pk = body["id"]
    assert owner.post(f"/api/v1/contracts/{pk}/submit/").status_code == 200
    staff = personas.client_for(personas.staff)
    answer = staff.post(f"/api/v1/contracts/{pk}/register/", {}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert len(answer.json()["registration_number"]) == 19
    assert TechnologyContract.objects.get(pk=pk).status == ContractStatus.REGISTERED
    detail = owner.get(f"/api/v1/contracts/{pk}/").json()
    assert detail["contract_amount"] == "1234567.89"
    page = owner.get(f"/contracts/{pk}/").content.decode()
    assert 'data-amount="1234567.89"' in page
    again = owner.post(f"/api/v1/contracts/{pk}/submit/")
    assert again.status_code == 409


@pytest.mark.parametrize("text", ["-1", "NaN", "1e10", "１２３４ｘ", "12,345.678"])
def test_api_refuses_bad_amounts(personas, codes, text):
    response = personas.client_for(personas.owner).post(
        "/api/v1/contracts/",
        {
            "name": "x",
            "contract_type": "service",
            "seller_organisation": personas.org.pk,
            "buyer_name": "y",
            "buyer_region": "110105",
            "signed_on": "2024-06-01",
            "contract_amount": text,
            "technology_amount": "1",
            "technical_field": "modern_transport",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "contract_amount" in response.json()["error"]["fields"]


def test_registrar_api_refuses_own_organisation(personas, make_contract):
    contract = make_contract(submit=True, buyer_organisation=personas.bureau, buyer_name="")
    response = personas.client_for(personas.staff).post(
        f"/api/v1/contracts/{contract.pk}/register/", {}, content_type="application/json"
    )
    assert response.status_code == 409
    # Chinese by default; English on request.
    assert "本机构" in response.json()["error"]["message"]
    english = personas.client_for(personas.staff).post(
        f"/api/v1/contracts/{contract.pk}/register/",
        {},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "own organisation" in english.json()["error"]["message"]


def test_registrar_queue_shows_duplicate_flags(personas, make_contract):
    make_contract(submit=True)
    make_contract(submit=True)
    page = personas.client_for(personas.staff).get("/contracts/queue/")
    assert page.status_code == 200
    assert page.content.decode().count("#") >= 2
    assert personas.client_for(personas.owner).get("/contracts/queue/").status_code == 403


def test_pages_create_submit_and_register(personas, codes):
    owner = personas.client_for(personas.owner)
    response = owner.post(
        "/contracts/new/",
        {
            "name": "页面合同",
            "contract_type": "development",
            "seller_organisation": personas.org.pk,
            "buyer_name": "北京买方",
            "buyer_country": "156",
            "buyer_region": "110108",
            "signed_on": "2024-01-02",
            "contract_amount": "1234567.89",
            "technology_amount": "1000000",
            "technical_field": "electronic_information",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = TechnologyContract.objects.get(name="页面合同")
    assert contract.contract_amount.as_tuple() == (0, (1, 2, 3, 4, 5, 6, 7, 8, 9), -2)
    owner.post(f"/contracts/{contract.pk}/submit/")
    staff = personas.client_for(personas.staff)
    staff.post(
        f"/contracts/{contract.pk}/register/",
        {
            "contract_type": "development",
            "technical_field": "electronic_information",
            "technology_amount": "1000000",
        },
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REGISTERED


def test_page_form_shows_amount_errors(personas, codes):
    response = personas.client_for(personas.owner).post(
        "/contracts/new/",
        {
            "name": "坏金额",
            "contract_type": "development",
            "seller_organisation": personas.org.pk,
            "buyer_name": "买方",
            "buyer_region": "110108",
            "signed_on": "2024-01-02",
            "contract_amount": "12,345.678",
            "technology_amount": "1",
            "technical_field": "electronic_information",
        },
    )
    assert response.status_code == 400  # an invalid form post, as in every app
    assert not TechnologyContract.objects.exists()
    assert 'role="alert"' in response.content.decode()


PDF = b"%PDF-1.4\n%test\n"


def test_attachments_checked_stored_randomly_and_served_as_download(
    personas, make_contract, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    contract = make_contract()
    owner = personas.client_for(personas.owner)
    disguised = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf")
    owner.post(f"/contracts/{contract.pk}/attach/", {"file": disguised})
    assert contract.attachments.count() == 0
    script = SimpleUploadedFile("run.sh", b"#!/bin/sh\n")
    owner.post(f"/contracts/{contract.pk}/attach/", {"file": script})
    assert contract.attachments.count() == 0
    owner.post(f"/contracts/{contract.pk}/attach/", {"file": SimpleUploadedFile("合同.pdf", PDF)})
    attachment = contract.attachments.get()
    assert "合同" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    url = f"/contracts/{contract.pk}/attachments/{attachment.pk}/"
    response = owner.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert personas.client_for(personas.outsider).get(url).status_code == 404


def test_oversized_attachment_refused(personas, make_contract):
    from django.core.exceptions import ValidationError

    from techbridge.core.uploads import MAX_ATTACHMENT_BYTES, check_upload

    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)
    with pytest.raises(ValidationError, match="10 MB"):
        check_upload(big)


def test_api_refuses_a_demand_the_user_cannot_see(personas, codes):
    response = personas.client_for(personas.owner).post(
        "/api/v1/contracts/",
        {
            "name": "x",
            "contract_type": "service",
            "seller_organisation": personas.org.pk,
            "buyer_name": "y",
            "buyer_region": "110105",
            "signed_on": "2024-06-01",
            "contract_amount": "10",
            "technology_amount": "1",
            "technical_field": "modern_transport",
            "demand": 999999,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "demand" in response.json()["error"]["fields"]
