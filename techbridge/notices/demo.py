"""Demo data for `techbridge setup-demo` (idempotent): a WeCom group robot pointing at a
non-routable example address (disabled, so nothing is ever posted), and a notice from the
demo bureau to a few demo projects and the demo department, read by some recipients.
Skipped when the projects demo (or the demo bureau account) is absent."""

from __future__ import annotations

from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from techbridge.notices import services
from techbridge.notices.models import Notice, NoticeRecipient
from techbridge.notifications.models import Robot, RobotKind
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects.models import Project, ProjectStage

ROBOT_NAME = "高新区项目服务群（演示）"
# RFC 2606: ".invalid" never resolves; the send step would also refuse the host.
ROBOT_URL = "https://robot.example.invalid/cgi-bin/webhook/send?key=demo-not-a-real-key"
NOTICE_TITLE = "关于报送一季度签约项目进展情况的通知"
NOTICE_BODY = (
    "各项目单位、各责任部门：\n"
    "请于4月5日前报送一季度项目开工（启动）、投产和资金到位情况，"
    "项目推进中遇到的问题请通过“问题反映”提交，责任部门将在24小时内办结。\n"
    "特此通知。"
)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first()


def load(out: TextIO) -> None:
    bureau = _user("bureau")
    projects = list(
        Project.objects.exclude(stage=ProjectStage.CANCELLED)
        .filter(local_company__isnull=False)
        .order_by("code")[:5]
    )
    if bureau is None or not Project.objects.exists():
        out.write("notices: projects demo or bureau account missing; skipped\n")
        return
    with transaction.atomic():
        if not Robot.objects.filter(name=ROBOT_NAME).exists():
            Robot.objects.create(
                name=ROBOT_NAME, kind=RobotKind.WECOM, webhook_url=ROBOT_URL, is_active=False
            )
            out.write("notices: demo group robot (disabled)\n")
        if Notice.objects.filter(title=NOTICE_TITLE).exists():
            return
        handler = _user("handler")
        department_id = getattr(handler, "organisation_id", None)
        departments = (
            list(Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT, pk=department_id))
            if department_id is not None
            else []
        )
        try:
            notice = services.notice_send(
                actor=bureau,
                kind="notice",
                title=NOTICE_TITLE,
                body=NOTICE_BODY,
                projects=projects,
                departments=departments,
            )
        except ValidationError as exc:
            out.write(f"notices: demo notice skipped ({' '.join(exc.messages)})\n")
            return
        readers = list(NoticeRecipient.objects.filter(notice=notice).order_by("id"))
        read = readers[: (len(readers) + 1) // 2]  # about half have read it
        for receipt in read:
            services.notice_mark_read(actor=receipt.user, notice=notice)
        out.write(f"notices: demo notice to {len(readers)} people, {len(read)} read\n")
