"""One real record of every kind the outsider (a member of ``other_org``) may not see, built
through the services the way users build them. The URL walk points every route at these,
so a refusal means "row hidden", never "row missing".

Every hidden text carries a marker (``HIDDEN-…``); no response of the walk may contain one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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
    # sharing
    shared_resource: Any = None  # closed for sharing: only its owner and agency see it
    agreement: Any = None
    rate: Any = None
    qualification: Any = None
    booking: Any = None
    order: Any = None
    statement: Any = None
    draft_programme: Any = None  # open programmes are visible to every signed-in user
    application: Any = None  # pending
    voucher: Any = None
    claim: Any = None
    # projects, supervision, notices
    project: Any = None
    department: Organisation | None = None
    problem: Any = None
    problem_photo: Any = None
    routing_rule: Any = None
    contact_link: Any = None
    open311_client: Any = None
    notice: Any = None
    robot: Any = None
    # cultivation: the personas' enterprise's tier record (with a file) and figures
    tier_record: Any = None
    tier_attachment: Any = None
    figures: Any = None
    # chronicle
    chronicle_programme: Any = None  # timelines are public; its drafts are not
    chronicle_entry: Any = None  # public on the timeline; only editors change it
    draft_article: Any = None
    draft_article_file: Any = None
    report_import: Any = None

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
            *_NEW_APP_MARKERS,
        ]


_NEW_APP_MARKERS = (
    "HIDDEN-resource",
    "HIDDEN-agreement",
    "HIDDEN-qualification",
    "HIDDEN-booking",
    "HIDDEN-order",
    "HIDDEN-programme",
    "HIDDEN-application",
    "HIDDEN-invoice",
    "HIDDEN-project",
    "HIDDEN-problem",
    "HIDDEN-contact",
    "HIDDEN-client",
    "HIDDEN-notice",
    "HIDDEN-robot",
    "HIDDEN-tier",
    "HIDDEN-article",
    "HIDDEN-report",
)

# A 1×1 PNG: problem photos are checked for being images.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4"
    "0000000049454e44ae426082"
)


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
    _build_sharing(world, run)
    _build_projects_supervision_notices(world, run)
    _build_cultivation(world, run)
    _build_chronicle(world, run)
    return world


def _build_sharing(world: HiddenWorld, run: Any) -> None:
    """A closed shared instrument of the institution operated by the agency, with its
    agreement, a rate, the owner's qualification, booking and order, an owner statement;
    a draft voucher programme; in an open one, a pending application and a voucher of the
    personas' enterprise and the agency's claim of the order's voucher part."""
    from techbridge.catalogue.models import Instrument
    from techbridge.catalogue.models import Status as CatalogueStatus
    from techbridge.sharing import models as sm
    from techbridge.sharing.services import vouchers as voucher_services

    p = world.personas
    inst = p.institution
    agency = world.broker.organisation
    assert agency is not None
    agency_member = make_user("walk-agency-member", Role.INSTITUTION_MEMBER, agency)
    today = dt.date.today()
    instrument = Instrument.objects.create(
        owner=inst,
        name="HIDDEN-resource 未开放仪器",
        technical_field="new_materials",
        region_code="110000",
        status=CatalogueStatus.DRAFT,
    )
    # Resources, agreements, rates are written directly: registering needs a published
    # record (visible to all) and the hidden resource must stay closed.
    resource = sm.Resource.objects.create(
        kind=sm.ResourceKind.INSTRUMENT,
        catalogue_kind="instrument",
        catalogue_id=instrument.pk,
        name="HIDDEN-resource 未开放仪器",
        technical_field="new_materials",
        region_code="110000",
        owner=inst,
        active=False,
        location="HIDDEN-resource 楼层",
    )
    for weekday in range(5):
        sm.OpeningHours.objects.create(
            resource=resource, weekday=weekday, opens=dt.time(9), closes=dt.time(17)
        )
    world.shared_resource = resource
    world.agreement = sm.SharingAgreement.objects.create(
        resource=resource,
        owner=inst,
        agency=agency,
        owner_share_bp=6000,
        staff_share_bp=2500,
        agency_share_bp=1500,
        valid_from=dt.date(2026, 1, 1),
        note="HIDDEN-agreement 分成备注",
    )
    sm.AgreementStaff.objects.create(agreement=world.agreement, user=p.researcher)
    world.rate = sm.Rate.objects.create(
        resource=resource,
        rate_class=sm.RateClass.PARTNER_ENTERPRISE,
        unit=sm.RateUnit.SAMPLE,
        price=Decimal("180.00"),
        effective_from=dt.date(2026, 1, 1),
    )
    world.qualification = sm.Qualification.objects.create(
        resource=resource,
        user=p.owner,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2030, 12, 31),
        note="HIDDEN-qualification 上机培训",
    )
    start = dt.datetime.combine(
        today + dt.timedelta(days=14 - today.weekday()), dt.time(9), tzinfo=dt.UTC
    )
    world.booking = sm.Booking.objects.create(
        resource=resource,
        booked_by=p.owner,
        organisation=p.org,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        status=sm.BookingStatus.REQUESTED,
        rate_class=sm.RateClass.PARTNER_ENTERPRISE,
        purpose="HIDDEN-booking 样品观察",
    )
    now = timezone.now()
    order = sm.ServiceOrder.objects.create(
        number="FWHIDDEN0001",
        kind=sm.OrderKind.SAMPLE_TESTING,
        status=sm.OrderStatus.PRICED,
        resource=resource,
        customer=p.org,
        customer_user=p.owner,
        service_date=today - dt.timedelta(days=3),
        content="HIDDEN-order 成分检测",
        rate_class=sm.RateClass.PARTNER_ENTERPRISE,
        unit=sm.RateUnit.SAMPLE,
        unit_price=Decimal("1000.00"),
        used_quantity_milli=1000,
        billed_quantity_milli=1000,
        amount=Decimal("1000.00"),
        enterprise_amount=Decimal("1000.00"),
        agreement=world.agreement,
        priced_at=now,
    )
    run_ = sm.SettlementRun.objects.create(month=dt.date(2026, 1, 1), orders=1)
    world.statement = sm.Statement.objects.create(
        run=run_,
        number="JSHIDDEN0001",
        party_kind=sm.PartyKind.OWNER,
        organisation=inst,
        total=Decimal("600.00"),
        lines_count=1,
        issued_at=now,
    )
    sm.StatementLine.objects.create(
        statement=world.statement,
        order=order,
        order_amount=Decimal("1000.00"),
        share_bp=6000,
        amount=Decimal("600.00"),
    )

    def programme(name: str) -> Any:
        return run(
            voucher_services.programme_create,
            actor=p.staff,
            name=name,
            description=f"{name} 说明",
            budget="100000.00",
            cap_per_enterprise_year="50000.00",
            max_share_bp=5000,
            eligible_kinds=["instrument", "lab"],
            eligible_regions=["52"],
            valid_from=today - dt.timedelta(days=60),
            valid_until=today + dt.timedelta(days=300),
        )

    world.draft_programme = programme("HIDDEN-programme 草稿创新券")
    open_programme = run(
        voucher_services.programme_open, actor=p.staff, programme=programme("公开创新券")
    )
    issued = run(
        voucher_services.application_submit,
        actor=p.owner,
        programme=open_programme,
        amount_requested="1000.00",
        purpose="HIDDEN-application 已批",
    )
    world.voucher = run(voucher_services.application_approve, actor=p.staff, application=issued)
    world.application = run(
        voucher_services.application_submit,
        actor=p.colleague,
        programme=open_programme,
        amount_requested="2000.00",
        purpose="HIDDEN-application 待审",
    )
    redemption = run(
        voucher_services.apply_voucher,
        actor=p.owner,
        order=order,
        voucher=world.voucher,
        amount="500.00",
    )
    sm.ServiceOrder.objects.filter(pk=order.pk).update(
        status=sm.OrderStatus.CONFIRMED, confirmed_at=now, confirmed_by=p.owner
    )
    world.order = sm.ServiceOrder.objects.get(pk=order.pk)
    world.claim = run(
        voucher_services.claim_submit,
        actor=agency_member,
        redemptions=[redemption],
        invoice_number="HIDDEN-invoice-01",
    )


def _build_projects_supervision_notices(world: HiddenWorld, run: Any) -> None:
    """A project of the personas' enterprise; its problem report (with a photo) routed to a
    department; a routing rule, a personal link and an Open311 client; a notice to the
    project's people and a group-chat robot."""
    from techbridge.notices import services as notice_services
    from techbridge.notifications.models import Robot
    from techbridge.projects import services as project_services
    from techbridge.supervision import services as supervision

    p = world.personas
    batch = run(
        project_services.batch_create,
        actor=p.staff,
        name="走查签约批次",
        signed_on=dt.date(2025, 3, 1),
    )
    department = make_organisation(
        "走查供电局 Walk Power Bureau", OrganisationKind.GOVERNMENT, region_code="520100"
    )
    world.department = department
    world.project = run(
        project_services.project_create,
        actor=p.staff,
        name="HIDDEN-project 保密落地项目",
        batch=batch,
        investor_name="HIDDEN-project 投资方",
        local_company=p.org,
        region_code="520100",
        total_investment="50000000.00",
        responsible_department=department,
        contact_name="HIDDEN-contact 项目联系人",
        contact_phone=SECRET_PHONE,
    )
    run(
        supervision.department_save,
        actor=p.staff,
        organisation=department,
        head=None,
        supervised_by=None,
        is_supervising_office=True,
    )
    world.routing_rule = run(
        supervision.routing_rule_create,
        actor=p.staff,
        category="power",
        zone=None,
        department=department,
    )
    world.problem = run(
        supervision.report_create,
        actor=p.owner,
        project=world.project,
        category="power",
        urgency="urgent",
        title="HIDDEN-problem 施工用电不稳",
        description="HIDDEN-problem 设备多次跳闸",
        photos=[SimpleUploadedFile("site.png", _PNG, "image/png")],
    )
    world.problem_photo = world.problem.attachments.get()
    world.contact_link, _secret = run(
        supervision.link_issue,
        actor=p.staff,
        project=world.project,
        contact_name="HIDDEN-contact 现场联系人",
        contact_phone=SECRET_PHONE,
    )
    world.open311_client, _api_key = run(
        supervision.client_issue, actor=p.staff, name="HIDDEN-client 市民热线"
    )
    world.notice = run(
        notice_services.notice_send,
        actor=p.staff,
        kind="notice",
        title="HIDDEN-notice",
        body="HIDDEN-notice-body",
        projects=[world.project],
    )
    world.robot = Robot.objects.create(
        name="HIDDEN-robot",
        kind="wecom",
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=HIDDEN-key",
    )


def _build_chronicle(world: HiddenWorld, run: Any) -> None:
    """A programme's draft article (with a file) and a report import awaiting review, both
    by bureau staff: neither is public nor the outsider's."""
    from techbridge.chronicle import services as chronicle
    from techbridge.programmes.models import Programme

    p = world.personas
    world.chronicle_programme = Programme.objects.create(name="走查大事记合作站")
    world.chronicle_entry = run(
        chronicle.entry_create,
        actor=p.staff,
        programme=world.chronicle_programme,
        title="走查工作站揭牌",
        happened_on=dt.date(2026, 11, 3),
    )
    world.draft_article = run(
        chronicle.article_create,
        actor=p.staff,
        programme=world.chronicle_programme,
        title="HIDDEN-article 草稿新闻",
        body="HIDDEN-article 正文",
        attachments=[_pdf("draft-news.pdf")],
    )
    world.draft_article_file = world.draft_article.attachments.get()
    world.report_import, _created = run(
        chronicle.report_import,
        actor=p.staff,
        programme=world.chronicle_programme,
        title="HIDDEN-report 待确认报道",
        text="2026年11月3日，HIDDEN-report 走查工作站在贵阳揭牌，签约项目3个。",
    )


def _build_cultivation(world: HiddenWorld, run: Any) -> None:
    """A tier record of the personas' enterprise with an evidence file (recorded by the
    bureau), and the enterprise's confidential figures for a year."""
    from techbridge.cultivation import services as cultivation

    p = world.personas
    world.tier_record = run(
        cultivation.tier_record,
        actor=p.staff,
        organisation=p.org,
        tier="high_tech",
        obtained_on=dt.date(2025, 3, 1),
        certificate_number="HIDDEN-tier-certificate",
        evidence_note="HIDDEN-tier evidence",
        attachments=[_pdf("HIDDEN-tier-certificate.pdf")],
    )
    world.tier_attachment = world.tier_record.attachments.get()
    world.figures = run(
        cultivation.figures_save,
        actor=p.owner,
        organisation=p.org,
        year=2025,
        staff=4242,
        rd_total="4242万",
    )
