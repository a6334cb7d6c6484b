"""The demo world's catalogue: ≥ 40 organisations (Beijing institutes and firms, Guiyang
enterprises, institutes and stations), ≥ 150 achievements, ≥ 60 experts, ≥ 60 instruments,
≥ 60 demands, labs, data resources and services over all 11 technical fields — most
published, some drafts and submissions for the review queue, a dozen in traditional script.

Idempotent: organisations are keyed by external id, records by (owner, external id);
what exists is left alone. Records go through the services (events and audit rows).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from techbridge.catalogue import services
from techbridge.catalogue.demo_text import (
    TITLES,
    TOPICS,
    achievement_text,
    demand_text,
    person_name,
    rng,
    to_traditional,
)
from techbridge.catalogue.kinds import KINDS, model_for
from techbridge.catalogue.models import Status
from techbridge.codes import selectors as codes
from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from techbridge.organisations.uscc import check_character

# (external id, name, kind, region, legal-person type, USCC prefix, industry)
ORGANISATIONS: list[tuple[str, str, str, str, str, str, str]] = [
    ("demo-bj-univ-1", "京华理工大学", "university", "110108", "022", "12", ""),
    ("demo-bj-univ-2", "燕山科技大学", "university", "110108", "022", "12", ""),
    ("demo-bj-univ-3", "北方农林大学", "university", "110114", "022", "12", ""),
    ("demo-bj-inst-2", "北京新能源技术研究所", "research_institute", "110108", "021", "12", ""),
    ("demo-bj-inst-3", "北京环境工程研究院", "research_institute", "110105", "021", "12", ""),
    ("demo-bj-inst-4", "北京智能制造研究院", "research_institute", "110115", "021", "12", ""),
    ("demo-bj-inst-5", "北京生物医药技术研究所", "research_institute", "110114", "021", "12", ""),
    ("demo-bj-inst-6", "北京核技术应用研究所", "research_institute", "110108", "021", "12", ""),
    ("demo-bj-inst-7", "北京航空材料研究所", "research_institute", "110106", "021", "12", ""),
    ("demo-bj-inst-8", "北京城市建设科学研究院", "research_institute", "110102", "021", "12", ""),
    ("demo-bj-lab-1", "轻合金材料国家重点实验室（示例）", "laboratory", "110108", "021", "12", ""),
    ("demo-bj-lab-2", "膜分离工程技术研究中心（示例）", "laboratory", "110105", "021", "12", ""),
    ("demo-bj-ent-1", "北京微光电子科技有限公司", "enterprise", "110108", "150", "91", "3976"),
    ("demo-bj-ent-2", "北京云渲动画技术有限公司", "enterprise", "110105", "150", "91", "6513"),
    ("demo-bj-ent-3", "北京数联大数据科技有限公司", "enterprise", "110108", "150", "91", "6450"),
    ("demo-bj-ent-4", "北京精测仪器有限公司", "enterprise", "110115", "150", "91", "4014"),
    ("demo-bj-ent-5", "北京绿源环保科技股份有限公司", "enterprise", "110106", "160", "91", "7722"),
    ("demo-bj-ent-6", "北京轻材科技有限公司", "enterprise", "110114", "150", "91", "3252"),
    ("demo-gy-ent-2", "贵阳锂能电池材料有限公司", "enterprise", "520115", "150", "91", "3841"),
    ("demo-gy-ent-3", "贵阳黔铝精深加工有限公司", "enterprise", "520113", "150", "91", "3252"),
    ("demo-gy-ent-4", "贵州赤泥资源化科技有限公司", "enterprise", "520181", "150", "91", "4220"),
    ("demo-gy-ent-5", "贵阳清泉膜技术有限公司", "enterprise", "520115", "150", "91", "2929"),
    ("demo-gy-ent-6", "贵阳汽车密封件有限公司", "enterprise", "520103", "150", "91", "3670"),
    ("demo-gy-ent-7", "贵州黔能环保催化剂有限公司", "enterprise", "520112", "150", "91", "2661"),
    ("demo-gy-ent-8", "贵阳海工船舶材料有限公司", "enterprise", "520113", "150", "91", "3731"),
    ("demo-gy-ent-9", "贵阳光电视觉科技有限公司", "enterprise", "520115", "170", "91", "3976"),
    ("demo-gy-ent-10", "贵阳动漫创意有限公司", "enterprise", "520102", "170", "91", "8730"),
    ("demo-gy-ent-11", "贵州山地药业有限公司", "enterprise", "520123", "150", "91", "2740"),
    ("demo-gy-ent-12", "贵州刺梨食品有限公司", "enterprise", "520121", "170", "91", "1523"),
    ("demo-gy-ent-13", "贵阳磨具磨料有限公司", "enterprise", "520112", "150", "91", "3099"),
    ("demo-gy-ent-14", "贵阳大数据中心运营有限公司", "enterprise", "520115", "110", "91", "6450"),
    ("demo-gy-ent-15", "贵阳桥隧工程检测有限公司", "enterprise", "520111", "150", "91", "7482"),
    ("demo-gy-ent-16", "贵州磷化新材料有限公司", "enterprise", "520181", "160", "91", "2624"),
    ("demo-gy-inst-1", "贵州山地农业科学研究院", "research_institute", "520102", "021", "12", ""),
    ("demo-gy-inst-2", "贵阳新材料产业技术研究院", "research_institute", "520115", "021", "12", ""),
    ("demo-gy-station-2", "清镇市科技成果转化工作站", "station", "520181", "500", "52", ""),
    ("demo-gy-station-3", "修文县技术小分队工作站", "station", "520123", "500", "52", ""),
]

INSTRUMENTS = [
    ("场发射扫描电子显微镜", "形貌分析", "JP", Decimal("4200000.00")),
    ("X 射线衍射仪", "物相分析", "DE", Decimal("2600000.00")),
    ("电感耦合等离子体质谱仪", "元素分析", "US", Decimal("3100000.00")),
    ("万能材料试验机", "力学性能", "CN", Decimal("850000.00")),
    ("激光共聚焦显微镜", "形貌分析", "DE", Decimal("2300000.00")),
    ("高效液相色谱仪", "成分分析", "US", Decimal("620000.00")),
    ("气相色谱-质谱联用仪", "成分分析", "JP", Decimal("1450000.00")),
    ("核磁共振波谱仪", "结构分析", "CH", Decimal("6800000.00")),
    ("三坐标测量机", "精密测量", "CN", Decimal("1200000.00")),
    ("工业 CT 系统", "无损检测", "CN", Decimal("5600000.00")),
    ("电池充放电测试系统", "电化学", "CN", Decimal("380000.00")),
    ("同步热分析仪", "热分析", "DE", Decimal("900000.00")),
]
LABS = [
    ("轻合金材料重点实验室", "key_lab", "national", "new_materials"),
    ("膜分离工程技术研究中心", "engineering_centre", "provincial", "environment"),
    ("新能源电池中试平台", "pilot_platform", "municipal", "new_energy"),
    ("大数据创新孵化器", "incubator", "municipal", "electronic_information"),
    ("中药材质量检测重点实验室", "key_lab", "provincial", "biomedicine"),
    ("智能制造工程技术研究中心", "engineering_centre", "national", "advanced_manufacturing"),
    ("山地农业科技孵化器", "incubator", "provincial", "agriculture"),
    ("桥隧结构安全重点实验室", "key_lab", "provincial", "modern_transport"),
    ("辐照技术中试平台", "pilot_platform", "national", "nuclear"),
    ("航空材料检测中心", "engineering_centre", "national", "aerospace"),
    ("城市安全监测重点实验室", "key_lab", "municipal", "urban_social"),
    ("固废资源化中试基地", "pilot_platform", "provincial", "environment"),
]
DATA = [
    ("工业固废成分数据集", "CSV", "12 万条", "每季度", "environment"),
    ("山区桥梁监测时序数据", "Parquet", "3 TB", "实时", "modern_transport"),
    ("中药材产地环境数据", "CSV", "8 万条", "每年", "agriculture"),
    ("动力电池循环寿命数据", "HDF5", "600 GB", "每月", "new_energy"),
    ("城市公共服务设施数据", "GeoJSON", "45 万条", "每月", "urban_social"),
    ("铝合金材料性能数据库", "SQL", "20 万条", "每季度", "new_materials"),
]
SERVICES = [
    ("材料成分与性能检测", "new_materials", Decimal("800.00")),
    ("有限元仿真分析服务", "advanced_manufacturing", Decimal("20000.00")),
    ("动画渲染算力租用", "electronic_information", Decimal("3.50")),
    ("环境影响评价技术咨询", "environment", Decimal("50000.00")),
    ("中药材有效成分检测", "biomedicine", Decimal("600.00")),
    ("技术成果价值评估", "urban_social", Decimal("30000.00")),
    ("知识产权布局与专利导航", "electronic_information", Decimal("15000.00")),
    ("电池安全性能测试", "new_energy", Decimal("5000.00")),
    ("无人机航测服务", "aerospace", Decimal("8000.00")),
    ("辐照加工服务", "nuclear", Decimal("1200.00")),
]


def _uscc(prefix: str, region: str, n: int) -> str:
    body = f"{prefix}{region}MA{n:07d}"
    return body + check_character(body)


def _organisations() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for n, (ext, name, kind, region, lpt, prefix, industry) in enumerate(ORGANISATIONS, 100):
        org = Organisation.objects.filter(external_id=ext).first()
        if org is None:
            org = Organisation.objects.create(
                external_id=ext,
                name=name,
                kind=kind,
                region_code=region,
                legal_person_type=lpt,
                industry_code=industry,
                uscc=_uscc(prefix, region, n),
                status=OrganisationStatus.VERIFIED,
            )
        orgs[ext] = org
    for org in Organisation.objects.filter(external_id__startswith="demo-"):
        orgs[org.external_id] = org  # type: ignore[index]
    return orgs


def _exists(kind: str, owner: Organisation, ext: str) -> bool:
    return model_for(kind)._default_manager.filter(owner=owner, external_id=ext).exists()


def _make(
    reviewer: Any, kind: str, owner: Organisation, ext: str, status: str, **data: Any
) -> None:
    if _exists(kind, owner, ext):
        return
    record = services.record_create(actor=reviewer, kind=kind, owner=owner, external_id=ext, **data)
    if status in (Status.SUBMITTED, Status.PUBLISHED):
        services.record_submit(actor=reviewer, record=record)
    if status == Status.PUBLISHED:
        services.record_publish(actor=reviewer, record=record)


def load(out: TextIO) -> None:
    from techbridge.accounts.models import User

    reviewer = User.objects.filter(username="bureau").first()
    if reviewer is None or not reviewer.is_reviewer:
        out.write("catalogue demo: the accounts demo (user 'bureau') is missing; skipped\n")
        return
    with transaction.atomic():
        orgs = _organisations()
        _load_records(reviewer, orgs)
    counts = ", ".join(f"{k} {m._default_manager.count()}" for k, m in KINDS.items())
    out.write(f"catalogue demo: {len(orgs)} organisations; {counts}\n")


def _load_records(reviewer: Any, orgs: dict[str, Organisation]) -> None:
    random = rng()
    suppliers = [
        o
        for o in orgs.values()
        if o.kind in OrganisationKind.values
        and o.kind in ("university", "research_institute", "laboratory")
    ]
    suppliers += [
        o for o in orgs.values() if o.kind == "enterprise" and o.region_code.startswith("11")
    ]
    enterprises = [
        o for o in orgs.values() if o.kind == "enterprise" and o.region_code.startswith("52")
    ]
    suppliers.sort(key=lambda o: o.external_id or "")
    enterprises.sort(key=lambda o: o.external_id or "")
    today = timezone.localdate()

    def status_for(i: int) -> str:
        return (
            Status.DRAFT if i % 23 == 5 else Status.SUBMITTED if i % 19 == 3 else Status.PUBLISHED
        )

    # Achievements: 4 wordings per topic → 176.
    i = 0
    for variant in range(4):
        for topic in TOPICS:
            title, summary = achievement_text(topic, variant)
            if i % 15 == 7:  # a dozen written in traditional script
                title, summary = to_traditional(title), to_traditional(summary)
            owner = suppliers[i % len(suppliers)]
            price = None if i % 4 == 0 else Decimal(random.randrange(50, 5000) * 1000)
            _make(
                reviewer,
                "achievement",
                owner,
                f"demo-ach-{i:03d}",
                status_for(i),
                title=title,
                summary=summary,
                keywords=list(topic.keywords),
                technical_field=topic.field,
                discipline=topic.discipline,
                trl=3 + (i % 7),
                ip_type=("invention_patent", "utility_model", "software_copyright", "know_how")[
                    i % 4
                ],
                patent_numbers=[f"ZL20{18 + i % 7}1{i:07d}.{i % 10}"] if i % 4 == 0 else [],
                transfer_modes=[
                    ("transfer", "licence", "equity", "joint_development", "service")[j % 5]
                    for j in range(i, i + 1 + i % 3)
                ],
                asking_price=price,
                price_negotiable=price is None,
                contact_name=person_name(i + 3),
                contact_phone=f"1380000{i:04d}",
            )
            i += 1
    # Experts: 66.
    for n in range(66):
        topic = TOPICS[n % len(TOPICS)]
        owner = suppliers[(n * 3) % len(suppliers)]
        name = person_name(n)
        profile = (
            f"长期从事{topic.subject}研究，主持完成多项省部级科研项目，"
            f"擅长{topic.method.removeprefix('采用').removeprefix('开发')}。"
        )
        if n % 11 == 4:
            name, profile = to_traditional(name), to_traditional(profile)
        _make(
            reviewer,
            "expert",
            owner,
            f"demo-exp-{n:03d}",
            status_for(n + 1),
            name=name,
            title=TITLES[n % len(TITLES)],
            disciplines=[topic.discipline],
            technical_fields=[topic.field],
            technical_field=topic.field,
            keywords=list(topic.keywords),
            profile=profile,
            phone=f"1380000{n:04d}",
            email=f"expert{n:03d}@example.org",
            consent_version="2026-01",
        )
    # Instruments: 72.
    holders = [o for o in suppliers if o.kind != "enterprise"] or suppliers
    for n in range(72):
        name, category, country, value = INSTRUMENTS[n % len(INSTRUMENTS)]
        owner = holders[n % len(holders)]
        topic = TOPICS[n % len(TOPICS)]
        _make(
            reviewer,
            "instrument",
            owner,
            f"demo-ins-{n:03d}",
            status_for(n + 2),
            name=name,
            model_number=f"TB-{1000 + n}",
            manufacturer="示例仪器制造商",
            country_of_origin=country if codes.get_country(country) else "",
            original_value=value,
            category=category,
            address=f"{owner.name}分析测试中心 {100 + n} 室",
            technical_field=topic.field,
            sharing_mode=("open", "booking", "cooperation")[n % 3],
            fee_internal=(value / 10000).quantize(Decimal("1")),
            fee_external=(value / 5000).quantize(Decimal("1")),
            fee_unit=("hour", "sample")[n % 2],
            keywords=[category, name],
            description=f"可用于{topic.subject}相关的{category}，提供送样检测与上机培训。",
        )
    # Three instruments of the demo institution (the 'institution' and 'technician'
    # accounts), shared through the sharing demo: bookings, orders, vouchers, settlement.
    home = Organisation.objects.filter(external_id="demo-bj-inst").first()
    if home is not None:
        for n, (name, category, country, value) in enumerate(INSTRUMENTS[:3]):
            _make(
                reviewer,
                "instrument",
                home,
                f"demo-ins-bj-{n + 1}",
                Status.PUBLISHED,
                name=name,
                model_number=("SU8010", "D8 ADVANCE", "NexION 350")[n],
                manufacturer="示例仪器制造商",
                country_of_origin=country if codes.get_country(country) else "",
                original_value=value,
                category=category,
                address=f"{home.name}分析测试中心 {201 + n} 室",
                technical_field="new_materials",
                sharing_mode="booking",
                fee_unit="hour",
                keywords=[category, name],
                description=f"面向企业开放共享的{category}仪器，可预约上机或委托检测，提供上机培训。",
            )
    # Demands: 66 from Guiyang enterprises; some recorded by stations.
    stations = [o for o in orgs.values() if o.kind == "station"]
    for n in range(66):
        topic = TOPICS[(n * 5) % len(TOPICS)]
        owner = enterprises[n % len(enterprises)]
        title, summary, detail = demand_text(topic, n, 1000 * (n % 9 + 1))
        if n % 13 == 6:
            title, summary, detail = (to_traditional(t) for t in (title, summary, detail))
        ext = f"demo-dem-{n:03d}"
        low = Decimal(random.randrange(10, 100) * 10000)
        data = dict(
            title=title,
            summary=summary,
            detail=detail,
            technical_field=topic.field,
            keywords=list(topic.keywords),
            industry_code=owner.industry_code
            if codes.is_valid_industry(owner.industry_code)
            else "",
            budget_min=low,
            budget_max=low * 3,
            deadline=today + dt.timedelta(days=180 + n),
            expires_on=today + dt.timedelta(days=60 + 5 * n),
            confidential=n % 3 != 0,
            cooperation_mode=("joint_development", "commissioned", "transfer", "consulting")[n % 4],
            channel=("online", "station_visit", "tech_squad", "meeting")[n % 4],
        )
        if n % 10 == 1 and stations and not _exists("demand", owner, ext):
            station = stations[n % len(stations)]
            staff = station.members.first()
            if staff is not None:
                services.demand_record_for_enterprise(
                    actor=staff, enterprise=owner, external_id=ext, **data
                )
                continue  # waits for the enterprise's confirmation
        _make(reviewer, "demand", owner, ext, status_for(n), **data)
    # Labs, data resources, services.
    for n, (name, lab_type, level, field) in enumerate(LABS):
        _make(
            reviewer,
            "lab",
            holders[n % len(holders)],
            f"demo-lab-{n:03d}",
            Status.PUBLISHED,
            name=name,
            lab_type=lab_type,
            level=level,
            technical_field=field,
            description=f"{name}面向社会开放共享，提供联合研发、测试验证与人才培养服务。",
        )
    for n, (title, fmt, size, freq, field) in enumerate(DATA):
        _make(
            reviewer,
            "data",
            suppliers[(n * 2) % len(suppliers)],
            f"demo-dat-{n:03d}",
            Status.PUBLISHED,
            title=title,
            data_format=fmt,
            size=size,
            update_frequency=freq,
            technical_field=field,
            description=f"{title}，经脱敏处理后开放。",
            access_terms="签署数据使用协议后用于科研与产品开发，不得转售。",
        )
    for n, (title, field, price) in enumerate(SERVICES):
        _make(
            reviewer,
            "service",
            suppliers[(n * 5) % len(suppliers)],
            f"demo-svc-{n:03d}",
            Status.PUBLISHED,
            title=title,
            technical_field=field,
            price=price,
            price_note="按次计费，批量可议",
            description=f"{title}：出具正式报告，周期 5–10 个工作日。",
        )
