"""Escalation (督办) as the periodic job runs it (issue 12 acceptance): a reminder before
the deadline, a 督办 notice to the department head and the supervising office when it
passes, a second level after a further period — each an event and an Escalation row;
idempotent (twice → nothing twice; killed mid-run and rerun → every due problem exactly
once); a missed run catches up; nothing not due is touched."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from techbridge.jobs import registry
from techbridge.jobs.models import Job, ScheduledRun
from techbridge.jobs.scheduler import tick
from techbridge.notifications.models import Notification
from techbridge.supervision import services
from techbridge.supervision.models import Escalation, ProblemEvent, ProblemReport
from techbridge.supervision.services import escalation as escalation_module
from techbridge.supervision.tests.conftest import sh


def steps(report: ProblemReport) -> list[str]:
    return list(report.escalations.order_by("at", "id").values_list("step", flat=True))


def kinds(report: ProblemReport) -> list[str]:
    return list(report.events.values_list("kind", flat=True))


def test_reminder_then_supervision_then_second_level(world, file_report) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))  # due 11 Oct 10:00
    services.report_accept(
        actor=world.handler, report=report, note="已回访", now=sh(2025, 10, 10, 10, 30)
    )
    assert services.escalate_due(now=sh(2025, 10, 11, 3)).steps_taken == 0  # before 75 %
    run = services.escalate_due(now=sh(2025, 10, 11, 5))
    assert run.steps == Counter({"reminder": 1})
    assert (
        Notification.objects.filter(recipient=world.handler, title__contains="Reminder").count()
        == 1
    )
    run = services.escalate_due(now=sh(2025, 10, 11, 10, 5))
    assert run.steps == Counter({"supervision": 1})
    # The 督办 notice goes to the department head and the supervising office.
    for who in (world.head, world.office_head, world.handler):
        assert Notification.objects.filter(recipient=who, title__contains="督办").exists(), who
    assert not Notification.objects.filter(recipient=world.permits_handler).exists()
    run = services.escalate_due(now=sh(2025, 10, 12, 10, 5))
    assert run.steps == Counter({"second_level": 1})
    report.refresh_from_db()
    assert steps(report) == ["reminder", "supervision", "second_level"]
    assert report.escalation_level == 3 and report.next_escalation_at is None
    assert [k for k in kinds(report) if k in {"reminded", "supervised", "supervised_2"}] == [
        "reminded",
        "supervised",
        "supervised_2",
    ]
    supervised = report.events.get(kind="supervised")
    assert supervised.actor is None and supervised.at == sh(2025, 10, 11, 10, 5)
    assert supervised.data == {"step": "supervision", "due": "2025-10-11T02:00:00+00:00"}


def test_response_overdue_is_escalated_once(world, file_report) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))  # callback by 11:00
    run = services.escalate_due(now=sh(2025, 10, 10, 11, 1))
    assert run.steps == Counter({"response_late": 1})
    assert (
        Notification.objects.filter(
            recipient=world.head, title__contains="Response overdue"
        ).count()
        == 1
    )
    report.refresh_from_db()
    assert report.response_escalated and report.next_escalation_at == report.remind_at


def test_running_twice_escalates_nothing_twice(world, file_report) -> None:
    reports = [file_report(urgency="urgent", now=sh(2025, 10, 10, 10, i)) for i in range(5)]
    late = sh(2025, 10, 11, 12)
    first = services.escalate_due(now=late)
    assert first.escalated_reports == 5
    notices = Notification.objects.count()
    events = ProblemEvent.objects.count()
    second = services.escalate_due(now=late)
    assert second.steps_taken == 0 and second.examined == 0
    assert Notification.objects.count() == notices and ProblemEvent.objects.count() == events
    for report in reports:
        assert sorted(steps(report)) == ["response_late", "supervision"]


def test_a_run_killed_mid_way_and_rerun_escalates_each_due_problem_exactly_once(
    world, file_report, monkeypatch
) -> None:
    reports = [file_report(urgency="urgent", now=sh(2025, 10, 10, 10, i)) for i in range(7)]
    real = escalation_module._notify_groups
    calls = {"n": 0}

    def dies_in_the_third_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")  # what a SIGINT/SIGTERM does mid-transaction
        return real(*args, **kwargs)

    monkeypatch.setattr(escalation_module, "_notify_groups", dies_in_the_third_batch)
    late = sh(2025, 10, 11, 12)
    with pytest.raises(KeyboardInterrupt):
        escalation_module.escalate_due(now=late, batch_size=2)
    # Two batches committed (4 reports), the third rolled back as a whole.
    assert Escalation.objects.values("report").distinct().count() == 4
    monkeypatch.setattr(escalation_module, "_notify_groups", real)
    rerun = escalation_module.escalate_due(now=late, batch_size=2)
    assert rerun.escalated_reports == 3
    for report in reports:
        assert sorted(steps(report)) == ["response_late", "supervision"], report.number
        assert Counter(kinds(report))["supervised"] == 1
    per_head = Notification.objects.filter(recipient=world.head, title__contains="督办")
    numbers = " ".join(per_head.values_list("title", flat=True)) + " ".join(
        per_head.values_list("body", flat=True)
    )
    assert [numbers.count(r.number) for r in reports] == [1] * len(reports), numbers


def test_a_missed_run_catches_up_and_skips_a_reminder_that_came_too_late(
    world, file_report
) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    services.report_accept(
        actor=world.handler, report=report, note="ok", now=sh(2025, 10, 10, 10, 10)
    )
    # Nothing ran for three days: one run takes 督办 and its second level, not the reminder.
    run = services.escalate_due(now=sh(2025, 10, 13, 9))
    assert run.steps == Counter({"supervision": 1, "second_level": 1})
    assert steps(report) == ["supervision", "second_level"]


def test_nothing_not_due_is_touched(world, file_report) -> None:
    due = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    calm = file_report(urgency="normal", now=sh(2025, 10, 10, 10))  # due 15 Oct
    resolved = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    services.report_accept(
        actor=world.handler, report=resolved, note="ok", now=sh(2025, 10, 10, 10, 10)
    )
    services.report_resolve(
        actor=world.handler, report=resolved, note="已修复", now=sh(2025, 10, 10, 12)
    )
    before = {
        r.pk: (r.updated_at, r.version, r.next_escalation_at)
        for r in ProblemReport.objects.filter(pk__in=[calm.pk, resolved.pk])
    }
    run = services.escalate_due(now=sh(2025, 10, 11, 12))
    assert run.examined == 1 and run.escalated_reports == 1
    after = {
        r.pk: (r.updated_at, r.version, r.next_escalation_at)
        for r in ProblemReport.objects.filter(pk__in=[calm.pk, resolved.pk])
    }
    assert after == before
    assert steps(calm) == [] and steps(resolved) == []
    assert steps(due) == ["response_late", "supervision"]


def test_reopened_after_the_deadline_is_escalated_by_the_next_run(world, file_report) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    services.report_accept(
        actor=world.handler, report=report, note="ok", now=sh(2025, 10, 10, 10, 10)
    )
    services.report_resolve(
        actor=world.handler, report=report, note="已处理", now=sh(2025, 10, 10, 20)
    )
    services.report_reopen(
        actor=world.personas.owner, report=report, reason="仍然跳闸", now=sh(2025, 10, 11, 11)
    )
    report.refresh_from_db()
    assert report.next_escalation_at is not None and report.next_escalation_at < sh(
        2025, 10, 11, 11
    )
    run = services.escalate_due(now=sh(2025, 10, 11, 11, 5))
    assert run.steps == Counter({"supervision": 1})  # the reminder moment had passed too


def test_escalation_is_a_periodic_job_that_runs_through_the_queue(
    world, file_report, settings
) -> None:
    settings.JOBS_EAGER = False
    schedule = {s.name: s for s in registry.schedules()}["supervision.escalate"]
    assert schedule.every == dt.timedelta(minutes=5)
    assert registry.get("supervision.escalate") is not None
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    assert "supervision.escalate" in tick(now=sh(2025, 10, 11, 12))
    assert "supervision.escalate" not in tick(now=sh(2025, 10, 11, 12))  # once per occurrence
    assert ScheduledRun.objects.filter(name="supervision.escalate").count() == 1
    job = Job.objects.get(name="supervision.escalate")
    from techbridge.jobs.worker import run_job_now

    assert run_job_now(job.pk)
    # The job runs at the real "now", long after these 2025 deadlines: every step is due.
    assert steps(report) == ["response_late", "supervision", "second_level"]


def test_pages_never_escalate(world, file_report) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    staff = world.personas.client_for(world.personas.staff)
    for url in ("/supervision/board/", "/supervision/overdue/", report.get_absolute_url()):
        assert staff.get(url).status_code == 200
    assert Escalation.objects.count() == 0
