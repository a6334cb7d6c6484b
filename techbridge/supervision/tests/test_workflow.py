"""The life of a problem: routing by category and zone, reassignment (转办), the steps
reported → accepted → in progress → resolved → confirmed or reopened, the satisfaction
rating (回访), photos, and the bureau's configuration."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from techbridge.audit.models import AuditEvent
from techbridge.core.exceptions import TransitionError
from techbridge.notifications.models import Notification
from techbridge.supervision import services
from techbridge.supervision.models import (
    ExtensionRequest,
    ProblemReport,
    RoutingRule,
    SlaPolicy,
)
from techbridge.supervision.tests.conftest import sh

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_routing_most_specific_rule_wins_and_falls_back_to_the_project(world, file_report):
    staff = world.personas.staff
    assert file_report(category="power").department == world.power  # category rule
    assert file_report(category="water").department == world.permits  # project's department
    services.routing_rule_create(actor=staff, category="", zone=world.zone, department=world.office)
    assert file_report(category="water").department == world.office  # zone rule
    services.routing_rule_create(
        actor=staff, category="power", zone=world.zone, department=world.permits
    )
    assert file_report(category="power").department == world.permits  # category + zone
    with pytest.raises(ValidationError):
        services.routing_rule_create(
            actor=staff, category="power", zone=None, department=world.permits
        )
    with pytest.raises(PermissionDenied):
        services.routing_rule_create(
            actor=world.handler, category="land", zone=None, department=world.permits
        )


def test_routing_rules_are_unique_in_the_database(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutingRule.objects.create(category="power", zone=None, department=world.permits)


def test_new_problem_tells_the_department_and_is_audited(world, file_report) -> None:
    report = file_report()
    assert report.number.startswith("WT") and report.channel == "web"
    assert report.reported_by == world.personas.owner
    assert Notification.objects.filter(
        recipient=world.handler, title__contains=report.number
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="supervision.problemreport", object_id=str(report.pk), event="create"
    ).exists()


def test_full_cycle_with_rating(world, file_report) -> None:
    report = file_report(now=sh(2025, 10, 10, 10))
    with pytest.raises(TransitionError):
        services.report_resolve(actor=world.handler, report=report, note="跳过受理")
    services.report_accept(
        actor=world.handler, report=report, note="已电话回访", now=sh(2025, 10, 10, 10, 30)
    )
    services.report_start(actor=world.handler, report=report, now=sh(2025, 10, 10, 11))
    services.report_resolve(
        actor=world.handler, report=report, note="更换了变压器", now=sh(2025, 10, 10, 20)
    )
    services.report_confirm(actor=world.personas.colleague, report=report)  # same company
    services.report_rate(actor=world.personas.owner, report=report, rating=5, comment="很快")
    report.refresh_from_db()
    assert report.status == "confirmed" and report.rating == 5
    assert report.responded_at == sh(2025, 10, 10, 10, 30)
    assert report.assignee == world.handler and report.next_escalation_at is None
    assert list(report.events.values_list("kind", flat=True)) == [
        "reported",
        "routed",
        "accepted",
        "started",
        "resolved",
        "confirmed",
        "rated",
    ]
    with pytest.raises(TransitionError):
        services.report_rate(actor=world.personas.owner, report=report, rating=1)


def test_reopen_goes_back_to_in_progress_and_keeps_the_clock(world, file_report) -> None:
    report = file_report(now=sh(2025, 10, 10, 10))
    due = report.resolution_due_at
    services.report_accept(actor=world.handler, report=report, note="ok")
    services.report_resolve(
        actor=world.handler, report=report, note="已修复", now=sh(2025, 10, 10, 12)
    )
    services.report_rate(actor=world.personas.owner, report=report, rating=2)
    with pytest.raises(PermissionDenied):
        services.report_reopen(actor=world.personas.outsider, report=report, reason="x")
    services.report_reopen(
        actor=world.personas.owner, report=report, reason="仍然跳闸", now=sh(2025, 10, 10, 13)
    )
    report.refresh_from_db()
    assert report.status == "in_progress" and report.reopen_count == 1
    assert report.resolution_due_at == due and report.resolved_at is None
    assert report.rating is None  # the rating of the failed resolution goes with it
    assert Notification.objects.filter(
        recipient=world.handler, title_msgid__contains="reopened"
    ).exists()


def test_only_the_departments_handlers_take_steps(world, file_report) -> None:
    report = file_report()
    for someone in (
        world.permits_handler,
        world.personas.owner,
        world.personas.staff,
        world.personas.outsider,
    ):
        with pytest.raises(PermissionDenied):
            services.report_accept(actor=someone, report=report, note="不是我的")
    assert ProblemReport.objects.get(pk=report.pk).status == "reported"


def test_dispatcher_reassigns_with_a_reason(world, file_report) -> None:
    report = file_report()
    services.report_accept(actor=world.handler, report=report, note="ok")
    with pytest.raises(PermissionDenied):
        services.report_reassign(
            actor=world.handler, report=report, department=world.permits, reason="不归我们"
        )
    with pytest.raises(ValidationError):
        services.report_reassign(
            actor=world.personas.staff, report=report, department=world.permits, reason="  "
        )
    services.report_reassign(
        actor=world.personas.staff, report=report, department=world.permits, reason="属审批事项"
    )
    report.refresh_from_db()
    assert report.department == world.permits and report.status == "reported"
    assert report.assignee is None and report.responded_at is not None
    event = report.events.get(kind="reassigned")
    assert event.note == "属审批事项" and event.data == {
        "from": world.power.pk,
        "to": world.permits.pk,
    }
    assert Notification.objects.filter(
        recipient=world.permits_handler, title__contains=report.number
    ).exists()
    services.report_accept(actor=world.permits_handler, report=report, note="已接手")


def test_reporters_and_officers_on_behalf(world, file_report) -> None:
    assert file_report(actor=world.station).channel == "on_behalf"
    by_officer = file_report(actor=world.officer)
    assert by_officer.channel == "on_behalf" and by_officer.contact_name == "张三"
    with pytest.raises(PermissionDenied):
        file_report(actor=world.personas.outsider)  # another company's member
    with pytest.raises(PermissionDenied):
        file_report(actor=world.handler)  # a handler who is not the project's officer


def test_bad_input_is_refused_with_the_field_named(world, file_report) -> None:
    for field, value in (
        ("title", ""),
        ("description", " "),
        ("category", "roads"),
        ("urgency", "asap"),
        ("title", "长" * 121),
    ):
        with pytest.raises(ValidationError) as info:
            file_report(**{field: value})
        assert field in info.value.message_dict
    assert ProblemReport.objects.count() == 0


def test_photos_are_checked_uploads(world, file_report) -> None:
    report = file_report(photos=[SimpleUploadedFile("现场.png", PNG, "image/png")])
    assert report.attachments.count() == 1
    assert report.attachments.get().original_name == "现场.png"
    with pytest.raises(ValidationError):
        file_report(photos=[SimpleUploadedFile("x.png", b"MZ\x90\x00 not a png", "image/png")])
    with pytest.raises(ValidationError):
        file_report(photos=[SimpleUploadedFile("contract.pdf", b"%PDF-1.4", "application/pdf")])
    assert ProblemReport.objects.count() == 1  # refused reports leave nothing behind


def test_waiting_requires_a_reason_and_only_the_reporter_replies(world, file_report) -> None:
    report = file_report()
    services.report_accept(actor=world.handler, report=report, note="ok")
    with pytest.raises(ValidationError):
        services.report_wait(actor=world.handler, report=report, reason="")
    services.report_wait(actor=world.handler, report=report, reason="请补充材料")
    with pytest.raises(PermissionDenied):
        services.report_reply(actor=world.personas.outsider, report=report, message="hi")
    with pytest.raises(TransitionError):
        services.report_wait(actor=world.handler, report=report, reason="again")
    services.report_resume(actor=world.handler, report=report)
    assert report.pauses.filter(ended_at__isnull=True).count() == 0


def test_one_pending_extension_at_a_time_and_refusal_needs_a_note(world, file_report) -> None:
    report = file_report(urgency="normal")
    services.report_accept(actor=world.handler, report=report, note="ok")
    request = services.extension_request(
        actor=world.handler, report=report, amount=2, reason="设备到货需两天"
    )
    with pytest.raises(TransitionError):
        services.extension_request(actor=world.handler, report=report, amount=1, reason="再要")
    with pytest.raises(ValidationError):
        services.extension_decide(actor=world.head, request=request, approve=False, note="")
    services.extension_decide(actor=world.head, request=request, approve=False, note="不批准")
    report.refresh_from_db()
    assert ExtensionRequest.objects.get(pk=request.pk).status == "rejected"


def test_the_database_refuses_self_approval(world, file_report) -> None:
    report = file_report()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(
            report=report,
            amount=1,
            reason="x",
            requested_by=world.handler,
            requested_at=report.reported_at,
            status="approved",
            decided_by=world.handler,
        )


def test_policy_changes_apply_to_new_reports_only(world, file_report) -> None:
    old = file_report(category="land", urgency="normal", now=sh(2025, 11, 14, 10))
    services.policy_save(
        actor=world.personas.staff,
        category="land",
        urgency="normal",
        response_unit="working_hours",
        response_amount=4,
        resolution_unit="working_days",
        resolution_amount=10,
        reminder_percent=80,
        second_level_unit="working_days",
        second_level_amount=2,
    )
    new = file_report(category="land", urgency="normal", now=sh(2025, 11, 14, 10))
    assert (old.resolution_amount, new.resolution_amount) == (3, 10)
    assert new.response_due_at == sh(2025, 11, 14, 14)  # 4 working hours
    assert new.resolution_due_at == sh(2025, 11, 28, 17, 30)
    old.refresh_from_db()
    assert old.resolution_due_at == sh(2025, 11, 19, 17, 30)
    with pytest.raises(ValidationError):
        services.policy_save(
            actor=world.personas.staff,
            category="land",
            urgency="normal",
            response_unit="fortnights",
            response_amount=0,
            resolution_unit="working_days",
            resolution_amount=10,
            reminder_percent=100,
            second_level_unit="working_days",
            second_level_amount=2,
        )
    with pytest.raises(PermissionDenied):
        services.policy_save(
            actor=world.head,
            category="land",
            urgency="normal",
            response_unit="calendar",
            response_amount=1,
            resolution_unit="calendar",
            resolution_amount=1,
            reminder_percent=50,
            second_level_unit="calendar",
            second_level_amount=1,
        )
    assert SlaPolicy.objects.count() == 1
