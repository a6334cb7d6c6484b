"""Escalation (督办) target: over 100,000 open problems, the job finds and escalates every due
one in ≤ 5 s on SQLite and PostgreSQL, and touches nothing that is not due — printed next
to a brute-force baseline measured in the same run.

Usage:

    .venv/bin/python benchmarks/bench_escalation.py                  # 100,000 problems, SQLite
    .venv/bin/python benchmarks/bench_escalation.py --problems 20000 # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_escalation.py              # SQLite, then PostgreSQL

Every run creates its own database (a SQLite file in a temporary TECHBRIDGE_DATA_DIR; with
DATABASE_URL also a throw-away PostgreSQL database ``tb_bench_escalation_<pid>``, dropped at
the end), each in a child process.

The world: N open problems (urgent: 1 h callback / 24 h; normal: 1 / 3 working days over
the official calendar) in 6 departments, reported over the 20 days before "now"
(2025-10-20 12:00, so the National Day holiday and its make-up days are inside). Their
escalation state is what a run one day earlier left (``--downtime``, default 1 day: the
scheduler was down, the next run must catch up), so a few thousand steps are due now.

1. Baseline (brute force): read every open problem, re-time its clocks from scratch over
   the calendar (codes.workcalendar) and decide which steps are due — the answer the job
   must match.
2. The job: ``escalate_due(now)`` — the indexed query on ``next_escalation_at``, batches of
   1,000, one transaction each with the Escalation rows, events, audit rows, notices and
   state updates. Target ≤ 5 s.
3. Checks: the problems escalated are exactly the baseline's due set; the rows changed
   (updated_at) are exactly those; the steps equal the baseline's; a second run takes 0.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 5.0


def _child(problems: int, label: str, downtime_hours: float) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    import datetime as dt
    from collections import Counter
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection

    from techbridge.accounts.models import User
    from techbridge.accounts.roles import Role
    from techbridge.codes.services import load_code_lists
    from techbridge.organisations.models import Organisation
    from techbridge.projects.models import Batch, Project, Zone
    from techbridge.supervision import clocks
    from techbridge.supervision.models import (
        DEFAULT_POLICIES,
        Department,
        Escalation,
        ProblemReport,
    )
    from techbridge.supervision.services.escalation import STEP_OF_LEVEL, escalate_due

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_code_lists(only=["calendar_years", "calendar_days"])
    calendar = clocks.current_calendar()
    sh = ZoneInfo("Asia/Shanghai")
    now = dt.datetime(2025, 10, 20, 12, 0, tzinfo=sh)
    last_run = now - dt.timedelta(hours=downtime_hours)

    zone = Zone.objects.create(name="高新区", region_code="520100")
    batch = Batch.objects.create(name="基准批次", signed_on=dt.date(2025, 1, 1))
    company = Organisation.objects.create(name="基准企业", kind="enterprise", status="verified")
    office_org = Organisation.objects.create(name="督查室", kind="government", status="verified")
    office_head = User.objects.create(
        username="office", role=Role.BUREAU_STAFF, organisation=office_org, is_staff=True
    )
    office = Department.objects.create(
        organisation=office_org, head=office_head, is_supervising_office=True
    )
    departments = []
    for d in range(6):
        org = Organisation.objects.create(name=f"部门{d}", kind="government", status="verified")
        head = User.objects.create(
            username=f"head{d}", role=Role.DEPARTMENT_HANDLER, organisation=org
        )
        for h in range(3):
            User.objects.create(
                username=f"h{d}_{h}", role=Role.DEPARTMENT_HANDLER, organisation=org
            )
        Department.objects.create(organisation=org, head=head, supervised_by=office)
        departments.append(org)
    projects = [
        Project.objects.create(
            code=f"XM{p:05d}",
            name=f"项目{p}",
            batch=batch,
            signed_on=dt.date(2025, 1, 1),
            investor_name="投资方",
            local_company=company,
            region_code="520100",
            zone=zone,
            total_investment=10**10,
            responsible_department=departments[p % 6],
        )
        for p in range(50)
    ]

    rng = random.Random(12)
    specs = {
        urgency: clocks.ClockSpec(
            v.response_unit,
            v.response_amount,
            v.resolution_unit,
            v.resolution_amount,
            v.reminder_percent,
            v.second_level_unit,
            v.second_level_amount,
        )
        for urgency, v in DEFAULT_POLICIES.items()
    }
    timings: dict[tuple[str, dt.datetime], clocks.Timing] = {}
    rows = []
    for i in range(problems):
        urgency = "urgent" if rng.random() < 0.3 else "normal"
        # Ten-minute steps: problems share filing times, so the setup times a few thousand
        # distinct clocks, not 100,000 (the baseline below re-times every one).
        reported = now - dt.timedelta(minutes=10 * rng.randrange(20 * 24 * 6))
        key = (urgency, reported)
        timing = timings.get(key) or clocks.timing(
            specs[urgency], reported_at=reported, calendar=calendar
        )
        timings[key] = timing
        spec = specs[urgency]
        responded = reported + dt.timedelta(minutes=30) if rng.random() < 0.8 else None
        if responded is not None and responded > last_run:
            responded = None
        report = ProblemReport(
            number=f"WT2025{i:07d}",
            project=projects[i % 50],
            zone=zone,
            category=rng.choice(["power", "water", "land", "permits"]),
            urgency=urgency,
            title=f"问题{i}",
            description="基准",
            status="accepted" if responded else "reported",
            department=departments[i % 6],
            channel="web",
            reported_at=reported,
            calendar_edition=calendar.edition,
            response_unit=spec.response_unit,
            response_amount=spec.response_amount,
            resolution_unit=spec.resolution_unit,
            resolution_amount=spec.resolution_amount,
            reminder_percent=spec.reminder_percent,
            second_level_unit=spec.second_level_unit,
            second_level_amount=spec.second_level_amount,
            response_due_at=timing.response_due_at,
            remind_at=timing.remind_at,
            resolution_due_at=timing.resolution_due_at,
            second_level_at=timing.second_level_at,
            responded_at=responded,
        )
        # The state the last run (``last_run``) left behind.
        state = clocks.EscalationState.of(report)
        response, levels = clocks.due_steps(state, last_run)
        state = clocks.after_steps(state, response, levels)
        report.response_escalated = state.response_escalated
        report.escalation_level = state.escalation_level
        report.next_escalation_at = clocks.next_escalation_at(state)
        rows.append(report)
    ProblemReport.objects.bulk_create(rows, batch_size=2000)
    # Steps taken before the downtime exist already (the unique guard has rows to meet).
    taken = []
    ids = dict(ProblemReport.objects.values_list("number", "pk"))
    for report in rows:
        pk = ids[report.number]
        if report.response_escalated:
            taken.append(
                Escalation(
                    report_id=pk,
                    step="response_late",
                    at=last_run,
                    due_at=report.response_due_at,
                    run="before",
                )
            )
        for level in range(1, report.escalation_level + 1):
            if level == 1 and report.escalation_level >= 2:
                continue  # a reminder skipped by a catch-up
            taken.append(
                Escalation(
                    report_id=pk,
                    step=STEP_OF_LEVEL[level],
                    at=last_run,
                    due_at=report.resolution_due_at,
                    run="before",
                )
            )
    Escalation.objects.bulk_create(taken, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"[{label}] {problems:,} open problems in {time.perf_counter() - t0:.1f} s "
        f"(state as of {downtime_hours:g} h before now; {len(taken):,} earlier steps)"
    )

    # 1. Baseline: brute force over every open problem, clocks re-timed from scratch.
    t = time.perf_counter()
    brute_due: dict[int, tuple[bool, list[int]]] = {}
    fields = (
        "pk",
        "urgency",
        "reported_at",
        "status",
        "responded_at",
        "response_escalated",
        "escalation_level",
    )
    for pk, urgency, reported, status, responded, response_escalated, level in (
        ProblemReport.objects.order_by("pk").values_list(*fields).iterator(chunk_size=5000)
    ):
        timing = clocks.timing(specs[urgency], reported_at=reported, calendar=calendar)
        state = clocks.EscalationState(
            is_open=status in {"reported", "accepted", "in_progress", "waiting"},
            responded=responded is not None,
            response_escalated=response_escalated,
            escalation_level=level,
            response_due_at=timing.response_due_at,
            remind_at=timing.remind_at,
            resolution_due_at=timing.resolution_due_at,
            second_level_at=timing.second_level_at,
        )
        response, levels = clocks.due_steps(state, now)
        if response or levels:
            brute_due[pk] = (response, levels)
    baseline = time.perf_counter() - t
    brute_steps = sum(int(r) + len(lv) for r, lv in brute_due.values())
    print(
        f"[{label}] baseline (scan + re-time every problem): {baseline:.2f} s — "
        f"{len(brute_due):,} problems due, {brute_steps:,} steps"
    )

    # A worker imports the URLconf once, with its first notice link; pay that here.
    t = time.perf_counter()
    from django.urls import reverse

    reverse("supervision:overdue")
    print(f"[{label}] URLconf import (once per worker process): {time.perf_counter() - t:.2f} s")
    before = dict(ProblemReport.objects.values_list("pk", "updated_at"))
    # 2. The job.
    t, cpu = time.perf_counter(), time.process_time()
    result = escalate_due(now=now)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(
        f"[{label}] escalate_due: {elapsed:.2f} s wall, {cpu:.2f} s CPU of this process — "
        f"examined {result.examined:,}, "
        f"escalated {result.escalated_reports:,} problems, {result.steps_taken:,} steps "
        f"{dict(result.steps)} (target ≤ {TARGET_SECONDS:g} s)"
    )

    # 3. Checks.
    after = dict(ProblemReport.objects.values_list("pk", "updated_at"))
    changed = {pk for pk, stamp in after.items() if before[pk] != stamp}
    escalated = set(Escalation.objects.filter(run=result.run).values_list("report_id", flat=True))
    per_step = Counter(Escalation.objects.filter(run=result.run).values_list("step", flat=True))
    t = time.perf_counter()
    again = escalate_due(now=now)
    rerun = time.perf_counter() - t
    checks = {
        "escalated == brute-force due set": escalated == set(brute_due),
        "rows changed == due set (nothing else touched)": changed == set(brute_due),
        "steps == brute-force steps": result.steps_taken == brute_steps == sum(per_step.values()),
        "second run takes nothing": again.steps_taken == 0,
        f"job ≤ {TARGET_SECONDS:g} s": elapsed <= TARGET_SECONDS,
    }
    print(
        f"[{label}] rows changed {len(changed):,} of {len(after):,}; second run "
        f"{rerun:.2f} s, {again.steps_taken} steps"
    )
    for name, ok in checks.items():
        print(f"[{label}]   {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


def _run(problems: int, label: str, database_url: str | None, downtime: float) -> int:
    with tempfile.TemporaryDirectory(prefix="tb-bench-esc-") as tmp:
        env = dict(os.environ, TECHBRIDGE_DATA_DIR=tmp, SEARCH_INDEX_DIR=str(Path(tmp) / "index"))
        env["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        env.setdefault("LOG_LEVEL", "WARNING")
        return subprocess.call(
            [
                sys.executable,
                __file__,
                "--child",
                label,
                "--problems",
                str(problems),
                "--downtime",
                str(downtime),
            ],
            env=env,
            cwd=ROOT,
        )


def _postgres(problems: int, server_url: str, downtime: float) -> int:
    import psycopg

    name = f"tb_bench_escalation_{os.getpid()}"
    base, _, _db = server_url.rpartition("/")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run(problems, "PostgreSQL", f"{base}/{name}", downtime)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument(
        "--downtime",
        type=float,
        default=24.0,
        help="hours since the last run (the steps due meanwhile are caught up)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.exit(_child(args.problems, args.child, args.downtime))
    server = os.environ.pop("DATABASE_URL", None)
    status = _run(args.problems, "SQLite", None, args.downtime)
    if server and server.startswith("postgres"):
        status = _postgres(args.problems, server, args.downtime) or status
    sys.exit(status)


if __name__ == "__main__":
    main()
