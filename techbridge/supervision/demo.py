"""Demo problem reports for `techbridge setup-demo` (idempotent; needs the projects demo).

The demo bureau (贵阳市科学技术局, where the demo "handler" works) handles power, water and
permits problems; a supervising office (督查室) supervises it. Five problems of the demo
enterprise's projects in different states — one urgent power problem overdue and escalated
(督办 and its second level) — plus an Open311 client for the 12345 hotline and a personal
link for the project contact (both printed once, when first made). Problems are keyed by
project and title, so a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from techbridge.projects.models import Project
from techbridge.supervision import services
from techbridge.supervision.models import Department, Open311Client, ProblemReport, RoutingRule

OFFICE = ("demo-gy-supervision", "贵阳高新区督查室")
HOTLINE = "12345 政务服务便民热线（演示）"


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first()


def _office() -> Organisation:
    ext, name = OFFICE
    org, _ = Organisation.objects.get_or_create(
        external_id=ext,
        defaults={
            "name": name,
            "kind": OrganisationKind.GOVERNMENT,
            "region_code": "520100",
            "status": OrganisationStatus.VERIFIED,
        },
    )
    return org


def _configure(staff: Any, bureau: Organisation, handler: Any) -> None:
    office_desk = services.department_save(
        actor=staff,
        organisation=_office(),
        head=None,
        supervised_by=None,
        is_supervising_office=True,
    )
    if not Department.objects.filter(organisation=bureau).exists():
        services.department_save(
            actor=staff, organisation=bureau, head=handler, supervised_by=office_desk
        )
    for category in ("power", "water", "permits"):
        if not RoutingRule.objects.filter(category=category, zone__isnull=True).exists():
            services.routing_rule_create(
                actor=staff, category=category, zone=None, department=bureau
            )


def _file(project: Project, reporter: Any, title: str, **data: Any) -> ProblemReport | None:
    if ProblemReport.objects.filter(project=project, title=title).exists():
        return None
    return services.report_create(actor=reporter, project=project, title=title, **data)


@transaction.atomic
def load(out: TextIO) -> None:
    staff, handler, enterprise = _user("bureau"), _user("handler"), _user("enterprise")
    bureau = Organisation.objects.filter(external_id="demo-gy-bureau").first()
    projects = list(
        Project.objects.filter(external_id__in=["demo-xm-02", "demo-xm-04"]).order_by("external_id")
    )
    if not (staff and handler and enterprise and bureau and len(projects) == 2):
        out.write("supervision: skipped (run the accounts and projects demos first)\n")
        return
    _configure(staff, bureau, handler)
    now = timezone.now()

    def ago(**delta: float) -> dt.datetime:
        return now - dt.timedelta(**delta)

    main, second = projects
    created = 0

    # 1. Urgent, never answered, three days old: overdue, 督办 and second level.
    if _file(
        main,
        enterprise,
        "施工用电不稳，设备频繁跳闸",
        category="power",
        urgency="urgent",
        description="工地施工用电电压波动，塔吊和焊机多次跳闸，影响主体施工进度。",
        now=ago(days=3),
    ):
        created += 1
    # 2. Normal water problem, accepted and in progress.
    report = _file(
        main,
        enterprise,
        "厂区供水管道接入延迟",
        category="water",
        urgency="normal",
        description="厂区供水管网接入工程尚未开工，试生产需要稳定供水。",
        now=ago(hours=20),
    )
    if report:
        services.report_accept(
            actor=handler,
            report=report,
            note="已电话联系项目负责人，约定现场踏勘。",
            now=ago(hours=19),
        )
        services.report_start(actor=handler, report=report, now=ago(hours=18))
        created += 1
    # 3. Permits: the department waits on the company's documents (clock paused).
    report = _file(
        second,
        enterprise,
        "环评审批材料需补正",
        category="permits",
        urgency="normal",
        description="环评报告书已提交，审批进度不明。",
        now=ago(days=2),
    )
    if report:
        services.report_accept(
            actor=handler,
            report=report,
            note="已回电说明审批流程。",
            now=ago(days=2) + dt.timedelta(hours=1),
        )
        services.report_wait(
            actor=handler,
            report=report,
            reason="请补充危险废物处置协议和排污口设置论证材料。",
            now=ago(days=1),
        )
        created += 1
    # 4. Resolved within the hour-long callback and the 24 h limit, confirmed, rated 5.
    report = _file(
        second,
        enterprise,
        "临时用电增容申请",
        category="power",
        urgency="urgent",
        description="试生产需临时增容至 800 kVA。",
        now=ago(days=6),
    )
    if report:
        services.report_accept(
            actor=handler,
            report=report,
            note="已回访，当日安排勘查。",
            now=ago(days=6) + dt.timedelta(minutes=40),
        )
        services.report_resolve(
            actor=handler,
            report=report,
            note="供电所完成增容接火，电压稳定。",
            now=ago(days=6) + dt.timedelta(hours=9),
        )
        services.report_confirm(actor=enterprise, report=report, now=ago(days=5))
        services.report_rate(
            actor=enterprise,
            report=report,
            rating=5,
            comment="响应很快，当天解决。",
            now=ago(days=5),
        )
        created += 1
    # 5. Resolved, then reopened by the company: back in progress.
    report = _file(
        main,
        enterprise,
        "施工便道路灯不亮",
        category="power",
        urgency="normal",
        description="进场便道夜间无照明，存在安全隐患。",
        now=ago(days=4),
    )
    if report:
        services.report_accept(
            actor=handler, report=report, note="已回访。", now=ago(days=4) + dt.timedelta(hours=2)
        )
        services.report_resolve(actor=handler, report=report, note="已更换灯具。", now=ago(days=2))
        services.report_reopen(
            actor=enterprise, report=report, reason="仍有三盏灯不亮。", now=ago(days=1)
        )
        created += 1
    # The periodic job would have escalated by now; run it once so the demo shows it.
    run = services.escalate_due()
    if not Open311Client.objects.filter(name=HOTLINE).exists():
        _client, key = services.client_issue(actor=staff, name=HOTLINE, reads_all=True)
        out.write(f"supervision: Open311 api_key for {HOTLINE}: {key}\n")
    if not main.contact_links.exists():
        _link, secret = services.link_issue(
            actor=staff, project=main, contact_name="王经理", contact_phone="13808510001"
        )
        out.write(
            "supervision: personal link of the project contact: "
            f"{reverse('supervision:mobile_enter', args=[secret])}\n"
        )
    out.write(
        f"supervision: {created} demo problems created, {run.steps_taken} escalation steps\n"
        if created
        else "supervision: demo problems already present\n"
    )
