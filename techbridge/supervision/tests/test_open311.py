"""Open311 GeoReport v2 round trip (issue 12 acceptance): discovery → services → POST a
request with an api_key → GET it by id and by token, in JSON and XML; without a key it is
refused; invalid input gets the spec's error format with a proper HTTP status."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from techbridge.supervision import services
from techbridge.supervision.models import ProblemReport

BASE = "/api/v1/open311/v2"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture
def api(world):
    client, key = services.client_issue(
        actor=world.personas.staff, name="12345 热线", reads_all=False
    )
    return Client(HTTP_ACCEPT_LANGUAGE="en"), key, client


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def body(world, key: str, **extra) -> dict[str, str]:
    data = {
        "api_key": key,
        "service_code": "power",
        "attribute[project_code]": world.project.code,
        "attribute[urgency]": "urgent",
        "description": "施工用电不稳，电压波动",
        "lat": "26.647",
        "long": "106.630",
        "first_name": "三",
        "last_name": "张",
        "phone": "13800138000",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_round_trip(world, api, fmt) -> None:
    http, key, _client = api
    discovery = http.get(f"{BASE}/discovery.{fmt}")
    assert discovery.status_code == 200
    if fmt == "json":
        doc = discovery.json()
        endpoint = doc["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
        assert endpoint["url"].endswith("/api/v1/open311/v2/")
    else:
        root = xml(discovery)
        assert root.tag == "discovery"
        assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]

    listing = http.get(f"{BASE}/services.{fmt}")
    assert listing.status_code == 200
    if fmt == "json":
        codes = [s["service_code"] for s in listing.json()]
        definition = http.get(f"{BASE}/services/power.json").json()
        attrs = {a["code"]: a for a in definition["attributes"]}
        assert attrs["project_code"]["required"] is True
        assert [v["key"] for v in attrs["urgency"]["values"]] == ["normal", "urgent"]
    else:
        codes = [e.text for e in xml(listing).iter("service_code")]
        definition = xml(http.get(f"{BASE}/services/power.xml"))
        assert definition.tag == "service_definition"
        assert [v.text for v in definition.iter("key")] == ["normal", "urgent"]
    assert codes[:3] == ["power", "water", "land"] and "other" in codes

    posted = http.post(f"{BASE}/requests.{fmt}", body(world, key))
    assert posted.status_code == 201, posted.content
    if fmt == "json":
        created = posted.json()[0]
    else:
        element = xml(posted).find("request")
        created = {child.tag: child.text for child in element}
    number, token = created["service_request_id"], created["token"]
    report = ProblemReport.objects.get(number=number)
    assert report.channel == "open311" and report.department == world.power
    assert report.contact_name == "张 三" and str(report.latitude) == "26.647000"
    assert "service_notice" in created

    by_id = http.get(f"{BASE}/requests/{number}.{fmt}", {"api_key": key})
    by_token = http.get(f"{BASE}/tokens/{token}.{fmt}", {"api_key": key})
    assert by_id.status_code == 200 and by_token.status_code == 200
    if fmt == "json":
        request = by_id.json()[0]
        assert by_token.json() == [{"service_request_id": number, "token": token}]
    else:
        request = {c.tag: c.text for c in xml(by_id).find("request")}
        assert xml(by_token).find("request/service_request_id").text == number
    assert request["service_request_id"] == number
    assert request["status"] == "open" and request["detailed_status"] == "reported"
    assert request["service_code"] == "power"
    assert request["agency_responsible"] == world.power.name
    assert request["address_id"] == world.project.code
    assert request["zone"] == world.zone.name
    for field in ("requested_datetime", "expected_datetime", "response_due_datetime"):
        assert ISO.match(request[field]), (field, request[field])
    assert request["expected_datetime"].endswith("+08:00")

    # Listing finds it; closing it maps to "closed".
    services.report_accept(actor=world.handler, report=report, note="已回访")
    services.report_resolve(actor=world.handler, report=report, note="已更换变压器")
    closed = http.get(f"{BASE}/requests.{fmt}", {"api_key": key, "status": "closed"})
    if fmt == "json":
        rows = closed.json()
        assert [(r["service_request_id"], r["status"], r["status_notes"]) for r in rows] == [
            (number, "closed", "已更换变压器")
        ]
    else:
        assert [e.text for e in xml(closed).iter("status")] == ["closed"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_a_key_is_refused_in_the_error_format(world, api, fmt) -> None:
    http, key, _client = api
    before = ProblemReport.objects.count()
    for response in (
        http.post(
            f"{BASE}/requests.{fmt}", {k: v for k, v in body(world, key).items() if k != "api_key"}
        ),
        http.post(f"{BASE}/requests.{fmt}", body(world, "o311_wrong")),
        http.get(f"{BASE}/requests.{fmt}"),
    ):
        assert response.status_code == 403
        if fmt == "json":
            errors = response.json()
            assert errors[0]["code"] == 403 and errors[0]["description"]
        else:
            root = xml(response)
            assert root.tag == "errors" and root.find("error/code").text == "403"
    assert ProblemReport.objects.count() == before


def test_revoked_key_is_refused(world, api) -> None:
    http, key, client = api
    services.client_revoke(actor=world.personas.staff, client=client)
    assert http.post(f"{BASE}/requests.json", body(world, key)).status_code == 403


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "potholes"}, 404, "service_code"),
        ({"attribute[project_code]": "XM404"}, 400, "XM404"),
        ({"attribute[project_code]": ""}, 400, "project_code"),
        ({"attribute[urgency]": "asap"}, 400, "urgency"),
        ({"description": ""}, 400, "description"),
        ({"lat": "91"}, 400, "lat"),
        ({"long": ""}, 400, "lat and long"),
        ({"jurisdiction_id": "elsewhere"}, 404, "jurisdiction_id"),
        ({"phone": "call me maybe"}, 400, "phone"),
    ],
)
def test_invalid_input_gets_the_spec_error_format(world, api, change, status, fragment) -> None:
    http, key, _client = api
    response = http.post(f"{BASE}/requests.json", body(world, key, **change))
    assert response.status_code == status, response.content
    errors = response.json()
    assert isinstance(errors, list) and errors[0]["code"] == status
    assert fragment.lower() in " ".join(e["description"] for e in errors).lower()
    assert ProblemReport.objects.count() == 0


def test_json_bodies_and_unknown_things_are_refused_cleanly(world, api) -> None:
    http, key, _client = api
    as_json = http.post(
        f"{BASE}/requests.xml?api_key={key}",
        json.dumps(body(world, key)),
        content_type="application/json",
    )
    assert as_json.status_code == 400 and xml(as_json).tag == "errors"
    assert http.get(f"{BASE}/services/potholes.json").status_code == 404
    assert http.get(f"{BASE}/requests/WT1999000001.json", {"api_key": key}).status_code == 404
    assert http.get(f"{BASE}/tokens/nope.json", {"api_key": key}).status_code == 404
    assert (
        http.get(f"{BASE}/requests.json", {"api_key": key, "start_date": "2025-01-01"}).status_code
        == 400
    )
    assert http.delete(f"{BASE}/requests.json").status_code == 405


def test_a_key_reads_only_its_own_requests_unless_it_reads_all(world, api, file_report) -> None:
    http, key, _client = api
    web = file_report()  # filed on the web, not through this client
    assert http.get(f"{BASE}/requests/{web.number}.json", {"api_key": key}).status_code == 404
    _hub, hub_key = services.client_issue(
        actor=world.personas.staff, name="市级平台", reads_all=True
    )
    assert http.get(f"{BASE}/requests/{web.number}.json", {"api_key": hub_key}).status_code == 200


def test_script_in_text_is_escaped_in_xml(world, api) -> None:
    http, key, _client = api
    posted = http.post(
        f"{BASE}/requests.xml", body(world, key, description="<script>alert(1)</script>&")
    )
    number = xml(posted).find("request/service_request_id").text
    answer = http.get(f"{BASE}/requests/{number}.xml", {"api_key": key})
    assert b"<script>" not in answer.content
    assert xml(answer).find("request/description").text == "<script>alert(1)</script>&"
