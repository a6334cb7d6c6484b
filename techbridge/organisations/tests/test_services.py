"""Organisation services: validation, optimistic locking and the audit trail."""

import pytest
from django.core.exceptions import ValidationError

from techbridge.audit.models import AuditEvent
from techbridge.codes.services import load_code_lists
from techbridge.core.exceptions import ConflictError
from techbridge.organisations import services
from techbridge.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_create_validates_uscc_region_and_industry(personas) -> None:
    load_code_lists()
    with pytest.raises(ValidationError) as info:
        services.organisation_create(
            actor=personas.staff,
            name="坏数据公司",
            kind="enterprise",
            uscc="91350100M000100Y44",
            region_code="999999",
            industry_code="9999",
        )
    errors = info.value.message_dict
    assert "check digit" in errors["uscc"][0]
    assert "region" in errors["region_code"][0].lower()
    assert "industry" in errors["industry_code"][0].lower()
    assert not Organisation.objects.filter(name="坏数据公司").exists()


def test_stale_edit_is_refused_and_nothing_is_lost(personas) -> None:
    org = personas.org
    first = Organisation.objects.get(pk=org.pk)
    second = Organisation.objects.get(pk=org.pk)
    services.organisation_update(
        actor=personas.owner,
        organisation=first,
        expected_version=first.version,
        address="第一次 first",
    )
    with pytest.raises(ConflictError):
        services.organisation_update(
            actor=personas.colleague,
            organisation=second,
            expected_version=second.version,
            address="second",
        )
    assert Organisation.objects.get(pk=org.pk).address == "第一次 first"


def test_status_in_edit_data_is_ignored(personas) -> None:
    org = Organisation.objects.get(pk=personas.other_org.pk)
    org.status = "pending"
    org.save()
    services.organisation_update(
        actor=personas.outsider,
        organisation=org,
        status="verified",
        version=99,
        name="乙企业 renamed",
    )
    org.refresh_from_db()
    assert org.status == "pending"
    assert org.name == "乙企业 renamed"


def test_create_edit_delete_and_failed_login_leave_exactly_those_audit_rows(
    personas, client
) -> None:
    start = AuditEvent.objects.count()
    org = services.organisation_create(actor=personas.staff, name="审计测试公司", kind="enterprise")
    services.organisation_update(actor=personas.staff, organisation=org, address="贵阳")
    pk = org.pk
    services.organisation_delete(actor=personas.staff, organisation=org)
    response = client.post(
        "/accounts/login/", {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    rows = list(AuditEvent.objects.order_by("id")[start:])
    assert [(r.event, r.result) for r in rows] == [
        ("create", "success"),
        ("update", "success"),
        ("delete", "success"),
        ("login_failed", "failure"),
    ]
    for row in rows[:3]:
        assert row.actor_id == personas.staff.pk
        assert row.object_type == "organisations.organisation"
        assert row.object_id == str(pk)
        assert row.object_repr == "审计测试公司"
    assert rows[1].detail == {"fields": ["address"]}
    assert rows[3].source_address == "10.1.2.3"
    assert rows[3].object_repr == "staff"
    assert "password" not in str(rows[3].detail)


def test_a_member_changing_verified_fields_sends_the_organisation_back_to_verification(
    personas,
) -> None:
    """Issue 9 item 5: a member changed the credit code, kind and tier of a verified
    organisation and it stayed verified."""
    from techbridge.organisations.models import OrganisationStatus
    from techbridge.organisations.services import organisation_update

    org = personas.org
    assert org.status == OrganisationStatus.VERIFIED
    organisation_update(
        actor=personas.owner,
        organisation=org,
        expected_version=org.version,
        address="贵阳市观山湖区",
    )
    org.refresh_from_db()
    assert org.status == OrganisationStatus.VERIFIED  # ordinary details need no re-check
    organisation_update(
        actor=personas.owner, organisation=org, expected_version=org.version, tier="高新技术企业"
    )
    org.refresh_from_db()
    assert org.status == OrganisationStatus.PENDING
    assert AuditEvent.objects.filter(
        event="transition", object_id=str(org.pk), detail__to="pending"
    ).exists()
    # Bureau staff correcting the same fields of another organisation keep it verified.
    other = personas.other_org
    organisation_update(
        actor=personas.staff,
        organisation=other,
        expected_version=other.version,
        tier="科技型中小企业",
    )
    other.refresh_from_db()
    assert other.status == OrganisationStatus.VERIFIED
