"""One real record of every kind the outsider (a member of ``other_org``) may not see, built
through the services the way users build them. The URL walk points every route at these,
so a refusal means "row hidden", never "row missing".

Every hidden text carries a marker (``HIDDEN-…``); no response of the walk may contain one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.accounts.tokens import token_create
from techbridge.brokerage import services as brokerage
from techbridge.catalogue.kinds import KINDS
from techbridge.catalogue.services import proposals as proposal_services
from techbridge.catalogue.services import records as record_services
from techbridge.codes.services import load_code_lists
from techbridge.contracts import services as contract_services
from techbridge.core.testing import Personas, make_organisation, make_user
from techbridge.notifications.services import notify
from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus

SECRET_DETAIL = "HIDDEN-confidential-detail 氧化铝含量四十二"
SECRET_PHONE = "13912345678"
SECRET_PERSON = "HIDDEN-participant 王秘密"

# Fields each kind needs beyond the title/name (see catalogue/services/fields.py REQUIRED).
_KIND_DATA: dict[str, dict[str, Any]] = {
    "achievement": {"title": "HIDDEN-achievement 草稿成果"},
    "expert": {"name": "HIDDEN-expert 草稿专家", "consent_version": "2026-01"},
    "instrument": {"name": "HIDDEN-instrument 草稿仪器"},
    "lab": {"name": "HIDDEN-lab 草稿实验室", "lab_type": "key_lab", "level": "provincial"},
    "data": {"title": "HIDDEN-data 草稿数据"},
    "service": {"title": "HIDDEN-service 草稿服务"},
    "demand": {"title": "HIDDEN-demand 草稿需求"},
}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 hidden", "application/pdf")


@dataclass
class HiddenWorld:
    personas: Personas
    broker: User
    station_staff: User
    drafts: dict[str, Any] = field(default_factory=dict)
    published_demand: Any = None  # confidential: detail and contacts hidden
    achievement: Any = None  # published, the institution's (the deal's supply side)
    recommendation: Any = None
    deal: Any = None
    deal_attachment: Any = None
    proposal: Any = None
    contract: Any = None
    contract_attachment: Any = None
    draft_event: Any = None
    published_event: Any = None
    visit: Any = None
    notification: Any = None
    token: Any = None
    failed_job: Any = None
    pending_org: Organisation | None = None

    @property
    def markers(self) -> list[str]:
        """Texts that only the hidden rows hold."""
        titles = [data.get("title") or data["name"] for data in _KIND_DATA.values()]
        return [
            *titles,
            SECRET_DETAIL,
            SECRET_PHONE,
            SECRET_PERSON,
            "HIDDEN-deal",
            "HIDDEN-proposal",
            "HIDDEN-contract",
            "HIDDEN-event",
            "HIDDEN-visit",
            "HIDDEN-notification",
            "HIDDEN-token",
            "HIDDEN-job",
            "HIDDEN-organisation",
        ]


def build_hidden_world(personas: Personas, capture: Any) -> HiddenWorld:
    """Drafts of every kind, a confidential demand, a deal, a proposal, a contract with an
    attachment, a draft and a published meeting, a visit, a notification and an API token —
    all belonging to ``personas.org`` (or its people), none visible to ``personas.outsider``."""
    load_code_lists()
    p = personas
    agency = make_organisation("技术转移中心 Agency", OrganisationKind.AGENCY, region_code="110000")
    broker = make_user("walk-broker", Role.BROKER, agency)
    station_org = make_organisation("快速响应站 Station", OrganisationKind.STATION)
    station_staff = make_user("walk-station", Role.STATION_STAFF, station_org)
    world = HiddenWorld(personas=p, broker=broker, station_staff=station_staff)

    def run(fn: Any, **kwargs: Any) -> Any:
        with capture(execute=True):
            return fn(**kwargs)

    for kind in KINDS:
        world.drafts[kind] = run(
            record_services.record_create,
            actor=p.owner,
            kind=kind,
            technical_field="new_materials",
            **_KIND_DATA[kind],
        )

    demand = run(
        record_services.record_create,
        actor=p.owner,
        kind="demand",
        title="船舶用耐热高韧性铝合金",
        summary="需要耐热、高韧性的铝合金材料",
        detail=SECRET_DETAIL,
        confidential=True,
        contact_name="王小明",
        contact_phone=SECRET_PHONE,
        technical_field="new_materials",
    )
    run(record_services.record_submit, actor=p.owner, record=demand)
    world.published_demand = run(record_services.record_publish, actor=p.staff, record=demand)
    achievement = run(
        record_services.record_create,
        actor=p.researcher,
        kind="achievement",
        title="高强度铝合金 船舶",
        technical_field="new_materials",
    )
    run(record_services.record_submit, actor=p.researcher, record=achievement)
    world.achievement = run(record_services.record_publish, actor=p.staff, record=achievement)

    world.proposal = run(
        proposal_services.proposal_submit,
        actor=p.researcher,
        demand=world.published_demand,
        approach="HIDDEN-proposal 技术路线",
    )
    world.recommendation = run(
        brokerage.recommendation_create,
        actor=broker,
        demand=world.published_demand,
        resource_kind="achievement",
        resource_id=world.achievement.pk,
    )
    run(brokerage.recommendation_accept, actor=p.owner, recommendation=world.recommendation)
    world.deal = run(brokerage.deal_create, actor=broker, recommendation=world.recommendation)
    world.deal = run(brokerage.deal_update, actor=broker, deal=world.deal, title="HIDDEN-deal")
    world.deal_attachment = run(
        brokerage.deal_attach, actor=broker, deal=world.deal, upload=_pdf("deal.pdf")
    )

    world.contract = run(
        contract_services.contract_create,
        actor=p.owner,
        name="HIDDEN-contract 铝合金压铸工艺开发",
        contract_type="development",
        seller_organisation=p.org,
        seller_type="150",
        buyer_name="北京某某科技有限公司",
        buyer_region="110108",
        buyer_type="170",
        signed_on=dt.date(2024, 3, 15),
        contract_amount="1000000.00",
        technology_amount="800000.00",
        technical_field="new_materials",
    )
    world.contract_attachment = run(
        contract_services.contract_attach,
        actor=p.owner,
        contract=world.contract,
        upload=_pdf("contract.pdf"),
    )

    world.draft_event = run(
        brokerage.event_create,
        actor=broker,
        title="HIDDEN-event 草稿对接会",
        held_on=dt.date(2026, 12, 20),
    )
    event = run(
        brokerage.event_create,
        actor=broker,
        title="公开对接会",
        held_on=dt.date(2026, 12, 21),
        tables=2,
        slots=3,
    )
    world.published_event = run(
        brokerage.event_set_status, actor=broker, event=event, status="published"
    )
    run(
        brokerage.participant_register,
        actor=p.owner,
        event=world.published_event,
        person_name=SECRET_PERSON,
    )

    station_org_station = run(brokerage.station_create, actor=p.staff, organisation=station_org)
    assert station_org_station is not None
    world.visit = run(
        brokerage.visit_create,
        actor=station_staff,
        enterprise=p.org,
        visited_on=dt.date(2026, 11, 2),
        notes="HIDDEN-visit 走访记录",
    )
    world.notification = run(
        notify, recipients=[p.owner], kind="other", title="HIDDEN-notification 站内消息"
    )[0]
    world.token, _key = run(token_create, actor=p.owner, name="HIDDEN-token")
    # A job fails inside the worker; no service makes one, so the row is written directly.
    from techbridge.jobs.models import Job, JobStatus

    world.failed_job = Job.objects.create(
        name="HIDDEN-job", status=JobStatus.FAILED, last_error="HIDDEN-job error"
    )
    world.pending_org = Organisation.objects.create(
        name="HIDDEN-organisation 未核验企业",
        kind=OrganisationKind.ENTERPRISE,
        status=OrganisationStatus.PENDING,
    )
    return world
