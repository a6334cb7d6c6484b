"""Demo data for `techbridge setup-demo` (idempotent): two programmes side by side —
首都科技条件平台贵阳工作站 (the default programme: Guiyang with Beijing) and 中关村–承德合作
(Chengde with Zhongguancun, 海淀区) — with this year's targets, two Chengde enterprises and
their published demands, so each dashboard shows its own figures and a Chengde demand's
matches favour Zhongguancun. Skipped when the accounts demo (user 'bureau') is absent."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from techbridge.brokerage.models import Station
from techbridge.catalogue import services as catalogue_services
from techbridge.catalogue.models import Demand
from techbridge.organisations.models import Organisation, OrganisationStatus
from techbridge.organisations.uscc import check_character
from techbridge.programmes import services
from techbridge.programmes.models import Programme

GUIYANG = "首都科技条件平台贵阳工作站"
CHENGDE = "中关村–承德合作"

# Targets in the words of the seeds' work plans (收集需求100项以上, 对接会2—3次,
# 技术经纪人队伍20人以上, …); amounts in yuan as people write them.
TARGETS = {
    GUIYANG: {
        "demands_collected": "100",
        "meetings_held": "3",
        "deals_won": "20",
        "active_brokers": "20",
        "partner_contracts": "600",
        "partner_contract_amount": "5000亿元",
        "instruments_shared": "30",
        "enterprises_served": "50",
        "projects_started": "20",
        "problems_solved_on_time": "30",
    },
    CHENGDE: {
        "demands_collected": "30",
        "meetings_held": "2",
        "deals_won": "5",
        "partner_contracts": "10",
        "partner_contract_amount": "5000万",
    },
}

ENTERPRISES = [
    ("demo-cd-ent-1", "承德钒钛新材料有限公司（示例）", "130802", "3240"),
    ("demo-cd-ent-2", "承德大数据产业园运营有限公司（示例）", "130803", "6450"),
]

DEMANDS = [
    (
        "demo-cd-demand-1",
        "demo-cd-ent-1",
        "钒钛磁铁矿尾矿综合利用技术",
        "我单位在钒钛磁铁矿选冶过程中产生大量尾矿，希望寻求尾矿中钒、钛有价元素回收和尾矿建材化利用的技术合作。",
        "new_materials",
        "station_visit",
    ),
    (
        "demo-cd-demand-2",
        "demo-cd-ent-2",
        "数据中心液冷节能改造方案",
        "园区数据中心能耗偏高，PUE 超过 1.5，希望引进液冷和余热回收技术，降低制冷能耗。",
        "electronic_information",
        "meeting",
    ),
    (
        "demo-cd-demand-3",
        "demo-cd-ent-2",
        "京津冀大数据走廊 算力调度平台",
        "希望与中关村企业合作，建设跨区域算力调度平台，为承德本地企业提供数据存储和计算服务。",
        "electronic_information",
        "online",
    ),
]


def _uscc(region: str, n: int) -> str:
    body = f"91{region}MA{n:07d}"
    return body + check_character(body)


def _chengde_world(bureau: Any) -> int:
    orgs = {}
    for n, (ext, name, region, industry) in enumerate(ENTERPRISES, 900):
        org = Organisation.objects.filter(external_id=ext).first()
        if org is None:
            org = Organisation.objects.create(
                external_id=ext,
                name=name,
                kind="enterprise",
                region_code=region,
                legal_person_type="150",
                industry_code=industry,
                uscc=_uscc(region, n),
                status=OrganisationStatus.VERIFIED,
            )
        orgs[ext] = org
    made = 0
    for ext, owner_ext, title, summary, field, channel in DEMANDS:
        owner = orgs[owner_ext]
        if Demand.objects.filter(owner=owner, external_id=ext).exists():
            continue
        record = catalogue_services.record_create(
            actor=bureau,
            kind="demand",
            owner=owner,
            external_id=ext,
            title=title,
            summary=summary,
            technical_field=field,
            region_code=owner.region_code,
            channel=channel,
            deadline=timezone.localdate() + dt.timedelta(days=180),
        )
        catalogue_services.record_submit(actor=bureau, record=record)
        catalogue_services.record_publish(actor=bureau, record=record)
        made += 1
    return made


def load(out: TextIO) -> None:
    bureau = get_user_model().objects.filter(username="bureau", is_active=True).first()
    if bureau is None:
        out.write("programmes demo: the accounts demo (user 'bureau') is missing; skipped\n")
        return
    with transaction.atomic():
        demands = _chengde_world(bureau)
        default = services.default_programme()
        guiyang = Programme.objects.filter(name=GUIYANG).first() or default
        stations = list(Station.objects.filter(region_code__startswith="52"))
        guiyang = services.programme_save(
            actor=bureau,
            programme=guiyang,
            name=GUIYANG,
            short_name="贵阳工作站",
            kind="station",
            description="首都科技条件平台在贵阳设立的工作站：收集贵阳企业的技术需求，"
            "对接北京的成果、专家、仪器设备和实验室。",
            launched_on=dt.date(2013, 9, 7),
            home_regions="贵阳市",
            partner_regions="北京",
            stations=stations,
        )
        chengde = Programme.objects.filter(name=CHENGDE).first()
        chengde = services.programme_save(
            actor=bureau,
            programme=chengde,
            name=CHENGDE,
            short_name="中关村–承德",
            kind="corridor",
            description="京津冀大数据走廊：中关村（海淀区）与承德市的合作。",
            launched_on=dt.date(2016, 8, 30),
            home_regions="承德市",
            partner_regions="海淀区",
        )
        year = timezone.localdate().year
        for programme in (guiyang, chengde):
            existing = set(programme.targets.filter(year=year).values_list("metric", flat=True))
            for metric, value in TARGETS[programme.name].items():
                if metric not in existing:
                    services.target_set(
                        actor=bureau,
                        programme=programme,
                        year=year,
                        metric=metric,
                        value=value,
                        note="演示：年度工作方案",
                    )
    out.write(f"programmes demo: 2 programmes, {demands} Chengde demands\n")
