"""The job queue in one process: transactional enqueue, claiming, retries with backoff,
the failed state and re-runs, stale locks, dedupe, idempotent delivery, the scheduler,
the administrator's page and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from techbridge.audit.models import AuditEvent
from techbridge.jobs import registry, scheduler, worker
from techbridge.jobs.models import Job, JobStatus, ScheduledRun
from techbridge.jobs.services import enqueue
from techbridge.jobs.tests import handlers
from techbridge.notifications.models import Notification, NotificationDelivery
from techbridge.notifications.services import notify


@pytest.fixture(autouse=True)
def _queued(settings):
    """These tests drive the worker themselves (no eager run after commit)."""
    settings.JOBS_EAGER = False
    settings.JOBS_RETRY_BASE_SECONDS = 0
    handlers.CALLS.clear()


def drain(limit: int = 100) -> int:
    return worker.process_batch(owner="test", limit=limit)


@pytest.mark.django_db(transaction=True)
def test_rollback_enqueues_nothing_and_commit_keeps_the_job(personas) -> None:
    personas.owner.email = "owner@example.org"
    personas.owner.save(update_fields=["email"])
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[personas.owner], kind="other", title="回滚")
        assert Job.objects.count() == 1  # written in the business transaction …
        raise RuntimeError("the business change fails")
    assert not Job.objects.exists()  # … and gone with it
    assert not Notification.objects.exists()

    notify(recipients=[personas.owner], kind="other", title="提交")
    job = Job.objects.get()
    assert (job.name, job.status) == ("notifications.deliver", JobStatus.QUEUED)
    assert mail.outbox == []  # nothing sent by the web process itself
    assert drain() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at is not None
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert mail.outbox[0].subject == "提交"


@pytest.mark.django_db
def test_failing_job_is_retried_with_backoff_then_kept_failed_with_its_error(settings) -> None:
    settings.JOBS_RETRY_BASE_SECONDS = 30
    job = enqueue("jobs_test.fail", {"n": 1})
    before = timezone.now()
    assert drain() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert "boom" in job.last_error
    # Backoff: 30 s ± 50 % before the next attempt, so a drain now finds nothing due.
    assert before + timedelta(seconds=14) < job.run_after < before + timedelta(seconds=46)
    assert drain() == 0
    for expected in (2, 3):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        assert drain() == 1
        job.refresh_from_db()
        assert job.attempts == expected
    assert job.status == JobStatus.FAILED
    assert "RuntimeError: boom: the test handler always fails" in job.last_error
    assert job.finished_at is not None
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert drain() == 0  # failed jobs are never picked up again by themselves


@pytest.mark.django_db
def test_failed_job_visible_to_system_admin_only_and_rerun_is_audited(personas) -> None:
    job = enqueue("jobs_test.fail", {}, max_attempts=1)
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED

    admin = personas.client_for(personas.system_admin)
    page = admin.get("/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "jobs_test.fail" in html and "boom: the test handler always fails" in html
    assert "任务队列" in html and "失败的任务" in html  # Chinese first

    assert personas.anonymous.get("/jobs/").status_code == 302
    assert "/accounts/login/" in personas.anonymous.get("/jobs/")["Location"]
    for user in (personas.owner, personas.staff, personas.security_admin, personas.audit_admin):
        assert personas.client_for(user).get("/jobs/").status_code == 403
        assert personas.client_for(user).post(f"/jobs/{job.pk}/retry/").status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert admin.get(f"/jobs/{job.pk}/retry/").status_code == 405  # re-run is a POST

    response = admin.post(f"/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)
    row = AuditEvent.objects.get(object_type="jobs.job", object_id=str(job.pk))
    assert row.actor == personas.system_admin
    assert row.detail["from"] == "failed" and row.detail["to"] == "queued"
    assert admin.post(f"/jobs/{job.pk}/retry/").status_code == 404  # no longer failed


@pytest.mark.django_db
def test_notification_delivery_run_twice_sends_once(personas) -> None:
    personas.owner.email = "owner@example.org"
    personas.owner.save(update_fields=["email"])
    notify(recipients=[personas.owner], kind="other", title="只发一次")
    job = Job.objects.get(name="notifications.deliver")
    drain()
    assert len(mail.outbox) == 1
    # A worker that died after sending but before marking the job done: the job runs again.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, attempts=1)
    assert drain() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert len(mail.outbox) == 1  # nothing sent the second time
    assert NotificationDelivery.objects.filter(channel="email").count() == 1
    notification = Notification.objects.get()
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<n{notification.pk}.email@techbridge>"


@pytest.mark.django_db
def test_dedupe_key_gives_one_queued_job(personas) -> None:
    first = enqueue("jobs_test.noop", {"a": 1}, dedupe_key="same")
    second = enqueue("jobs_test.noop", {"a": 2}, dedupe_key="same")
    assert first.pk == second.pk and Job.objects.count() == 1
    drain()
    third = enqueue("jobs_test.noop", {"a": 3}, dedupe_key="same")  # the first is done now
    assert third.pk != first.pk
    assert handlers.CALLS == [{"a": 1}]


@pytest.mark.django_db
def test_a_claimed_job_is_not_claimed_again() -> None:
    jobs = [enqueue("jobs_test.noop", {"i": i}) for i in range(5)]
    first = worker.claim(owner="a", limit=3)
    second = worker.claim(owner="b", limit=10)
    assert {j.pk for j in first} | {j.pk for j in second} == {j.pk for j in jobs}
    assert not {j.pk for j in first} & {j.pk for j in second}
    assert worker.claim(owner="c", limit=10) == []


@pytest.mark.django_db
def test_stale_lock_is_recovered_and_counted_as_an_attempt(settings) -> None:
    settings.JOBS_LOCK_TIMEOUT_SECONDS = 60
    job = enqueue("jobs_test.noop", {})
    claimed = worker.claim(owner="dead-worker", limit=1)  # … and then the worker was killed
    assert claimed[0].attempts == 1
    assert worker.recover_stale()["requeued"] == 0  # lock still fresh
    Job.objects.filter(pk=job.pk).update(locked_at=timezone.now() - timedelta(minutes=5))
    assert worker.recover_stale()["requeued"] == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.locked_by) == (JobStatus.QUEUED, 1, "")
    # The last attempt dies too: the job fails instead of looping forever.
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=3, locked_at=timezone.now() - timedelta(minutes=5)
    )
    assert worker.recover_stale()["failed"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "lock expired" in job.last_error


@pytest.mark.django_db
def test_unknown_job_name_fails_visibly() -> None:
    job = enqueue("no.such.job", {}, max_attempts=1)
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "no handler is registered for job 'no.such.job'" in job.last_error


@pytest.fixture
def every_minute():
    registry.job("jobs_test.minutely")(handlers.noop)
    registry.periodic("jobs_test.minutely", every=timedelta(minutes=1), payload={"m": 1})
    yield
    registry.unregister("jobs_test.minutely")


@pytest.mark.django_db
def test_scheduler_runs_each_occurrence_once_and_only_the_latest_missed(every_minute) -> None:
    t0 = datetime(2026, 12, 3, 8, 0, 30, tzinfo=UTC)
    assert "jobs_test.minutely" in scheduler.tick(now=t0, owner="node-a")
    assert "jobs_test.minutely" not in scheduler.tick(now=t0, owner="node-b")  # same minute
    runs = ScheduledRun.objects.filter(name="jobs_test.minutely")
    assert [r.due_at for r in runs] == [datetime(2026, 12, 3, 8, 0, tzinfo=UTC)]
    # Down for a day: one catch-up run (the latest occurrence), not 1,440.
    later = t0 + timedelta(days=1, seconds=5)
    assert "jobs_test.minutely" in scheduler.tick(now=later)
    runs = ScheduledRun.objects.filter(name="jobs_test.minutely")
    assert runs.count() == 2
    assert runs.first().due_at == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    assert Job.objects.filter(name="jobs_test.minutely").count() == 2
    drain()
    assert handlers.CALLS == [{"m": 1}, {"m": 1}]


@pytest.mark.django_db
def test_occurrence_taken_by_another_node_is_left_alone(every_minute, monkeypatch) -> None:
    t0 = datetime(2026, 12, 3, 8, 0, 30, tzinfo=UTC)
    # The other node inserted this occurrence after our read of the last runs: our insert
    # hits the UNIQUE constraint and we enqueue nothing.
    ScheduledRun.objects.create(name="jobs_test.minutely", due_at=t0.replace(second=0))
    monkeypatch.setattr(ScheduledRun.objects, "filter", lambda **kw: ScheduledRun.objects.none())
    assert "jobs_test.minutely" not in scheduler.tick(now=t0)
    assert not Job.objects.filter(name="jobs_test.minutely").exists()


def test_cron_schedules_use_local_time() -> None:
    daily = registry.Schedule(name="x", cron="30 0 * * *")
    # 00:30 Beijing time is 16:30 UTC the day before: at 17:00 UTC on the 3rd (01:00 on
    # the 4th in Beijing) the latest occurrence is 16:30 UTC on the 3rd.
    now = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert daily.latest_due(now) == datetime(2026, 12, 3, 16, 30, tzinfo=UTC)
    earlier = now - timedelta(minutes=31)
    assert daily.latest_due(earlier) == datetime(2026, 12, 2, 16, 30, tzinfo=UTC)
    assert daily.latest_due(datetime(2026, 12, 2, 16, 30, tzinfo=UTC)) == datetime(
        2026, 12, 2, 16, 30, tzinfo=UTC
    )


def test_declared_schedules() -> None:
    by_name = {s.name: s for s in registry.schedules()}
    assert by_name["catalogue.expire_demands"].cron == "30 0 * * *"
    assert by_name["imports.mark_stale_runs"].every == timedelta(minutes=10)
    assert "search.index_check" in by_name
    for schedule in by_name.values():
        assert registry.get(schedule.job_name) is not None, schedule.name


@pytest.mark.django_db
def test_cli_lists_failed_retries_and_reports_stats() -> None:
    job = enqueue("jobs_test.fail", {}, max_attempts=1)
    enqueue("jobs_test.noop", {}, run_after=timezone.now() + timedelta(hours=1))
    drain()
    out = StringIO()
    call_command("jobs", "failed", stdout=out)
    assert "jobs_test.fail" in out.getvalue() and "boom" in out.getvalue()
    out = StringIO()
    call_command("jobs", "stats", "--json", stdout=out)
    assert '"failed": 1' in out.getvalue() and '"depth": 1' in out.getvalue()
    call_command("jobs", "retry", str(job.pk), stdout=StringIO())
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert AuditEvent.objects.filter(object_id=str(job.pk), channel="cli").exists()
    drain()
    call_command("jobs", "retry-all-failed", stdout=StringIO())
    assert Job.objects.filter(status=JobStatus.QUEUED, name="jobs_test.fail").count() == 1


@pytest.mark.django_db
def test_burst_worker_command_processes_what_is_due() -> None:
    for i in range(3):
        enqueue("jobs_test.noop", {"i": i})
    out = StringIO()
    call_command("worker", "--burst", "--no-scheduler", stdout=out)
    assert "3 job(s) claimed" in out.getvalue()
    assert Job.objects.filter(status=JobStatus.DONE).count() == 3


@pytest.mark.django_db
def test_batch_handler_gets_the_claimed_jobs_of_its_name_in_one_call() -> None:
    handlers.BATCHES.clear()
    for i in range(3):
        enqueue("jobs_test.batch", {"i": i})
    enqueue("jobs_test.noop", {"x": 1})
    enqueue("jobs_test.batch", {"i": 9})
    assert drain() == 5
    assert handlers.BATCHES == [[{"i": 0}, {"i": 1}, {"i": 2}], [{"i": 9}]]
    assert handlers.CALLS == [{"x": 1}]
    assert Job.objects.filter(status=JobStatus.DONE).count() == 5
