"""Object-level access to organisations through pages and the API."""

import pytest

from techbridge.audit.models import AuditEvent
from techbridge.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(personas) -> Organisation:
    org = personas.other_org
    org.status = "pending"
    org.contact_phone = "13812345678"
    org.contact_email = "beta@example.com"
    org.save()
    return org


def test_outsider_cannot_read_edit_or_delete_another_pending_organisation(
    personas, pending
) -> None:
    # personas.owner belongs to org A; pending is org B.
    client = personas.client_for(personas.owner)
    before = AuditEvent.objects.filter(event="access_denied").count()
    assert client.get(f"/organisations/{pending.pk}/").status_code == 404
    assert client.get(f"/organisations/{pending.pk}/edit/").status_code == 404
    assert (
        client.post(f"/organisations/{pending.pk}/edit/", {"name": "hijacked"}).status_code == 404
    )
    assert client.post(f"/organisations/{pending.pk}/delete/").status_code == 404
    assert client.get(f"/api/v1/organisations/{pending.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/organisations/{pending.pk}/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    pending.refresh_from_db()
    assert pending.name == "乙企业 Beta Co."
    assert AuditEvent.objects.filter(event="access_denied").count() - before == 6
    listing = client.get("/api/v1/organisations/").json()
    assert pending.pk not in [row["id"] for row in listing["results"]]


def test_member_sees_own_pending_organisation_with_contacts(personas, pending) -> None:
    client = personas.client_for(personas.outsider)
    page = client.get(f"/organisations/{pending.pk}/")
    assert page.status_code == 200
    assert "13812345678" in page.content.decode()


def test_contacts_are_masked_for_other_members_in_html_and_json(personas) -> None:
    org = personas.org
    org.contact_phone = "13812345678"
    org.contact_email = "alpha@example.com"
    org.save()
    client = personas.client_for(personas.outsider)
    html = client.get(f"/organisations/{org.pk}/").content.decode()
    assert "13812345678" not in html and "138****5678" in html
    data = client.get(f"/api/v1/organisations/{org.pk}/").json()
    assert data["contact_phone"] == "138****5678"
    assert data["contact_email"] == "a***@example.com"


def test_member_edits_own_organisation_but_cannot_change_status(personas) -> None:
    client = personas.client_for(personas.owner)
    org = personas.org
    response = client.patch(
        f"/api/v1/organisations/{org.pk}/",
        {"address": "贵阳市观山湖区", "status": "suspended", "version": org.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    org.refresh_from_db()
    assert org.address == "贵阳市观山湖区" and org.status == "verified"


def test_second_save_of_the_same_version_gets_409(personas) -> None:
    org = personas.org
    client = personas.client_for(personas.owner)
    first = client.patch(
        f"/api/v1/organisations/{org.pk}/",
        {"address": "A", "version": org.version},
        content_type="application/json",
    )
    second = client.patch(
        f"/api/v1/organisations/{org.pk}/",
        {"address": "B", "version": org.version},
        content_type="application/json",
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"
    org.refresh_from_db()
    assert org.address == "A"


def test_wrong_check_digit_through_api_names_the_field(personas) -> None:
    client = personas.client_for(personas.staff)
    response = client.post(
        "/api/v1/organisations/",
        {"name": "新公司", "kind": "enterprise", "uscc": "91350100M000100Y44"},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "uscc" in error["fields"]
    assert error["request_id"]


def test_only_staff_create_organisations(personas) -> None:
    body = {"name": "新公司", "kind": "enterprise"}
    assert personas.anonymous.post(
        "/api/v1/organisations/", body, content_type="application/json"
    ).status_code in (401, 403)
    assert (
        personas.client_for(personas.owner)
        .post("/api/v1/organisations/", body, content_type="application/json")
        .status_code
        == 403
    )
    created = personas.client_for(personas.staff).post(
        "/api/v1/organisations/", body, content_type="application/json"
    )
    assert created.status_code == 201


def test_schema_is_public_openapi_3(personas) -> None:
    response = personas.anonymous.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
