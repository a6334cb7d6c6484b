"""The demo loader: skipped without the projects demo; otherwise a disabled robot at a
non-routable address and a sent notice with some reads, created once however often it
runs."""

from __future__ import annotations

from io import StringIO

import pytest

from techbridge.accounts.roles import Role
from techbridge.core.testing import make_user
from techbridge.notices import demo
from techbridge.notices.models import Notice, NoticeRecipient
from techbridge.notices.tests.conftest import World
from techbridge.notifications.models import Robot

pytestmark = pytest.mark.django_db


def test_skipped_without_projects(personas) -> None:  # type: ignore[no-untyped-def]
    make_user("bureau", Role.BUREAU_STAFF, personas.bureau)
    out = StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue()
    assert not Robot.objects.exists() and not Notice.objects.exists()


def test_loads_once(world: World) -> None:
    make_user("bureau", Role.BUREAU_STAFF, world.personas.bureau)
    for _run in range(2):
        demo.load(StringIO())
    robot = Robot.objects.get()
    assert not robot.is_active and ".invalid/" in robot.webhook_url
    notice = Notice.objects.get()
    receipts = NoticeRecipient.objects.filter(notice=notice)
    # alpha, beta and gamma's companies (owner, colleague, outsider, researcher) + handlers
    assert receipts.count() == 6
    assert receipts.filter(read_at__isnull=False).count() == 3
