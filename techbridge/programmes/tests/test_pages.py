"""Programme pages and API: who sees which programme, the dashboard's numbers, the records
behind them, targets as people write them, a concurrent change refused, and the XLSX report."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from techbridge.accounts.roles import Role
from techbridge.brokerage.models import Station
from techbridge.catalogue.models import Demand
from techbridge.core.testing import make_organisation, make_user
from techbridge.programmes.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def guiyang_demand(pair, personas):
    gy = make_organisation("贵阳企业", region_code="520115")
    return Demand.objects.create(owner=gy, title="贵阳的需求", summary="s", status="submitted")


def test_bureau_staff_see_both_programmes_and_their_own_figures(pair, personas, guiyang_demand):
    client = personas.otp_client_for(personas.staff)
    listing = client.get("/programmes/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "首都科技条件平台贵阳工作站" in text and "中关村–承德合作" in text
    gy = client.get(f"/programmes/{pair.guiyang.pk}/?year={guiyang_demand.created_at.year}")
    cd = client.get(f"/programmes/{pair.chengde.pk}/?year={guiyang_demand.created_at.year}")
    assert 'data-metric="demands_collected"' in gy.content.decode()
    assert 'data-actual="1"' in gy.content.decode().split('data-metric="demands_collected"')[1]
    assert 'data-actual="0"' in cd.content.decode().split('data-metric="demands_collected"')[1]
    records = client.get(
        f"/programmes/{pair.guiyang.pk}/figures/demands_collected/"
        f"?year={guiyang_demand.created_at.year}"
    )
    assert "贵阳的需求" in records.content.decode()
    empty = client.get(
        f"/programmes/{pair.chengde.pk}/figures/demands_collected/"
        f"?year={guiyang_demand.created_at.year}"
    )
    assert "贵阳的需求" not in empty.content.decode()


def test_station_staff_see_only_their_stations_programme(pair, personas):
    org = make_organisation("承德快速响应站", region_code="130800")
    staff = make_user("cd-station", Role.STATION_STAFF, org)
    station = Station.objects.create(organisation=org, name="承德站", region_code="130800")
    pair.chengde.stations.add(station)
    client = personas.client_for(staff)
    assert client.get(f"/programmes/{pair.chengde.pk}/").status_code == 200
    assert client.get(f"/programmes/{pair.guiyang.pk}/").status_code == 404
    # Numbers, not the records behind them: those are for the bureau.
    assert client.get(f"/programmes/{pair.chengde.pk}/figures/deals_won/").status_code == 403
    api = client.get("/api/v1/programmes/").json()
    assert [p["name"] for p in api["results"]] == ["中关村–承德合作"]


def test_enterprises_and_outsiders_see_no_programme(pair, personas):
    for user in (personas.owner, personas.outsider):
        client = personas.client_for(user)
        assert client.get(f"/programmes/{pair.guiyang.pk}/").status_code == 404
        assert client.get("/programmes/").status_code == 403
        assert client.get(f"/api/v1/programmes/{pair.guiyang.pk}/dashboard/").status_code == 404
    assert personas.anonymous.get("/programmes/").status_code == 302


def test_targets_accept_what_people_write_and_refuse_a_concurrent_change(pair, personas):
    client = personas.otp_client_for(personas.staff)
    url = f"/programmes/{pair.guiyang.pk}/targets/?year=2026"
    response = client.post(
        url,
        {
            "demands_collected": "100项",
            "partner_contract_amount": "1.5亿元",
            "v-demands_collected": 0,
        },
    )
    assert response.status_code == 302
    targets = {t.metric: t.value for t in Target.objects.filter(programme=pair.guiyang, year=2026)}
    assert targets == {"demands_collected": 100, "partner_contract_amount": 15000000000}
    # Two editors loaded version 1; the second save must not overwrite the first.
    assert (
        client.post(url, {"demands_collected": "120", "v-demands_collected": 1}).status_code == 302
    )
    stale = client.post(url, {"demands_collected": "90", "v-demands_collected": 1})
    assert stale.status_code == 400
    assert (
        Target.objects.get(programme=pair.guiyang, year=2026, metric="demands_collected").value
        == 120
    )
    bad = client.post(url, {"meetings_held": "两三次"})
    assert bad.status_code == 400 and "两三次" in bad.content.decode()


def test_yearly_report_xlsx_holds_target_and_actual(pair, personas, guiyang_demand):
    year = guiyang_demand.created_at.year
    client = personas.otp_client_for(personas.staff)
    client.post(f"/programmes/{pair.guiyang.pk}/targets/?year={year}", {"demands_collected": "10"})
    response = client.get(f"/programmes/{pair.guiyang.pk}/report.xlsx?year={year}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    first = rows[1]
    assert "需求" in first[0]  # the page's language: Chinese
    assert first[1:4] == (10, 1, 10)


def test_overlapping_home_regions_are_refused_naming_both(pair, personas):
    from django.core.exceptions import ValidationError

    from techbridge.programmes import services

    with pytest.raises(ValidationError) as error:
        services.programme_save(
            actor=personas.staff, name="花溪区工作站", home_regions="花溪区", partner_regions="上海"
        )
    assert "首都科技条件平台贵阳工作站" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.programme_save(actor=personas.staff, name="x", home_regions="不存在的地方")
    assert "不存在的地方" in str(error.value)


def test_dashboard_api_gives_exact_figures(pair, personas, guiyang_demand):
    year = guiyang_demand.created_at.year
    client = personas.client_for(personas.staff)
    data = client.get(f"/api/v1/programmes/{pair.guiyang.pk}/dashboard/?year={year}").json()
    figures = {f["metric"]: f for f in data["figures"] if not f["channel"]}
    assert figures["demands_collected"]["actual"] == 1
    assert len(figures["demands_collected"]["months"]) == 12
    assert (
        client.get(f"/api/v1/programmes/{pair.guiyang.pk}/dashboard/?year=1900").status_code == 400
    )


def test_a_record_is_attributed_by_pasting_its_address_and_released_again(
    pair, personas, guiyang_demand
):
    from techbridge.programmes.models import ProgrammeLink

    client = personas.otp_client_for(personas.staff)
    url = f"/programmes/{pair.chengde.pk}/links/"
    address = f"http://example.test/catalogue/demands/{guiyang_demand.pk}/"
    assert client.post(url, {"address": address}).status_code == 302
    link = ProgrammeLink.objects.get(kind="demand", object_id=guiyang_demand.pk)
    assert link.programme == pair.chengde
    page = client.get(url).content.decode()
    assert "贵阳的需求" in page
    year = guiyang_demand.created_at.year
    cd = client.get(f"/api/v1/programmes/{pair.chengde.pk}/dashboard/?year={year}").json()
    assert next(f for f in cd["figures"] if f["metric"] == "demands_collected")["actual"] == 1
    assert client.post(url, {"remove": f"demand:{guiyang_demand.pk}"}).status_code == 302
    assert not ProgrammeLink.objects.exists()
    bad = client.post(url, {"address": "/programmes/"})
    assert bad.status_code == 400 and "/programmes/" in bad.content.decode()
    # Station staff and enterprises never attribute.
    assert personas.client_for(personas.owner).post(url, {"address": address}).status_code == 403
