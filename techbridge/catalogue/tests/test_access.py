"""Outsiders and anonymous visitors never see another organisation's drafts, confidential
demand details or unmasked personal data — in pages, API, lists and exports."""

from __future__ import annotations

import pytest

from techbridge.audit.models import AuditEvent, AuditEventType
from techbridge.catalogue import services
from techbridge.catalogue.models import Achievement, Demand, Expert, Status

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "核心配方：氧化铝含量百分之四十二"
PHONE = "13800009999"


@pytest.fixture
def world(personas):
    draft = services.record_create(
        actor=personas.owner,
        kind="achievement",
        title="未公开的草稿成果",
        technical_field="new_materials",
    )
    demand = services.record_create(
        actor=personas.owner,
        kind="demand",
        title="脱硝催化剂宽温低成本化",
        summary="寻求宽温区烟气脱硝催化剂",
        detail=SECRET_DETAIL,
        confidential=True,
        technical_field="environment",
        contact_name="王小明",
        contact_phone=PHONE,
    )
    services.record_submit(actor=personas.owner, record=demand)
    services.record_publish(actor=personas.staff, record=demand)
    expert = services.record_create(
        actor=personas.researcher,
        kind="expert",
        name="赵专家",
        phone=PHONE,
        email="zhao@example.org",
        consent_version="2026-01",
        technical_field="environment",
    )
    services.record_submit(actor=personas.researcher, record=expert)
    services.record_publish(actor=personas.staff, record=expert)
    return {"draft": draft, "demand": demand, "expert": expert}


def _text(response, status: int = 200) -> str:
    """The page's text, after checking it answered ``status``: a text missing from an error
    page proves nothing."""
    assert response.status_code == status, response.status_code
    return response.content.decode()


def test_drafts_are_hidden_from_outsider_and_anonymous(personas, world) -> None:
    draft = world["draft"]
    for client in (personas.anonymous, personas.client_for(personas.outsider)):
        assert client.get(f"/catalogue/achievements/{draft.pk}/").status_code == 404
        assert client.get(f"/api/v1/achievements/{draft.pk}/").status_code == 404
        assert "未公开的草稿成果" not in _text(client.get("/catalogue/achievements/"))
        assert "未公开的草稿成果" not in _text(client.get("/api/v1/achievements/?status=draft"))
        assert client.get(f"/catalogue/achievements/{draft.pk}/edit/").status_code in (302, 404)
    denied = AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED, object_id=str(draft.pk))
    assert denied.exists()
    owner = personas.client_for(personas.colleague)
    assert owner.get(f"/catalogue/achievements/{draft.pk}/").status_code == 200
    assert "未公开的草稿成果" in _text(owner.get("/catalogue/achievements/"))
    outsider_export = personas.client_for(personas.outsider).get(
        "/catalogue/achievements/export/?format=csv"
    )
    assert outsider_export.status_code == 200
    assert "未公开的草稿成果" not in outsider_export.content.decode("utf-8-sig")


def test_confidential_detail_and_contacts_never_leak(personas, world) -> None:
    demand = world["demand"]
    outsider = personas.client_for(personas.outsider)
    for client in (personas.anonymous, outsider):
        page = _text(client.get(f"/catalogue/demands/{demand.pk}/"))
        assert "脱硝催化剂" in page and SECRET_DETAIL not in page and PHONE not in page
        body = client.get(f"/api/v1/demands/{demand.pk}/").json()
        assert body["detail"] is None and body["contact_phone"] == "138****9999"
        listing = _text(client.get("/api/v1/demands/"))
        assert SECRET_DETAIL not in listing and PHONE not in listing
    export = outsider.get("/catalogue/demands/export/?format=csv").content.decode("utf-8-sig")
    assert "脱硝催化剂" in export and SECRET_DETAIL not in export and PHONE not in export
    owner_page = _text(personas.client_for(personas.owner).get(f"/catalogue/demands/{demand.pk}/"))
    assert SECRET_DETAIL in owner_page and PHONE in owner_page
    staff_page = _text(personas.client_for(personas.staff).get(f"/catalogue/demands/{demand.pk}/"))
    assert SECRET_DETAIL in staff_page


def test_expert_phone_masked_and_reveal_audited(personas, world) -> None:
    expert = world["expert"]
    for client in (personas.anonymous, personas.client_for(personas.outsider)):
        page = _text(client.get(f"/catalogue/experts/{expert.pk}/"))
        assert "赵专家" in page and PHONE not in page and "138****9999" in page
        body = client.get(f"/api/v1/experts/{expert.pk}/").json()
        assert body["phone"] == "138****9999" and "zhao@" not in body["email"]
        assert client.post(f"/api/v1/experts/{expert.pk}/reveal/").status_code in (401, 403, 404)
    staff = personas.client_for(personas.staff)
    assert PHONE not in _text(staff.get(f"/catalogue/experts/{expert.pk}/"))
    revealed = staff.post(f"/catalogue/experts/{expert.pk}/do/reveal/")
    assert PHONE in _text(revealed)
    assert staff.post(f"/api/v1/experts/{expert.pk}/reveal/").json()["phone"] == PHONE
    assert AuditEvent.objects.filter(event=AuditEventType.REVEAL).count() == 2


def test_api_members_write_own_and_posted_status_owner_ignored(personas, world) -> None:
    client = personas.client_for(personas.owner)
    response = client.post(
        "/api/v1/achievements/",
        {
            "title": "API 成果",
            "technical_field": "agriculture",
            "status": "published",
            "owner": personas.other_org.pk,
            "asking_price": "1234567.89",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["owner"] == personas.org.pk
    assert body["asking_price"] == "1234567.89"
    pk = body["id"]
    stale = client.patch(
        f"/api/v1/achievements/{pk}/",
        {"title": "改", "version": 99},
        content_type="application/json",
    )
    assert stale.status_code == 409
    ok = client.patch(
        f"/api/v1/achievements/{pk}/",
        {"title": "改", "version": 1, "status": "published"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "draft"
    outsider = personas.client_for(personas.outsider)
    assert (
        outsider.patch(
            f"/api/v1/achievements/{pk}/", {"title": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/achievements/{pk}/submit/").status_code == 200
    assert client.post(f"/api/v1/achievements/{pk}/publish/").status_code == 403
    staff = personas.client_for(personas.staff)
    response = staff.post(f"/api/v1/achievements/{pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert personas.anonymous.get(f"/api/v1/achievements/{pk}/").status_code == 200


def test_page_form_ignores_status_and_owner(personas) -> None:
    client = personas.client_for(personas.owner)
    response = client.post(
        "/catalogue/achievements/new/",
        {
            "title": "页面成果",
            "technical_field": "agriculture",
            "status": "published",
            "owner": personas.other_org.pk,
            "trl": "5",
        },
    )
    assert response.status_code == 302
    record = Achievement.objects.get(title="页面成果")
    assert record.status == Status.DRAFT and record.owner == personas.org
    bad = client.post("/catalogue/achievements/new/", {"title": "", "asking_price": "12,345.678"})
    # An invalid form post is answered 400 in every app (core.forms.submit_form).
    assert 'class="error"' in _text(bad, 400)


def test_reviewer_cannot_publish_own_record_through_the_page(personas) -> None:
    own = services.record_create(
        actor=personas.staff,
        kind="lab",
        owner=personas.bureau,
        name="市级中试平台",
        lab_type="pilot_platform",
        level="municipal",
        technical_field="advanced_manufacturing",
    )
    services.record_submit(actor=personas.staff, record=own)
    staff = personas.client_for(personas.staff)
    response = staff.post(f"/catalogue/labs/{own.pk}/do/publish/", follow=True)
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED
    assert (
        "own organisation" in _text(response)
        or "本单位" in _text(response)
        or own.status == "submitted"
    )


def test_proposals_hidden_from_others(personas, world) -> None:
    demand = world["demand"]
    researcher = personas.client_for(personas.researcher)
    response = researcher.post(
        f"/api/v1/demands/{demand.pk}/proposals/",
        {"approach": "低温 SCR 催化剂配方优化", "price": "300000"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert personas.client_for(personas.owner).get(f"/api/v1/proposals/{pk}/").status_code == 200
    for client in (personas.anonymous, personas.client_for(personas.outsider)):
        assert client.get(f"/api/v1/proposals/{pk}/").status_code in (401, 403, 404)
        assert client.get(f"/catalogue/proposals/{pk}/").status_code in (302, 404)
        listing = client.get(f"/api/v1/demands/{demand.pk}/proposals/")
        assert listing.status_code in (401, 403) or listing.json() == []
    accepted = personas.client_for(personas.owner).post(f"/api/v1/proposals/{pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert researcher.get(f"/api/v1/demands/{demand.pk}/").json()["detail"] == SECRET_DETAIL


def test_workspace_and_review_queue(personas, world) -> None:
    page = _text(personas.client_for(personas.owner).get("/catalogue/workspace/"))
    assert "未公开的草稿成果" in page
    assert "未公开的草稿成果" not in _text(
        personas.client_for(personas.outsider).get("/catalogue/workspace/")
    )
    assert personas.client_for(personas.outsider).get("/catalogue/review/").status_code == 403
    assert personas.anonymous.get("/catalogue/review/").status_code == 302
    services.record_submit(actor=personas.owner, record=world["draft"])
    assert "未公开的草稿成果" in _text(
        personas.client_for(personas.staff).get("/catalogue/review/")
    )


def test_consent_withdrawal_hides_expert_everywhere(personas, world) -> None:
    expert = world["expert"]
    services.expert_withdraw_consent(actor=personas.researcher, expert=expert)
    assert personas.anonymous.get(f"/catalogue/experts/{expert.pk}/").status_code == 404
    assert "赵专家" not in _text(personas.anonymous.get("/api/v1/experts/"))
    assert Expert.objects.get(pk=expert.pk).phone == ""
    assert Demand.objects.count() == 1


def test_station_records_through_the_page_and_enterprise_confirms(personas) -> None:
    from techbridge.accounts.roles import Role
    from techbridge.core.testing import make_organisation, make_user

    station_org = make_organisation("开阳响应站", "station", region_code="520121")
    station = make_user("station2", Role.STATION_STAFF, station_org)
    client = personas.client_for(station)
    response = client.post(
        "/catalogue/demands/record/",
        {
            "enterprise": personas.org.pk,
            "title": "刺梨饮料褐变控制",
            "technical_field": "agriculture",
            "channel": "station_visit",
            "confidential": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    demand = Demand.objects.get(title="刺梨饮料褐变控制")
    assert demand.owner == personas.org and demand.needs_confirmation
    # Not visible to outsiders; the enterprise sees it in its workspace and confirms.
    assert personas.client_for(personas.outsider).get(demand.get_absolute_url()).status_code == 404
    owner = personas.client_for(personas.owner)
    assert "刺梨饮料褐变控制" in _text(owner.get("/catalogue/workspace/"))
    owner.post(f"/catalogue/demands/{demand.pk}/do/confirm/")
    owner.post(f"/catalogue/demands/{demand.pk}/do/submit/")
    demand.refresh_from_db()
    assert demand.confirmed_by_enterprise_at is not None and demand.status == Status.SUBMITTED


def test_stale_page_edit_answers_409_and_formulas_are_neutralised(personas) -> None:
    record = services.record_create(
        actor=personas.owner,
        kind="achievement",
        title='=HYPERLINK("http://x")',
        technical_field="agriculture",
    )
    client = personas.client_for(personas.owner)
    services.record_update(actor=personas.colleague, record=record, summary="同事先保存")
    response = client.post(
        f"/catalogue/achievements/{record.pk}/edit/",
        {"title": "我的修改", "technical_field": "agriculture", "version": 1},
    )
    assert response.status_code == 409
    assert Achievement.objects.get(pk=record.pk).title.startswith("=HYPERLINK")
    export = client.get("/catalogue/achievements/export/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in export
