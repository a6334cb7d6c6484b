from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.testing import make_user
from techbridge.cultivation import services
from techbridge.cultivation.models import EnterpriseFigures, TierEvent, TierRecord

pytestmark = pytest.mark.django_db


def test_recording_a_tier_defaults_the_expiry_and_writes_event_and_audit(personas, record):
    r = record("high_tech", dt.date(2024, 12, 12))
    assert r.expires_on == dt.date(2027, 12, 11)
    assert r.status_on(dt.date(2027, 12, 11)) == "valid"
    assert r.status_on(dt.date(2027, 12, 12)) == "expired"
    assert TierEvent.objects.filter(record=r, kind="recorded").exists()
    assert AuditEvent.objects.filter(
        object_type="cultivation.tierrecord", object_id=str(r.pk)
    ).exists()


def test_expiry_can_be_overridden_but_not_before_obtained(personas, record):
    r = record("specialised", dt.date(2025, 1, 1), expires_on=dt.date(2025, 6, 30))
    assert r.expires_on == dt.date(2025, 6, 30)
    with pytest.raises(ValidationError) as exc:
        record("little_giant", dt.date(2025, 1, 1), expires_on=dt.date(2024, 12, 31))
    assert "expires_on" in exc.value.message_dict


def test_database_refuses_expiry_before_obtained_and_unknown_tiers(personas):
    base = dict(
        organisation=personas.org, recorded_by=personas.staff, obtained_on=dt.date(2025, 1, 2)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TierRecord.objects.create(tier="high_tech", expires_on=dt.date(2025, 1, 1), **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        TierRecord.objects.create(tier="unicorn", **base)


def test_no_duplicate_for_the_same_enterprise_tier_and_date(personas, record):
    record("high_tech", dt.date(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        record("high_tech", dt.date(2025, 3, 1), certificate_number="other")
    assert "obtained_on" in exc.value.message_dict
    record("tech_sme", dt.date(2025, 3, 1))  # another tier on the same day is fine


def test_only_bureau_staff_record_and_never_for_their_own_organisation(personas):
    with pytest.raises(PermissionDenied):
        services.tier_record(
            actor=personas.owner,
            organisation=personas.org,
            tier="tech_sme",
            obtained_on=dt.date(2025, 1, 1),
        )
    colleague = make_user("bureau2", Role.BUREAU_STAFF, personas.bureau)
    personas.bureau.kind = "enterprise"
    personas.bureau.save()
    with pytest.raises(TransitionError):
        services.tier_record(
            actor=colleague,
            organisation=personas.bureau,
            tier="tech_sme",
            obtained_on=dt.date(2025, 1, 1),
        )


def test_tiers_are_for_enterprises_only(personas):
    with pytest.raises(ValidationError):
        services.tier_record(
            actor=personas.staff,
            organisation=personas.institution,
            tier="high_tech",
            obtained_on=dt.date(2025, 1, 1),
        )


def test_revoke_needs_a_reason_and_happens_once(personas, record):
    r = record()
    with pytest.raises(ValidationError):
        services.tier_revoke(actor=personas.staff, record=r, reason=" ")
    services.tier_revoke(actor=personas.staff, record=r, reason="证书被撤销")
    r.refresh_from_db()
    assert r.status == "revoked"
    assert TierEvent.objects.filter(record=r, kind="revoked", note="证书被撤销").exists()
    with pytest.raises(TransitionError):
        services.tier_revoke(actor=personas.staff, record=r, reason="again")


def test_revoking_a_stale_version_is_a_conflict(personas, record):
    r = record()
    with pytest.raises(ConflictError):
        services.tier_revoke(actor=personas.staff, record=r, reason="x", expected_version=99)


def test_evidence_files_are_checked_and_attached(personas, record):
    pdf = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 certificate", "application/pdf")
    r = record(attachments=[pdf])
    assert r.attachments.get().original_name == "cert.pdf"
    with pytest.raises(ValidationError):
        services.tier_attach(
            actor=personas.staff,
            record=r,
            upload=SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf"),
        )


def test_figures_accept_amounts_as_people_write_them(personas):
    f = services.figures_save(
        actor=personas.owner,
        organisation=personas.org,
        year=2025,
        staff=120,
        st_staff=20,
        sales_revenue="2000万元",
        rd_total="150万",
        rd_in_china="1,500,000",
        total_revenue="2,000万",
    )
    assert f.sales_revenue == Decimal("20000000.00")
    assert f.rd_total == f.rd_in_china == Decimal("1500000.00")
    # an update bumps the version and names only the changed fields in the audit row
    f = services.figures_save(
        actor=personas.owner,
        organisation=personas.org,
        year=2025,
        expected_version=f.version,
        staff=130,
        st_staff=20,
    )
    assert (f.version, f.staff) == (2, 130)
    audit = AuditEvent.objects.filter(object_type="cultivation.enterprisefigures").latest("id")
    assert audit.detail == {"fields": ["staff"]}


def test_figures_refuse_floats_inconsistencies_and_other_enterprises(personas):
    with pytest.raises(ValidationError) as exc:
        services.figures_save(
            actor=personas.owner, organisation=personas.org, year=2025, rd_total=1.5
        )
    assert "rd_total" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.figures_save(
            actor=personas.owner, organisation=personas.org, year=2025, staff=10, st_staff=11
        )
    with pytest.raises(ValidationError):
        services.figures_save(
            actor=personas.owner,
            organisation=personas.org,
            year=2025,
            rd_total="100万",
            rd_in_china="101万",
        )
    with pytest.raises(PermissionDenied):
        services.figures_save(actor=personas.outsider, organisation=personas.org, year=2025)
    with pytest.raises(PermissionDenied):
        services.figures_save(actor=personas.staff, organisation=personas.org, year=2025)
    assert not EnterpriseFigures.objects.exists()
