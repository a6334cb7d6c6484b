"""The record lifecycle: draft → submitted → published / returned → withdrawn / expired."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent, AuditEventType
from techbridge.catalogue import selectors, services
from techbridge.catalogue.models import Achievement, Demand, Expert, RecordEvent, Status
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.testing import make_organisation, make_user
from techbridge.organisations.models import OrganisationKind

pytestmark = pytest.mark.django_db


def _achievement(personas, **extra):
    data = {"title": "高强铝合金板材热处理工艺", "technical_field": "new_materials", "trl": 6}
    data.update(extra)
    return services.record_create(actor=personas.owner, kind="achievement", **data)


def test_full_lifecycle_writes_events_and_audit_rows(personas) -> None:
    record = _achievement(personas)
    assert record.status == Status.DRAFT and record.owner == personas.org
    assert record.region_code == "520100"  # the owner's region by default
    services.record_submit(actor=personas.owner, record=record)
    services.record_publish(actor=personas.staff, record=record)
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED and record.published_at is not None
    assert record.is_public
    services.record_withdraw(actor=personas.colleague, record=record, reason="已转让")
    steps = list(
        RecordEvent.objects.filter(record_kind="achievement", record_id=record.pk).values_list(
            "from_state", "to_state"
        )
    )
    assert steps == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "published"),
        ("published", "withdrawn"),
    ]
    transitions = AuditEvent.objects.filter(
        event=AuditEventType.TRANSITION, object_id=str(record.pk)
    )
    assert transitions.count() == 3


def test_return_needs_a_reason_and_lets_the_owner_resubmit(personas) -> None:
    record = _achievement(personas)
    services.record_submit(actor=personas.owner, record=record)
    with pytest.raises(ValidationError):
        services.record_return(actor=personas.staff, record=record, reason="  ")
    services.record_return(actor=personas.staff, record=record, reason="请补充专利号")
    record.refresh_from_db()
    assert record.status == Status.RETURNED and record.return_reason == "请补充专利号"
    services.record_update(actor=personas.owner, record=record, patent_numbers="ZL2020100000001")
    services.record_submit(actor=personas.owner, record=record)
    assert record.status == Status.SUBMITTED


def test_reviewer_cannot_publish_own_organisations_record(personas) -> None:
    own = services.record_create(
        actor=personas.staff,
        kind="achievement",
        owner=personas.bureau,
        title="政务数据共享平台",
        technical_field="electronic_information",
    )
    services.record_submit(actor=personas.staff, record=own)
    with pytest.raises(TransitionError, match="own organisation"):
        services.record_publish(actor=personas.staff, record=own)
    with pytest.raises(TransitionError, match="own organisation"):
        services.record_return(actor=personas.staff, record=own, reason="x")
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED


def test_only_reviewers_publish_and_only_submitted_records(personas) -> None:
    record = _achievement(personas)
    with pytest.raises(TransitionError):
        services.record_publish(actor=personas.staff, record=record)  # still a draft
    services.record_submit(actor=personas.owner, record=record)
    with pytest.raises(PermissionDenied):
        services.record_publish(actor=personas.owner, record=record)
    with pytest.raises(PermissionDenied):
        services.record_publish(actor=personas.outsider, record=record)


def test_stale_edit_is_refused_and_status_owner_are_ignored(personas) -> None:
    record = _achievement(personas)
    version = record.version
    services.record_update(
        actor=personas.owner,
        record=record,
        expected_version=version,
        title="新标题",
        status="published",
        owner=personas.other_org,
        owner_id=personas.other_org.pk,
    )
    record.refresh_from_db()
    assert record.title == "新标题"
    assert record.status == Status.DRAFT and record.owner == personas.org
    stale = Achievement.objects.get(pk=record.pk)
    stale.version = version  # opened before the first save
    with pytest.raises(ConflictError):
        services.record_update(
            actor=personas.colleague, record=stale, expected_version=version, title="旧的"
        )
    record.refresh_from_db()
    assert record.title == "新标题"


def test_outsider_cannot_edit_submit_or_withdraw(personas) -> None:
    record = _achievement(personas)
    for action in (
        lambda: services.record_update(actor=personas.outsider, record=record, title="x"),
        lambda: services.record_submit(actor=personas.outsider, record=record),
        lambda: services.record_withdraw(actor=personas.outsider, record=record),
        lambda: services.record_delete(actor=personas.outsider, record=record),
    ):
        with pytest.raises(PermissionDenied):
            action()


def test_validation_names_fields(personas, codes) -> None:
    with pytest.raises(ValidationError) as info:
        services.record_create(
            actor=personas.owner,
            kind="achievement",
            title="",
            trl=12,
            region_code="999999",
            asking_price="1e10",
            transfer_modes=["sell"],
        )
    assert {"title", "trl", "region_code", "asking_price", "transfer_modes"} <= set(
        info.value.message_dict
    )


def test_external_id_is_unique_per_owner(personas) -> None:
    _achievement(personas, external_id="A-1")
    with pytest.raises(ValidationError):
        _achievement(personas, external_id="A-1")
    other = services.record_create(
        actor=personas.outsider, kind="achievement", title="x", external_id="A-1"
    )
    assert other.owner == personas.other_org


def test_station_records_demand_and_enterprise_confirms(personas) -> None:
    station_org = make_organisation("息烽响应站", OrganisationKind.STATION, region_code="520122")
    station = make_user("station1", Role.STATION_STAFF, station_org)
    demand = services.demand_record_for_enterprise(
        actor=station,
        enterprise=personas.org,
        title="赤泥综合利用技术",
        summary="寻求拜耳法赤泥建材化利用方案",
        detail="年产赤泥 80 万吨，含碱量高……",
        technical_field="environment",
    )
    assert demand.owner == personas.org and demand.recorded_by_station == station_org
    assert demand.channel == "station_visit" and demand.needs_confirmation
    assert demand in selectors.visible_queryset("demand", station)
    with pytest.raises(TransitionError, match="confirm"):
        services.record_submit(actor=station, record=demand)
    with pytest.raises(PermissionDenied):
        services.demand_confirm(actor=station, demand=demand)
    services.demand_confirm(actor=personas.owner, demand=demand)
    assert not demand.needs_confirmation
    services.record_submit(actor=personas.owner, record=demand)
    assert demand.status == Status.SUBMITTED
    # After confirmation the station no longer edits the enterprise's demand.
    assert not selectors.can_edit(station, demand)


def test_demands_expire_and_renew(personas) -> None:
    demand = services.record_create(
        actor=personas.owner,
        kind="demand",
        title="锂电池热失控预警",
        technical_field="new_energy",
        expires_on=dt.date.today() + dt.timedelta(days=1),
    )
    services.record_submit(actor=personas.owner, record=demand)
    services.record_publish(actor=personas.staff, record=demand)
    Demand.objects.filter(pk=demand.pk).update(expires_on=dt.date.today() - dt.timedelta(days=1))
    call_command("expire_demands", verbosity=0)
    demand.refresh_from_db()
    assert demand.status == Status.EXPIRED and not demand.is_public
    with pytest.raises(ValidationError):
        services.demand_renew(actor=personas.owner, demand=demand, expires_on=dt.date.today())
    services.demand_renew(
        actor=personas.owner, demand=demand, expires_on=dt.date.today() + dt.timedelta(days=90)
    )
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED


def test_expert_needs_consent_and_withdrawal_anonymises(personas) -> None:
    with pytest.raises(ValidationError):
        services.record_create(actor=personas.researcher, kind="expert", name="王建国")
    expert = services.record_create(
        actor=personas.researcher,
        kind="expert",
        name="王建国",
        phone="13800001234",
        email="wang@example.org",
        profile="长期从事铝合金研究",
        consent_version="2026-01",
        technical_field="new_materials",
    )
    assert isinstance(expert, Expert) and expert.consent_at is not None
    services.record_submit(actor=personas.researcher, record=expert)
    services.record_publish(actor=personas.staff, record=expert)
    assert expert in selectors.public_queryset("expert")
    services.expert_withdraw_consent(actor=personas.researcher, expert=expert)
    expert.refresh_from_db()
    assert not expert.is_public and expert not in selectors.public_queryset("expert")
    assert expert.phone == "" and expert.email == "" and expert.name == "王**"


def test_reveal_is_for_bureau_staff_and_audited(personas) -> None:
    expert = services.record_create(
        actor=personas.researcher,
        kind="expert",
        name="李四",
        phone="13800005678",
        consent_version="2026-01",
    )
    with pytest.raises(PermissionDenied):
        services.expert_reveal(actor=personas.outsider, expert=expert)
    assert services.expert_reveal(actor=personas.staff, expert=expert)["phone"] == "13800005678"
    assert AuditEvent.objects.filter(event=AuditEventType.REVEAL, object_id=str(expert.pk)).exists()


def test_proposals_seen_by_enterprise_and_proposer_only(personas) -> None:
    demand = services.record_create(
        actor=personas.owner,
        kind="demand",
        title="密封条CAE仿真",
        technical_field="modern_transport",
    )
    services.record_submit(actor=personas.owner, record=demand)
    services.record_publish(actor=personas.staff, record=demand)
    proposal = services.proposal_submit(
        actor=personas.researcher, demand=demand, approach="非线性有限元", price="200000.00"
    )
    assert proposal in selectors.proposals_visible_to(personas.owner)
    assert proposal in selectors.proposals_visible_to(personas.researcher)
    assert proposal not in selectors.proposals_visible_to(personas.outsider)
    with pytest.raises(ValidationError):  # one live proposal per organisation
        services.proposal_submit(actor=personas.researcher, demand=demand, approach="again")
    with pytest.raises(PermissionDenied):
        services.proposal_decide(actor=personas.researcher, proposal=proposal, accept=True)
    assert not selectors.can_see_demand_detail(personas.researcher, demand)
    services.proposal_decide(actor=personas.owner, proposal=proposal, accept=True)
    assert selectors.can_see_demand_detail(personas.researcher, demand)
    assert not selectors.can_see_demand_detail(personas.outsider, demand)


def _published_demand(personas):
    demand = services.record_create(
        actor=personas.owner,
        kind="demand",
        title="高寒地区混凝土冻融破坏防治",
        summary="寻求抗冻融混凝土外加剂技术",
        technical_field="new_materials",
    )
    services.record_submit(actor=personas.owner, record=demand)
    services.record_publish(actor=personas.staff, record=demand)
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED
    return demand


def test_a_published_demand_edited_over_the_api_goes_back_to_review(personas) -> None:
    """Issue 9 item 4: a PATCH left the edited text published without review."""
    demand = _published_demand(personas)
    client = personas.client_for(personas.owner)
    response = client.patch(
        f"/api/v1/demands/{demand.pk}/",
        {"title": "未经审核的新标题", "version": demand.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    demand.refresh_from_db()
    assert demand.title == "未经审核的新标题"
    assert demand.status == Status.SUBMITTED and not demand.is_public
    public = personas.anonymous.get("/api/v1/demands/")
    assert public.status_code == 200
    assert "未经审核的新标题" not in public.content.decode()
    assert RecordEvent.objects.filter(
        record_kind="demand", record_id=demand.pk, from_state="published", to_state="submitted"
    ).exists()


def test_a_reviewer_who_rewrote_a_record_cannot_approve_it(personas) -> None:
    """Issue 9 item 4: a reviewer rewrote a submitted record and approved their own text."""
    record = _achievement(personas)
    services.record_submit(actor=personas.owner, record=record)
    services.record_update(
        actor=personas.staff,
        record=record,
        expected_version=record.version,
        title="审核人改写的标题",
    )
    record.refresh_from_db()
    with pytest.raises(TransitionError):
        services.record_publish(actor=personas.staff, record=record)
    second = make_user("reviewer2", Role.BUREAU_STAFF, personas.bureau, is_reviewer=True)
    services.record_publish(actor=second, record=record)
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED
    # A reviewer who edits a published record sends it back to review and cannot re-publish.
    services.record_update(
        actor=second, record=record, expected_version=record.version, title="再次改写"
    )
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    with pytest.raises(TransitionError):
        services.record_publish(actor=second, record=record)
    services.record_publish(actor=personas.staff, record=record)
