"""The ledger API: list/detail with visibility, create, PATCH with version (409 when stale),
stage, funding, batches, zones, KPIs and the briefing; amounts as exact strings."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from techbridge.projects import services
from techbridge.projects.models import FundingEntry, Project

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/"


def _client(ledger, user) -> Client:
    return ledger.personas.client_for(user)


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def project(ledger, make_project):
    return make_project()


def test_list_and_detail_follow_visibility(ledger, project):
    staff = _client(ledger, ledger.staff).get(BASE).json()
    assert [r["code"] for r in staff["results"]] == [project.code]
    row = staff["results"][0]
    assert row["total_investment"] == "500000000.00" and row["funds_in_place"] == "0.00"
    assert row["batch_name"] == ledger.batch.name and row["contact_phone"] == "13812345678"
    assert _client(ledger, ledger.personas.outsider).get(BASE).json()["results"] == []
    assert (
        _client(ledger, ledger.personas.outsider).get(f"{BASE}{project.code}/").status_code == 404
    )
    assert ledger.personas.anonymous.get(BASE).status_code in (401, 403)


def test_contacts_only_for_those_who_handle_the_project_or_are_its_company(ledger, project):
    body = _client(ledger, ledger.personas.owner).get(f"{BASE}{project.code}/").json()
    assert body["contact_phone"] == "13812345678"  # the local company's own contact
    services.project_update(
        actor=ledger.staff, project=project, local_company=ledger.personas.other_org
    )
    assert _client(ledger, ledger.personas.owner).get(f"{BASE}{project.code}/").status_code == 404
    # The serializer masks for anyone else (the staff CLI export masks the same way).
    from techbridge.projects.api import ProjectOutput

    body = ProjectOutput(project, context={"user": ledger.personas.researcher}).data
    assert body["contact_phone"] == "138****5678"
    assert body["contact_email"].startswith("z***@")


def test_amounts_as_people_write_them_are_read_exactly(ledger):
    response = _post(
        _client(ledger, ledger.staff),
        BASE,
        {
            "name": "万元项目",
            "batch": ledger.batch.pk,
            "investor_name": "y",
            "zone": ledger.zone.pk,
            "total_investment": "4.6566亿",
        },
    )
    assert response.status_code == 201
    assert response.json()["total_investment"] == "465660000.00"


def test_create_patch_and_conflict(ledger):
    client = _client(ledger, ledger.staff)
    response = _post(
        client,
        BASE,
        {
            "name": "API 项目",
            "batch": ledger.batch.pk,
            "investor_name": "北京投资方",
            "zone": ledger.zone.pk,
            "total_investment": 1234567.89,
        },
    )
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert response.json()["total_investment"] == "1234567.89"
    assert _patch(client, f"{BASE}{code}/", {"name": "改名"}).status_code == 400  # version
    ok = _patch(client, f"{BASE}{code}/", {"name": "改名", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = _patch(client, f"{BASE}{code}/", {"name": "再改", "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert Project.objects.get(code=code).name == "改名"


@pytest.mark.parametrize("amount", ["1e10", "-1", "12,345.678", "NaN", "1,50,000", "1亿5000万"])
def test_bad_amounts_are_refused(ledger, amount):
    response = _post(
        _client(ledger, ledger.staff),
        BASE,
        {
            "name": "x",
            "batch": ledger.batch.pk,
            "investor_name": "y",
            "zone": ledger.zone.pk,
            "total_investment": amount,
        },
    )
    assert response.status_code == 400
    assert not Project.objects.exists()


def test_members_cannot_create_or_patch(ledger, project):
    owner = _client(ledger, ledger.personas.owner)
    assert _post(owner, BASE, {"name": "x"}).status_code == 403
    assert _patch(owner, f"{BASE}{project.code}/", {"name": "x", "version": 1}).status_code == 404


def test_stage_and_funding_endpoints(ledger, project):
    client = _client(ledger, ledger.handler)
    moved = _post(client, f"{BASE}{project.code}/stage/", {"stage": "started", "on": "2014-02-01"})
    assert moved.status_code == 200 and moved.json()["stage"] == "started"
    bad = _post(client, f"{BASE}{project.code}/stage/", {"stage": "signed"})
    assert bad.status_code == 409
    stall = _post(client, f"{BASE}{project.code}/stage/", {"stage": "stalled"})
    assert stall.status_code == 400
    entry = _post(
        client,
        f"{BASE}{project.code}/funding/",
        {"amount": "70867900.00", "entry_date": "2014-03-31"},
    )
    assert entry.status_code == 201 and entry.json()["amount"] == "70867900.00"
    listing = client.get(f"{BASE}{project.code}/funding/").json()
    assert [e["amount"] for e in listing["results"]] == ["70867900.00"]
    assert (
        _client(ledger, ledger.personas.owner).get(f"{BASE}{project.code}/funding/").status_code
        == 200
    )
    refused = _post(
        _client(ledger, ledger.personas.owner),
        f"{BASE}{project.code}/funding/",
        {"amount": "1", "entry_date": "2014-03-31"},
    )
    assert refused.status_code == 404
    assert FundingEntry.objects.count() == 1


def test_kpis_and_briefing(ledger, project, make_project):
    other = make_project(name="第二个", total_investment="500000000.00")
    services.project_set_stage(
        actor=ledger.staff, project=other, stage="started", on=dt.date(2014, 2, 1)
    )
    services.funding_record(
        actor=ledger.staff, project=other, amount="100000000", entry_date=dt.date(2014, 3, 1)
    )
    body = _client(ledger, ledger.staff).get(f"{BASE}kpis/", {"group_by": "batch"}).json()
    assert body["total"]["signed"] == 2 and body["total"]["started"] == 1
    assert body["total"]["start_rate"] == "50.00"
    assert body["total"]["total_investment"] == "1000000000.00"
    assert body["total"]["funds_share"] == "10.00"
    assert [r["name"] for r in body["rows"]] == [ledger.batch.name]
    past = _client(ledger, ledger.staff).get(f"{BASE}kpis/", {"as_of": "2014-01-31"}).json()
    assert past["total"]["started"] == 0 and past["total"]["funds_in_place"] == "0.00"
    assert _client(ledger, ledger.personas.owner).get(f"{BASE}kpis/").status_code == 403
    assert _client(ledger, ledger.staff).get(f"{BASE}kpis/", {"group_by": "x"}).status_code == 400
    brief = _client(ledger, ledger.handler).get(f"{BASE}briefing/", {"month": "2014-03"}).json()
    assert brief["as_of"] == "2014-03-31" and brief["activity"]["funds_added"] == "100000000.00"


def test_batches_and_zones(ledger):
    client = _client(ledger, ledger.staff)
    assert [b["name"] for b in client.get(f"{BASE}batches/").json()["results"]] == [
        ledger.batch.name
    ]
    made = _post(
        client, f"{BASE}batches/", {"name": "大数据推介会签约项目", "signed_on": "2015-05-26"}
    )
    assert made.status_code == 201
    dup = _post(
        client, f"{BASE}batches/", {"name": "大数据推介会签约项目", "signed_on": "2015-05-26"}
    )
    assert dup.status_code == 400
    assert (
        _post(
            _client(ledger, ledger.handler),
            f"{BASE}batches/",
            {"name": "x", "signed_on": "2015-01-01"},
        ).status_code
        == 403
    )
    zones = client.get(f"{BASE}zones/").json()["results"]
    assert {z["name"] for z in zones} == {ledger.zone.name, ledger.other_zone.name}


def test_schema_lists_the_ledger_paths(ledger):
    schema = _client(ledger, ledger.staff).get("/api/v1/schema/", {"format": "json"})
    paths = schema.json()["paths"] if schema["Content-Type"].startswith("application/json") else {}
    if not paths:
        import yaml  # drf-spectacular's default answer is YAML

        paths = yaml.safe_load(schema.content)["paths"]
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{code}/",
        "/api/v1/projects/{code}/stage/",
        "/api/v1/projects/{code}/funding/",
        "/api/v1/projects/batches/",
        "/api/v1/projects/zones/",
        "/api/v1/projects/kpis/",
        "/api/v1/projects/briefing/",
    ):
        assert path in paths, path


@pytest.mark.parametrize(
    "query",
    [
        {"zone": ""},
        {"batch": "0"},
        {"batch": str(2**64)},
        {"month": "0000-01"},
        {"month": "2014-13"},
    ],
)
def test_briefing_and_kpi_parameters_are_checked(ledger, query):
    client = _client(ledger, ledger.staff)
    response = client.get(f"{BASE}briefing/", query)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    if "month" not in query:
        assert client.get(f"{BASE}kpis/", query).status_code == 400
