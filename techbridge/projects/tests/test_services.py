"""Ledger services: create and edit with optimistic locking, stage changes with events and
audit rows, reasons for stall / cancel, exact funds in place with corrections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from techbridge.audit.models import AuditEvent
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.projects import services
from techbridge.projects.models import FundingEntry, Project, ProjectEvent

pytestmark = pytest.mark.django_db


def test_create_numbers_fills_defaults_and_records_event_and_audit(ledger, make_project):
    project = make_project(investor_name="", investor_organisation=ledger.personas.institution)
    assert project.code.startswith("XM") and len(project.code) == 11
    assert project.investor_name == ledger.personas.institution.name
    assert project.local_company_name == ledger.personas.org.name
    assert project.signed_on == ledger.batch.signed_on
    assert project.total_investment == Decimal("500000000.00")
    assert project.funds_in_place == Decimal("0.00")
    event = ProjectEvent.objects.get(project=project)
    assert (event.kind, event.to_state, event.actor) == ("created", "signed", ledger.staff)
    assert AuditEvent.objects.filter(
        event="create", object_type="projects.project", object_id=str(project.pk)
    ).exists()
    second = make_project(name="第二个项目")
    assert int(second.code[-5:]) == int(project.code[-5:]) + 1


def test_invalid_values_are_refused_by_field(ledger, make_project):
    with pytest.raises(ValidationError) as exc:
        make_project(
            region_code="999999",
            total_investment="1e10",
            technical_field="nonsense",
            industry_code="Z99",
        )
    assert set(exc.value.message_dict) >= {
        "region_code",
        "total_investment",
        "technical_field",
        "industry_code",
    }
    assert Project.objects.count() == 0


def test_zone_outside_the_region_is_refused(ledger, make_project):
    with pytest.raises(ValidationError) as exc:
        make_project(region_code="110108")
    assert "zone" in exc.value.message_dict


def test_update_records_old_and_new_and_refuses_a_stale_version(ledger, make_project):
    project = make_project()
    stale = Project.objects.get(pk=project.pk)
    services.project_update(
        actor=ledger.staff, project=project, expected_version=1, total_investment="600000000"
    )
    project.refresh_from_db()
    assert project.version == 2 and project.total_investment == Decimal("600000000.00")
    event = ProjectEvent.objects.filter(project=project, kind="updated").get()
    assert event.data["fields"]["total_investment"] == ["500000000.00", "600000000.00"]
    with pytest.raises(ConflictError):
        services.project_update(actor=ledger.staff, project=stale, expected_version=1, name="覆盖")
    project.refresh_from_db()
    assert project.name == "大数据灾备中心建设项目"


def test_contact_changes_are_recorded_without_the_personal_data(ledger, make_project):
    project = make_project()
    services.project_update(actor=ledger.staff, project=project, contact_phone="13900001111")
    event = ProjectEvent.objects.get(project=project, kind="updated")
    assert event.data == {"fields": {"contact_phone": "changed"}}
    assert "13900001111" not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_stage_path_with_events_and_audit(ledger, make_project):
    project = make_project()
    services.project_set_stage(
        actor=ledger.handler, project=project, stage="started", on=dt.date(2014, 2, 1)
    )
    services.project_set_stage(
        actor=ledger.handler, project=project, stage="in_production", on=dt.date(2014, 6, 1)
    )
    project.refresh_from_db()
    assert project.stage == "in_production"
    assert (project.started_on, project.in_production_on) == (
        dt.date(2014, 2, 1),
        dt.date(2014, 6, 1),
    )
    moves = list(
        ProjectEvent.objects.filter(project=project, kind="stage").values_list(
            "from_state", "to_state", "actor__username"
        )
    )
    assert moves == [("signed", "started", "handler"), ("started", "in_production", "handler")]
    assert AuditEvent.objects.filter(event="transition", object_id=str(project.pk)).count() == 2


def test_stall_and_cancel_need_a_reason_and_resume_returns_to_reached_stage(ledger, make_project):
    project = make_project()
    services.project_set_stage(
        actor=ledger.staff, project=project, stage="started", on=dt.date(2014, 2, 1)
    )
    with pytest.raises(ValidationError):
        services.project_set_stage(actor=ledger.staff, project=project, stage="stalled")
    services.project_set_stage(
        actor=ledger.staff, project=project, stage="stalled", reason="施工用电不稳"
    )
    project.refresh_from_db()
    assert project.stage_reason == "施工用电不稳" and project.has_started
    assert services.resume_stage(project) == "started"
    with pytest.raises(TransitionError):
        services.project_set_stage(actor=ledger.staff, project=project, stage="signed")
    services.project_set_stage(actor=ledger.staff, project=project, stage="started")
    project.refresh_from_db()
    assert project.stage == "started" and project.stage_reason == ""
    assert project.started_on == dt.date(2014, 2, 1)  # resuming keeps the first start
    services.project_set_stage(
        actor=ledger.staff, project=project, stage="cancelled", reason="投资方战略调整"
    )
    with pytest.raises(TransitionError):
        services.project_set_stage(actor=ledger.staff, project=project, stage="started")


def test_a_signed_project_cannot_jump_to_production(ledger, make_project):
    project = make_project()
    with pytest.raises(TransitionError):
        services.project_set_stage(actor=ledger.staff, project=project, stage="in_production")


def test_start_before_signing_or_in_the_future_is_refused(ledger, make_project):
    project = make_project()
    with pytest.raises(ValidationError):
        services.project_set_stage(
            actor=ledger.staff, project=project, stage="started", on=dt.date(2013, 1, 1)
        )
    with pytest.raises(ValidationError):
        services.project_set_stage(
            actor=ledger.staff, project=project, stage="started", on=dt.date(2999, 1, 1)
        )
    project.refresh_from_db()
    assert project.stage == "signed"


def test_database_refuses_a_stalled_project_without_reason(ledger, make_project):
    project = make_project()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(stage="stalled", stage_reason="")


def test_funds_in_place_are_exact_and_keep_their_history(ledger, make_project):
    project = make_project()
    amounts = ["1234567.89", "0.01", "98765432.10", "70867900.00"]
    for i, amount in enumerate(amounts):
        services.funding_record(
            actor=ledger.staff, project=project, amount=amount, entry_date=dt.date(2014, 3, i + 1)
        )
    project.refresh_from_db()
    expected = sum((Decimal(a) for a in amounts), Decimal(0))
    assert project.funds_in_place == expected == Decimal("170867900.00")
    first = FundingEntry.objects.filter(project=project).order_by("entry_date").first()
    correction = services.funding_correct(
        actor=ledger.staff, entry=first, amount="1234567.00", reason="录入错误"
    )
    assert correction.amount == Decimal("-0.89") and correction.corrects == first
    project.refresh_from_db()
    assert project.funds_in_place == expected - Decimal("0.89")
    # Nothing was edited: the original entry is still there as it was entered.
    first.refresh_from_db()
    assert first.amount == Decimal("1234567.89")
    assert FundingEntry.objects.filter(project=project).count() == 5
    kinds = list(ProjectEvent.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds.count("funding") == 4 and kinds.count("correction") == 1


def test_funds_refuse_zero_negative_and_floats(ledger, make_project):
    project = make_project()
    for bad in ("0", "-5", "1.234", 1.5, "NaN"):
        with pytest.raises(ValidationError):
            services.funding_record(
                actor=ledger.staff, project=project, amount=bad, entry_date=dt.date(2014, 3, 1)
            )
    assert not FundingEntry.objects.exists()


def test_a_correction_to_zero_withdraws_an_entry(ledger, make_project):
    project = make_project()
    entry = services.funding_record(
        actor=ledger.staff, project=project, amount="100.00", entry_date=dt.date(2014, 3, 1)
    )
    services.funding_correct(actor=ledger.staff, entry=entry, amount="0", reason="重复录入")
    project.refresh_from_db()
    assert project.funds_in_place == Decimal("0.00")


def test_handler_writes_only_projects_of_their_department(ledger, make_project):
    own = make_project(actor=ledger.handler)
    assert own.responsible_department == ledger.department
    with pytest.raises(ValidationError):
        make_project(actor=ledger.handler, responsible_department=ledger.other_department)
    other = make_project(responsible_department=ledger.other_department, name="别的项目")
    with pytest.raises(PermissionDenied):
        services.project_update(actor=ledger.handler, project=other, name="改名")
    with pytest.raises(PermissionDenied):
        services.funding_record(
            actor=ledger.handler, project=other, amount="1", entry_date=dt.date(2014, 3, 1)
        )
    with pytest.raises(ValidationError):
        services.project_update(
            actor=ledger.handler, project=own, responsible_department=ledger.other_department
        )


def test_members_and_outsiders_write_nothing(ledger, make_project):
    project = make_project()
    for user in (ledger.personas.owner, ledger.personas.outsider, ledger.personas.researcher):
        with pytest.raises(PermissionDenied):
            make_project(actor=user)
        with pytest.raises(PermissionDenied):
            services.project_set_stage(actor=user, project=project, stage="started")
        with pytest.raises(PermissionDenied):
            services.funding_record(
                actor=user, project=project, amount="1", entry_date=dt.date(2014, 3, 1)
            )
    assert ProjectEvent.objects.filter(project=project).count() == 1


def test_links_to_deals_and_contracts_only_what_the_actor_sees(ledger, make_project):
    project = make_project()
    with pytest.raises(ValidationError):
        services.project_link(actor=ledger.staff, project=project, contracts=[999999])
    services.project_link(actor=ledger.staff, project=project, deals=[], contracts=[])
    assert not ProjectEvent.objects.filter(project=project, kind="linked").exists()
