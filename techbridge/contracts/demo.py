"""Demo contracts: a registry history 2013–today in which Beijing → Guizhou is the big flow,
concentrated in 现代交通, 城市建设与社会发展 and 电子信息, plus a few contracts in the
registrar's queue (one a likely duplicate). Idempotent: rows are keyed by registration
number, queue contracts by name."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from techbridge.contracts import services
from techbridge.contracts.importers import ContractImporter
from techbridge.contracts.models import ContractStatus, TechnologyContract
from techbridge.organisations.models import Organisation

# (seller region, buyer region, weight, field weights (field → weight))
FLOWS = [
    (
        ["110108", "110105", "110102"],
        ["520100", "520115", "520102", "522301", "520300"],
        55,
        {
            "modern_transport": 40,
            "urban_social": 30,
            "electronic_information": 22,
            "agriculture": 4,
            "new_materials": 4,
        },
    ),
    (
        ["520100", "520115"],
        ["520100", "520300", "522301"],
        20,
        {"electronic_information": 30, "agriculture": 25, "new_energy": 20, "biomedicine": 25},
    ),
    (["310101", "310115"], ["520100"], 10, {"electronic_information": 50, "biomedicine": 50}),
    (
        ["110108"],
        ["130100", "130600", "120101"],
        15,
        {"electronic_information": 50, "advanced_manufacturing": 30, "environment": 20},
    ),
]
TYPES = {"development": 35, "service": 35, "consulting": 10, "transfer": 12, "licence": 8}
# Office code 09 is reserved for the demo history, so the live counter (office 01) stays at 0.
OFFICE = "52010009"


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _history(today: dt.date) -> list[dict[str, Any]]:
    rng = random.Random(2013)
    rows = []
    orgs = {
        o.external_id: o
        for o in Organisation.objects.filter(external_id__in=["demo-bj-inst", "demo-gy-ent"])
    }
    start = dt.date(2013, 9, 1)
    span = (today - start).days
    for i in range(1500):
        sellers, buyers, _weight, fields = rng.choices(FLOWS, weights=[f[2] for f in FLOWS])[0]
        # Later years trade more: skew the day towards the end of the span.
        day = start + dt.timedelta(days=int(span * (rng.random() ** 0.85)))
        kind = _pick(rng, TYPES)
        amount = Decimal(rng.randint(50_000_00, 20_000_000_00)) / 100
        tech = (amount * Decimal(rng.randint(60, 100)) / 100).quantize(Decimal("0.01"))
        seller_region, buyer_region = rng.choice(sellers), rng.choice(buyers)
        seller = orgs.get("demo-bj-inst") if seller_region == "110108" and i % 5 == 0 else None
        buyer = orgs.get("demo-gy-ent") if buyer_region == "520115" and i % 3 == 0 else None
        rows.append(
            {
                "registration_number": f"{day.year}{OFFICE}{i + 1:07d}",
                "name": f"示范技术合同 {i + 1:04d}",
                "contract_type": kind,
                "seller_organisation_id": seller.pk if seller else None,
                "seller_name": (
                    seller.name if seller else f"{_place(seller_region)}技术单位{i % 17}"
                ),
                "seller_country": "156",
                "seller_region": seller_region,
                "seller_type": seller.legal_person_type
                if seller
                else rng.choice(["021", "022", "150"]),
                "buyer_organisation_id": buyer.pk if buyer else None,
                "buyer_name": buyer.name if buyer else f"{_place(buyer_region)}企业{i % 23}",
                "buyer_country": "156",
                "buyer_region": buyer_region,
                "buyer_type": buyer.legal_person_type
                if buyer
                else rng.choice(["110", "150", "170"]),
                "signed_on": day,
                "signed_month": day.year * 100 + day.month,
                "contract_amount": amount,
                "technology_amount": tech,
                "technical_field": _pick(rng, fields),
                "ip_type": "invention_patent" if kind in ("transfer", "licence") else "",
                "status": ContractStatus.REGISTERED,
                "registration_office": OFFICE,
            }
        )
    return rows


def _queue(out: TextIO) -> None:
    from techbridge.accounts.models import User

    author = User.objects.filter(username="institution").first()
    seller = Organisation.objects.filter(external_id="demo-bj-inst").first()
    buyer = Organisation.objects.filter(external_id="demo-gy-ent").first()
    if author is None or seller is None or buyer is None:
        out.write("contracts: demo accounts missing, queue skipped\n")
        return
    today = timezone.localdate()
    # (name, type, amount, technology amount, submit?, how many) — two identical
    # submissions show the registrar a likely duplicate.
    items = [
        ("铝镁合金轻量化车身部件联合开发", "development", "3200000.00", "2800000.00", True, 2),
        ("城市轨道交通能耗监测技术服务", "service", "860000.00", "860000.00", False, 1),
    ]
    for name, kind, amount, tech, submit, wanted in items:
        existing = TechnologyContract.objects.filter(name=name, seller_organisation=seller).count()
        for _n in range(wanted - existing):
            _queue_contract(author, seller, buyer, today, name, kind, amount, tech, submit)


def _queue_contract(
    author: Any,
    seller: Any,
    buyer: Any,
    today: dt.date,
    name: str,
    kind: str,
    amount: str,
    tech: str,
    submit: bool,
) -> None:
    contract = services.contract_create(
        actor=author,
        name=name,
        contract_type=kind,
        seller_organisation=seller,
        buyer_organisation=buyer,
        signed_on=today - dt.timedelta(days=10),
        contract_amount=amount,
        technology_amount=tech,
        technical_field="new_materials" if kind == "development" else "modern_transport",
    )
    if submit:
        services.contract_submit(actor=author, contract=contract)


def load(out: TextIO) -> None:
    """Registered history (bulk, like a registry import) and a small registrar queue."""
    importer = ContractImporter(actor=None)
    rows = _history(timezone.localdate())
    with transaction.atomic():
        outcome = importer.apply(rows, dry_run=False)
        _queue(out)
    out.write(f"contracts: {outcome.created} registered demo contracts added\n")


def _place(code: str) -> str:
    """A demo party's place as people name it ("朝阳区"), not its region code."""
    from techbridge.codes.selectors import region_chain

    chain = region_chain(code)
    return "".join(r.name for r in chain[-2:]) if chain else "某地"
