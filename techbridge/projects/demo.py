"""Demo ledger for `techbridge setup-demo` (idempotent): the first batch of 京筑 cooperation
projects and a big-data fair's signings, in two zones, across every stage, with dated
funds in place and a plan that is behind. Projects are keyed by their external id; the
demo "handler" (贵阳市科学技术局) is responsible for most of them, and the demo enterprise
is the local company of two."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.db import transaction

from techbridge.brokerage.models import Deal
from techbridge.contracts.models import ContractStatus, TechnologyContract
from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from techbridge.projects import services
from techbridge.projects.models import Batch, Project, Zone

D = dt.date
FIRST_BATCH = ("首批京筑合作签约项目", D(2014, 1, 10), "京筑创新驱动区域合作签约仪式")
FAIR_BATCH = ("贵阳大数据产业推介会签约项目", D(2015, 5, 26), "中国贵阳国际大数据产业博览会")
ZONES = [("贵阳国家高新技术产业开发区", "520100"), ("贵阳经济技术开发区", "520100")]
DEPARTMENT = ("demo-gy-invest", "贵阳高新区投资促进局")

# (external id, name, batch, zone, investor, total, contract type, field, stage path,
#  funds [(date, amount)], plan (amount, due) or None, reason)
PROJECTS: list[tuple[Any, ...]] = [
    (
        "demo-xm-01",
        "大数据灾备中心建设项目",
        0,
        0,
        "北京中关村数据科技有限公司",
        "1200000000",
        True,
        "electronic_information",
        [("started", D(2014, 2, 18)), ("in_production", D(2015, 6, 1))],
        [(D(2014, 3, 20), "300000000"), (D(2014, 9, 30), "450000000")],
        None,
        "",
    ),
    (
        "demo-xm-02",
        "新能源汽车动力电池产业化项目",
        0,
        1,
        "北京新能源动力电池股份有限公司",
        "850000000",
        True,
        "new_energy",
        [("started", D(2014, 3, 5))],
        [(D(2014, 3, 28), "120000000")],
        ("300000000", D(2014, 12, 31)),
        "",
    ),
    (
        "demo-xm-03",
        "赤泥综合利用示范线",
        0,
        1,
        "北京矿冶科技集团有限公司",
        "360000000",
        False,
        "environment",
        [("started", D(2014, 2, 25)), ("stalled", D(2014, 8, 1))],
        [(D(2014, 3, 10), "40000000")],
        None,
        "施工用电不稳，待电网改造",
    ),
    (
        "demo-xm-04",
        "高强铝合金下游应用项目",
        0,
        0,
        "北京有色金属研究总院",
        "520000000",
        True,
        "new_materials",
        [("started", D(2014, 3, 12))],
        [(D(2014, 3, 31), "66790000")],
        None,
        "",
    ),
    (
        "demo-xm-05",
        "动漫渲染云平台",
        0,
        0,
        "北京数字动漫科技有限公司",
        "90000000",
        False,
        "electronic_information",
        [],
        [],
        None,
        "",
    ),
    (
        "demo-xm-06",
        "中药材种植加工基地",
        0,
        1,
        "北京同仁中药材有限公司",
        "150000000",
        False,
        "agriculture",
        [("cancelled", D(2014, 6, 30))],
        [],
        None,
        "投资方战略调整",
    ),
    (
        "demo-xm-07",
        "数据交易平台技术合作",
        1,
        0,
        "北京大数据交易服务有限公司",
        "240000000",
        True,
        "electronic_information",
        [("started", D(2015, 7, 1))],
        [(D(2015, 8, 15), "100000000")],
        None,
        "",
    ),
    (
        "demo-xm-08",
        "工业机器视觉研发中心",
        1,
        0,
        "北京微电子技术有限公司",
        "180000000",
        True,
        "advanced_manufacturing",
        [],
        [],
        ("50000000", D(2015, 12, 31)),
        "",
    ),
]


def _department() -> Organisation:
    ext, name = DEPARTMENT
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


def _batches() -> list[Batch]:
    out = []
    for name, signed_on, source in (FIRST_BATCH, FAIR_BATCH):
        batch = Batch.objects.filter(name=name).first() or services.batch_create(
            actor=None, name=name, signed_on=signed_on, source_event=source
        )
        out.append(batch)
    return out


def _zones() -> list[Zone]:
    out = []
    for name, region in ZONES:
        zone = Zone.objects.filter(name=name, region_code=region).first()
        out.append(zone or services.zone_create(actor=None, name=name, region_code=region))
    return out


def _link_demo_sources(project: Project) -> None:
    """The first project came out of a deal and a registered contract (when the brokerage
    and contracts demos are loaded)."""
    contract = (
        TechnologyContract.objects.filter(status=ContractStatus.REGISTERED).order_by("id").first()
    )
    deal = Deal.objects.order_by("id").first()
    services.project_link(
        actor=None,
        project=project,
        deals=[deal] if deal else [],
        contracts=[contract] if contract else [],
    )


@transaction.atomic
def load(out: TextIO) -> None:
    batches, zones = _batches(), _zones()
    bureau = Organisation.objects.filter(external_id="demo-gy-bureau").first()
    company = Organisation.objects.filter(external_id="demo-gy-ent").first()
    invest = _department()
    created = 0
    for i, row in enumerate(PROJECTS):
        ext, name, b, z, investor, total, contract, field, path, funds, plan, reason = row
        if Project.objects.filter(external_id=ext).exists():
            continue
        project = services.project_create(
            actor=None,
            external_id=ext,
            name=name,
            batch=batches[b],
            zone=zones[z],
            region_code=zones[z].region_code,
            investor_name=investor,
            local_company=company if i in (1, 3) else None,
            local_company_name="" if i in (1, 3) else f"{name[:6]}（贵阳）有限公司",
            is_contract_type=contract,
            technical_field=field,
            total_investment=total,
            planned_funds=plan[0] if plan else None,
            planned_funds_due=plan[1] if plan else None,
            responsible_department=bureau if bureau and i % 3 != 2 else invest,
            contact_name="王经理",
            contact_phone=f"1380851{i:04d}",
        )
        for stage, day in path:
            services.project_set_stage(
                actor=None,
                project=project,
                stage=stage,
                on=day,
                reason=reason if stage in ("stalled", "cancelled") else "",
            )
        for day, amount in funds:
            services.funding_record(
                actor=None, project=project, amount=amount, entry_date=day, note="演示数据"
            )
        if i == 0:
            _link_demo_sources(project)
        created += 1
    out.write(
        f"projects: {created} demo projects created"
        if created
        else "projects: demo ledger already present"
    )
    out.write("\n")
