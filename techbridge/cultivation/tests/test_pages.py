from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent, AuditEventType
from techbridge.brokerage.models import Deal
from techbridge.core.testing import make_user
from techbridge.cultivation import selectors, services

pytestmark = pytest.mark.django_db


def _figures(personas, **extra):
    values = dict(
        staff=100,
        st_staff=12,
        sales_revenue="1亿",
        total_revenue="1亿",
        rd_total="320万",
        rd_in_china="320万",
        hightech_revenue="7000万",
        registered_on=dt.date(2018, 5, 1),
        ip_class_1=1,
    )
    values.update(extra)
    return services.figures_save(
        actor=personas.owner, organisation=personas.org, year=2025, **values
    )


def test_member_sees_own_self_check_with_the_gap(personas, codes):
    _figures(personas)
    url = reverse("cultivation:enterprise", args=[personas.org.pk]) + "?year=2025"
    page = personas.client_for(personas.owner).get(url)
    text = page.content.decode()
    assert page.status_code == 200
    # 3.2 % of 1亿 in the 4 % band: short by 0.8 points, 80万元.
    assert "3.20%" in text and "0.80" in text and "80.00万元" in text
    assert "贵州省 贵阳市" in text and ">520100<" not in text
    assert "未核实" in text  # the 专精特新 score is shown as unverified


def test_my_page_leads_to_own_enterprise(personas):
    page = personas.client_for(personas.owner).get(reverse("cultivation:mine"))
    assert page.status_code == 302
    assert page["Location"] == reverse("cultivation:enterprise", args=[personas.org.pk])
    assert (
        personas.client_for(personas.researcher).get(reverse("cultivation:mine")).status_code == 403
    )


def test_another_enterprise_gets_404_and_the_attempt_is_audited(personas):
    _figures(personas)
    before = AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED).count()
    url = reverse("cultivation:enterprise", args=[personas.org.pk])
    assert personas.client_for(personas.outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED).count() == before + 1
    figures_url = reverse("cultivation:figures", args=[personas.org.pk, 2025])
    assert personas.client_for(personas.outsider).get(figures_url).status_code == 404
    assert personas.anonymous.get(url).status_code == 302


def test_bureau_reads_figures_but_does_not_edit_them(personas):
    _figures(personas)
    client = personas.client_for(personas.staff)
    url = reverse("cultivation:enterprise", args=[personas.org.pk]) + "?year=2025"
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("cultivation:figures", args=[personas.org.pk, 2025])).status_code == 403
    )


def test_member_enters_figures_through_the_form(personas):
    client = personas.client_for(personas.owner)
    url = reverse("cultivation:figures", args=[personas.org.pk, 2025])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"staff": "10", "st_staff": "11", "ip_class_1": "0", "ip_class_2": "0"})
    assert bad.status_code == 400
    ok = client.post(
        url,
        {"staff": "10", "st_staff": "2", "rd_total": "150万", "ip_class_1": "0", "ip_class_2": "1"},
    )
    assert ok.status_code == 302
    assert str(personas.org.cultivation_figures.get(year=2025).rd_total) == "1500000.00"


def test_register_record_and_revoke_pages(personas, codes):
    client = personas.client_for(personas.staff)
    new = reverse("cultivation:record_new", args=[personas.org.pk])
    assert client.get(new).status_code == 200
    done = client.post(
        new,
        {"tier": "tech_sme", "obtained_on": "2025-04-01", "certificate_number": "2025520100A0001"},
    )
    assert done.status_code == 302
    record = personas.org.tier_records.get()
    assert record.expires_on == dt.date(2025, 12, 31)
    page = client.get(reverse("cultivation:register") + "?tier=tech_sme&region=贵阳市")
    assert page.status_code == 200 and "2025-04-01" in page.content.decode()
    client.post(reverse("cultivation:revoke", args=[record.pk]), {"reason": "信息不实"})
    record.refresh_from_db()
    assert record.revoked_at is not None
    # members see their record, not the register
    owner = personas.client_for(personas.owner)
    assert owner.get(reverse("cultivation:record", args=[record.pk])).status_code == 200
    assert owner.get(reverse("cultivation:register")).status_code == 403
    assert (
        personas.client_for(personas.outsider)
        .get(reverse("cultivation:record", args=[record.pk]))
        .status_code
        == 404
    )


def test_staff_cannot_record_for_their_own_organisation_on_the_page(personas):
    personas.bureau.kind = "enterprise"
    personas.bureau.save()
    page = personas.client_for(personas.staff).post(
        reverse("cultivation:record_new", args=[personas.bureau.pk]),
        {"tier": "tech_sme", "obtained_on": "2025-04-01"},
    )
    assert page.status_code == 409


def test_cohorts_count_moves_and_who_used_the_platform_before(personas, record, codes):
    broker = make_user("broker1", Role.BROKER, personas.institution)
    deal = Deal.objects.create(title="铝合金开发", enterprise=personas.org, broker=broker)
    Deal.objects.filter(pk=deal.pk).update(created_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    record("tech_sme", dt.date(2024, 3, 1))
    record("high_tech", dt.date(2025, 3, 1))
    record("tech_sme", dt.date(2025, 3, 1), organisation=personas.other_org)
    record("tech_sme", dt.date(2025, 4, 1))  # yearly re-entry: not a move
    moves = selectors.movements()
    assert [(m.organisation_id, m.tier, sorted(m.engaged)) for m in moves] == [
        (personas.org.pk, "tech_sme", []),
        (personas.org.pk, "high_tech", ["deal"]),
        (personas.other_org.pk, "tech_sme", []),
    ]
    per_year = {r.year: r for r in selectors.movements_per_year()}
    assert (per_year[2025].moves, per_year[2025].engaged, str(per_year[2025].engaged_share)) == (
        2,
        1,
        "50.00",
    )
    rows = selectors.cohort_by_region(2025)
    assert rows[0].region_code == "520100" and rows[0].counts["tech_sme"] == 2
    page = personas.client_for(personas.staff).get(reverse("cultivation:cohorts") + "?year=2025")
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text and "50.00%" in text
    assert "高新技术企业" in text
    assert (
        personas.client_for(personas.owner).get(reverse("cultivation:cohorts")).status_code == 403
    )


def test_api_tiers_and_self_check(personas, record):
    record("high_tech", dt.date(2025, 3, 1))
    client = personas.client_for(personas.owner)
    tiers = client.get(f"/api/v1/cultivation/organisations/{personas.org.pk}/tiers/")
    assert tiers.status_code == 200
    assert tiers.json()[0]["tier"] == "high_tech"
    body = {
        "organisation": personas.org.pk,
        "year": 2025,
        "staff": 100,
        "st_staff": 9,
        "sales_revenue": "50000000.00",
        "rd_total": "2,500,000",
        "rd_in_china": "250万",
        "total_revenue": "5000万",
        "hightech_revenue": "3000万",
        "ip_class_2": 1,
        "registered_on": "2020-01-01",
        "total_assets": "8000万",
    }
    answer = client.post(
        "/api/v1/cultivation/self-check/", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    high_tech = next(x for x in answer.json()["tiers"] if x["tier"] == "high_tech")
    crit = {c["key"]: c for c in high_tech["criteria"]}
    assert crit["rd_share"]["met"] is True and crit["rd_share"]["band"] == "small"
    assert crit["st_staff_share"]["met"] is False and crit["st_staff_share"]["gap_people"] == 1
    tech_sme = next(x for x in answer.json()["tiers"] if x["tier"] == "tech_sme")
    assert tech_sme["direct_pass"] == ["holds_high_tech"]
    # an exponent is refused as it is in a string (DecimalJSONParser keeps the text)
    float_body = json.dumps(body).replace('"rd_total": "2,500,000"', '"rd_total": 1e6')
    assert (
        client.post(
            "/api/v1/cultivation/self-check/", float_body, content_type="application/json"
        ).status_code
        == 400
    )
    other = personas.client_for(personas.outsider)
    assert (
        other.post(
            "/api/v1/cultivation/self-check/", json.dumps(body), content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        other.get(f"/api/v1/cultivation/organisations/{personas.org.pk}/tiers/").status_code == 404
    )


def test_cohorts_per_cooperation_programme(personas, record, codes):
    from techbridge.programmes import services as programme_services
    from techbridge.programmes.attribution import forget_programmes

    forget_programmes()
    try:
        programme_services.programme_save(
            actor=personas.staff, name="京筑科技合作", home_regions=["520100"]
        )
        forget_programmes()
        record("high_tech", dt.date(2025, 3, 1))
        rows = selectors.cohort_by_programme(selectors.cohort_by_region(2025))
        assert [(r.name, r.counts["high_tech"]) for r in rows] == [("京筑科技合作", 1)]
        page = personas.client_for(personas.staff).get(
            reverse("cultivation:cohorts") + "?year=2025"
        )
        assert "按合作计划" in page.content.decode() and "京筑科技合作" in page.content.decode()
    finally:
        forget_programmes()
