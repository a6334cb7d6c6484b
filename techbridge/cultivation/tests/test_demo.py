"""The demo loader: tier records for the demo enterprises, the enterprise account's
figures, one enterprise that moved up after a deal; created once however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest

from techbridge.accounts.roles import Role
from techbridge.core.testing import make_organisation, make_user
from techbridge.cultivation import demo, selectors
from techbridge.cultivation.models import EnterpriseFigures, TierRecord

pytestmark = pytest.mark.django_db


def test_skipped_without_the_bureau_account(db) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue()


def test_loads_once_with_a_move_after_a_deal(personas) -> None:  # type: ignore[no-untyped-def]
    orgs = {}
    for ext in ("demo-gy-ent", "demo-gy-ent-2", "demo-gy-ent-3", "demo-gy-ent-9", "demo-gy-ent-16"):
        orgs[ext] = make_organisation(f"演示企业 {ext}", region_code="520115", external_id=ext)
    make_user("bureau", Role.BUREAU_STAFF, personas.bureau)
    make_user("enterprise", Role.ENTERPRISE_MEMBER, orgs["demo-gy-ent"])
    make_user("broker", Role.BROKER, personas.institution)
    for _run in range(2):
        demo.load(StringIO())
    assert TierRecord.objects.count() == len(demo.RECORDS)
    assert TierRecord.objects.filter(revoked_at__isnull=False).count() == 1
    assert EnterpriseFigures.objects.filter(organisation=orgs["demo-gy-ent"]).count() == 1
    moves = [m for m in selectors.movements() if m.organisation_id == orgs["demo-gy-ent-2"].pk]
    assert [(m.tier, sorted(m.engaged)) for m in moves] == [
        ("tech_sme", []),
        ("high_tech", ["deal"]),
    ]
