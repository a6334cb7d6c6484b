"""Access with personas: who sees which report, who may open which page, and the mobile
page that works with a personal link and nothing else (RELIABILITY.md cases 9, 10, 12, 27).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from techbridge.audit.models import AuditEvent, AuditEventType
from techbridge.supervision import services
from techbridge.supervision.models import ContactLink, ProblemReport
from techbridge.supervision.services.credentials import digest

STAFF_PAGES = [
    "/supervision/settings/clocks/",
    "/supervision/settings/clocks/power/urgent/",
    "/supervision/settings/routing/",
    "/supervision/settings/departments/",
    "/supervision/settings/links/",
    "/supervision/settings/open311/",
]
SUPERVISION_PAGES = ["/supervision/board/", "/supervision/overdue/", "/supervision/figures/"]


def test_report_page_visibility(world, file_report) -> None:
    report = file_report()
    url = report.get_absolute_url()
    p = world.personas
    for user in (p.owner, p.colleague, p.staff, world.handler, world.head, world.officer):
        assert world.client(user).get(url).status_code == 200, user
    for user in (
        p.outsider,
        p.researcher,
        world.permits_handler,
        world.station,
        p.system_admin,
        p.audit_admin,
    ):
        before = AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED).count()
        response = world.client(user).get(url)
        assert response.status_code == 404, user
        assert report.title not in response.content.decode()
        after = AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED).count()
        assert after == before + 1, user
    assert p.anonymous.get(url).status_code == 302


def test_lists_show_only_visible_reports(world, file_report) -> None:
    mine = file_report(title="甲企业的用电问题")
    page = world.client(world.personas.outsider).get("/supervision/problems/")
    assert page.status_code == 200 and mine.title not in page.content.decode()
    assert (
        mine.title
        in world.client(world.personas.owner).get("/supervision/problems/").content.decode()
    )


def test_a_post_cannot_act_outside_the_viewers_rights(world, file_report) -> None:
    report = file_report()
    owner = world.client(world.personas.owner)
    response = owner.post(f"{report.get_absolute_url()}accept/", {"note": "我自己受理"})
    assert response.status_code == 403
    response = owner.post(
        f"{report.get_absolute_url()}reassign/",
        {"department": world.permits.pk, "reason": "换一个"},
    )
    assert response.status_code == 403
    assert ProblemReport.objects.get(pk=report.pk).department == world.power
    outsider = world.client(world.personas.outsider)
    assert outsider.post(f"{report.get_absolute_url()}confirm/").status_code == 404


def test_refused_steps_answer_with_their_status(world, file_report) -> None:
    report = file_report()
    handler = world.client(world.handler)
    assert handler.post(f"{report.get_absolute_url()}resolve/", {"note": "x"}).status_code == 409
    assert handler.post(f"{report.get_absolute_url()}accept/", {"note": ""}).status_code == 400
    assert (
        handler.post(f"{report.get_absolute_url()}accept/", {"note": "已回访"}).status_code == 302
    )
    assert handler.post(f"{report.get_absolute_url()}frobnicate/").status_code == 404


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_settings_pages_are_for_bureau_staff(world, url) -> None:
    p = world.personas
    assert world.client(p.staff).get(url).status_code == 200
    for user in (p.owner, world.handler, p.system_admin):
        assert world.client(user).get(url).status_code == 403
    assert p.anonymous.get(url).status_code == 302


@pytest.mark.parametrize("url", SUPERVISION_PAGES)
def test_supervision_views_are_for_staff_and_handlers(world, url) -> None:
    p = world.personas
    assert world.client(p.staff).get(url).status_code == 200
    assert world.client(world.handler).get(url).status_code == 200
    assert world.client(p.owner).get(url).status_code == 403
    assert p.anonymous.get(url).status_code == 302


def test_a_handler_sees_only_their_departments_problems_on_the_board(world, file_report):
    power = file_report(category="power", title="供电问题标记")
    permits = file_report(category="permits", title="审批问题标记")
    board = world.client(world.handler).get("/supervision/board/").content.decode()
    assert power.title in board and permits.title not in board


def test_contact_phone_is_masked_for_the_reporter_side(world, file_report) -> None:
    report = file_report(actor=world.station, contact_name="李四", contact_phone="13912345678")
    handler = world.client(world.handler).get(report.get_absolute_url()).content.decode()
    assert "13912345678" in handler
    owner = world.client(world.personas.owner).get(report.get_absolute_url()).content.decode()
    assert "13912345678" not in owner and "139****5678" in owner


# --- the personal link -------------------------------------------------------------------


@pytest.fixture
def link(world):
    link, secret = services.link_issue(
        actor=world.personas.staff,
        project=world.project,
        contact_name="王五",
        contact_phone="13700001111",
    )
    return link, secret


def test_only_a_digest_of_the_link_is_stored(world, link) -> None:
    row, secret = link
    assert secret.startswith("pl_") and len(secret) > 40
    assert row.key_digest == digest(secret)
    assert not ContactLink.objects.filter(key_digest__contains=secret[3:20]).exists()
    assert secret not in str(list(ContactLink.objects.values()))


def test_the_link_opens_the_mobile_page_and_leaves_the_address_bar(world, link) -> None:
    row, secret = link
    phone = Client()
    entered = phone.get(f"/supervision/m/{secret}/")
    assert entered.status_code == 302 and entered["Location"] == "/supervision/m/"
    home = phone.get("/supervision/m/")
    assert home.status_code == 200 and world.project.name in home.content.decode()
    assert (
        phone.post(
            "/supervision/m/new/",
            {
                "category": "water",
                "urgency": "urgent",
                "title": "停水",
                "description": "工地停水两天",
            },
        ).status_code
        == 302
    )
    report = ProblemReport.objects.get(title="停水")
    assert report.channel == "link" and report.contact_link == row
    assert report.contact_name == "王五" and report.reported_by is None
    detail = phone.get(f"/supervision/m/r/{report.number}/")
    assert detail.status_code == 200 and "停水" in detail.content.decode()


def test_without_a_valid_link_the_mobile_page_shows_nothing(world, link, file_report) -> None:
    row, secret = link
    other = file_report(title="别人的问题")
    stranger = Client()
    assert stranger.get("/supervision/m/").status_code == 403
    assert stranger.get("/supervision/m/pl_forged/").status_code == 404
    assert stranger.post("/supervision/m/new/", {"title": "x"}).status_code == 403
    assert stranger.get(f"/supervision/m/r/{other.number}/").status_code == 403
    holder = Client()
    holder.get(f"/supervision/m/{secret}/")
    # A link follows only the reports filed through it.
    assert holder.get(f"/supervision/m/r/{other.number}/").status_code == 404
    assert holder.post(f"/supervision/m/r/{other.number}/confirm/").status_code == 404
    services.link_revoke(actor=world.personas.staff, link=row)
    assert holder.get("/supervision/m/").status_code == 403
    assert Client().get(f"/supervision/m/{secret}/").status_code == 404


def test_an_expired_link_does_not_open(world, link) -> None:
    row, secret = link
    ContactLink.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1),
        issued_at=timezone.now() - dt.timedelta(days=9),
    )
    assert Client().get(f"/supervision/m/{secret}/").status_code == 404


def test_the_link_holder_confirms_and_rates_on_the_phone(world, link) -> None:
    row, secret = link
    phone = Client()
    phone.get(f"/supervision/m/{secret}/")
    report = services.report_create(
        actor=None,
        link=row,
        project=world.project,
        category="power",
        urgency="urgent",
        title="跳闸",
        description="频繁跳闸",
    )
    services.report_accept(actor=world.handler, report=report, note="已回访")
    services.report_wait(actor=world.handler, report=report, reason="请拍摄配电柜照片")
    page = phone.get(f"/supervision/m/r/{report.number}/").content.decode()
    assert "请拍摄配电柜照片" in page
    assert (
        phone.post(f"/supervision/m/r/{report.number}/reply/", {"message": "已拍照"}).status_code
        == 302
    )
    services.report_resolve(actor=world.handler, report=report, note="已更换空开")
    assert phone.post(f"/supervision/m/r/{report.number}/confirm/").status_code == 302
    assert (
        phone.post(
            f"/supervision/m/r/{report.number}/rate/", {"rating": "4", "comment": "满意"}
        ).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == "confirmed" and report.rating == 4
    assert report.events.get(kind="replied").data["via"] == "link"
    # Escalation steps and internal notes stay off the contact's page.
    assert "督办" not in phone.get(f"/supervision/m/r/{report.number}/").content.decode()
