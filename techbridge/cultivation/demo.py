"""Demo data for `techbridge setup-demo`: tier records of a few Guiyang enterprises (by
the bureau account), one enterprise's figures (by the enterprise account), and one
enterprise that moved up to 高新技术企业 after a deal run by the demo broker.

Idempotent: a record (enterprise, tier, date), a year's figures or the demo deal that
exists already is left alone. Dates are relative to this year, so the cohort pages always
show the last three years.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from techbridge.brokerage import services as brokerage_services
from techbridge.brokerage.models import Deal
from techbridge.cultivation import services
from techbridge.cultivation.models import EnterpriseFigures, TierRecord
from techbridge.organisations.models import Organisation

DEAL_TITLE = "磷酸铁锂正极材料中试放大合作"

# (enterprise external id, tier, years ago, month, day, certificate, revoke reason)
RECORDS: list[tuple[str, str, int, int, int, str, str]] = [
    ("demo-gy-ent", "tech_sme", 2, 4, 15, "20245201150A0012", ""),
    ("demo-gy-ent", "tech_sme", 1, 4, 18, "20255201150A0031", ""),
    ("demo-gy-ent", "above_scale", 1, 12, 31, "", ""),
    ("demo-gy-ent-2", "tech_sme", 2, 5, 6, "20245201150A0045", ""),
    ("demo-gy-ent-2", "high_tech", 1, 11, 20, "GR202552000123", ""),
    ("demo-gy-ent-3", "above_scale", 3, 1, 1, "", ""),
    ("demo-gy-ent-3", "high_tech", 3, 12, 1, "GR202352000087", ""),
    ("demo-gy-ent-3", "specialised", 1, 7, 1, "黔专精特新〔2025〕0316", ""),
    ("demo-gy-ent-9", "tech_sme", 1, 5, 10, "20255201150A0102", ""),
    (
        "demo-gy-ent-9",
        "high_tech",
        2,
        12,
        5,
        "GR202452000105",
        "复核发现研发费用归集不实，证书撤销",
    ),
    ("demo-gy-ent-16", "high_tech", 2, 10, 30, "GR202452000066", ""),
    ("demo-gy-ent-16", "little_giant", 1, 8, 1, "工信部第七批专精特新“小巨人”", ""),
]

# The enterprise account's figures for last year (money as people write it).
FIGURES: dict[str, Any] = {
    "staff": 186,
    "st_staff": 24,
    "rd_staff": 17,
    "total_revenue": "1.2亿",
    "main_revenue": "1.08亿",
    "sales_revenue": "1.15亿",
    "total_assets": "1.6亿",
    "total_cost": "1.02亿",
    "rd_total": "368万",
    "rd_in_china": "368万",
    "hightech_revenue": "7800万",
    "equity_financing_2y": "0",
    "registered_on": dt.date(2016, 8, 12),
    "niche_years": 7,
    "ip_class_1": 2,
    "ip_class_2": 9,
}


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first()


def load(out: TextIO) -> None:
    bureau, enterprise, broker = _user("bureau"), _user("enterprise"), _user("broker")
    if bureau is None:
        out.write("cultivation: demo bureau account missing; skipped\n")
        return
    today = timezone.localdate()
    orgs = {
        o.external_id: o
        for o in Organisation.objects.filter(external_id__in={r[0] for r in RECORDS})
    }
    made = 0
    with transaction.atomic():
        if broker is not None and "demo-gy-ent-2" in orgs:
            _deal(broker, orgs["demo-gy-ent-2"], today)
        for ext, tier, years_ago, month, day, certificate, revoke in RECORDS:
            organisation = orgs.get(ext)
            if organisation is None:
                continue
            obtained = min(dt.date(today.year - years_ago, month, day), today)
            if TierRecord.objects.filter(
                organisation=organisation, tier=tier, obtained_on=obtained
            ).exists():
                continue
            record = services.tier_record(
                actor=bureau,
                organisation=organisation,
                tier=tier,
                obtained_on=obtained,
                certificate_number=certificate,
                evidence_note="认定公示名单（演示数据）",
            )
            if revoke:
                services.tier_revoke(actor=bureau, record=record, reason=revoke)
            made += 1
        ent = orgs.get("demo-gy-ent")
        year = today.year - 1
        if (
            enterprise is not None
            and ent is not None
            and not EnterpriseFigures.objects.filter(organisation=ent, year=year).exists()
        ):
            services.figures_save(actor=enterprise, organisation=ent, year=year, **FIGURES)
            made += 1
    out.write(f"cultivation: {made} tier records and figures added\n")


def _deal(broker: Any, organisation: Organisation, today: dt.date) -> None:
    """The deal the lithium enterprise took part in before its 高企 certificate. The demo
    backdates when it was opened (the history a live platform would have)."""
    if Deal.objects.filter(enterprise=organisation, title=DEAL_TITLE).exists():
        return
    deal = brokerage_services.deal_create(actor=broker, enterprise=organisation, title=DEAL_TITLE)
    opened = dt.datetime(today.year - 2, 9, 1, 10, tzinfo=dt.UTC)
    Deal.objects.filter(pk=deal.pk).update(created_at=opened)
