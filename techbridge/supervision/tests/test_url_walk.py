"""Every supervision route, walked the way core's URL walk does: anonymous users and an
outsider get a login redirect, 401, 403, 404 or 405 on every page that is not public, with
every method; no answer shows the hidden report. (The platform-wide walk in core needs the
route values listed in this app's report to cover these routes too.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from techbridge.supervision import services
from techbridge.supervision.urls import public_url_names

ACTIONS = (
    "accept",
    "start",
    "wait",
    "resume",
    "reply",
    "resolve",
    "confirm",
    "reopen",
    "rate",
    "extend",
    "decide",
    "reassign",
    "photo",
)


def _routes() -> dict[str, URLPattern]:
    out: dict[str, URLPattern] = {}

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif p.name and namespace in {"supervision", "supervision-api"}:
                out[f"{namespace}:{p.name}"] = p

    walk(get_resolver().url_patterns)
    return out


@pytest.fixture
def hidden(world, file_report):
    report = file_report(title="HIDDEN-problem 施工用电不稳")
    rule = services.routing_rule_create(
        actor=world.personas.staff, category="water", zone=None, department=world.power
    )
    link, _ = services.link_issue(
        actor=world.personas.staff, project=world.project, contact_name="HIDDEN-contact"
    )
    client, _ = services.client_issue(actor=world.personas.staff, name="HIDDEN-client")
    return report, rule, link, client


def _targets(report, rule, link, client) -> list[tuple[str, str, bool]]:
    fmts = ("json", "xml")
    values = {
        "supervision:detail": [{"number": report.number}],
        "supervision:action": [{"number": report.number, "action": a} for a in ACTIONS],
        "supervision:photo": [{"number": report.number, "attachment_id": 1}],
        "supervision:policy_edit": [{"category": "power", "urgency": "urgent"}],
        "supervision:routing_delete": [{"pk": rule.pk}],
        "supervision:department_edit": [{"organisation_id": report.department_id}],
        "supervision:link_revoke": [{"pk": link.pk}],
        "supervision:client_revoke": [{"pk": client.pk}],
        "supervision:mobile_detail": [{"number": report.number}],
        "supervision:mobile_action": [{"number": report.number, "action": "confirm"}],
        "supervision:mobile_enter": [{"secret": "pl_forged"}],
        "supervision-api:open311-discovery": [{"format": f} for f in fmts],
        "supervision-api:open311-services": [{"format": f} for f in fmts],
        "supervision-api:open311-service": [{"service_code": "power", "format": f} for f in fmts],
        "supervision-api:open311-requests": [{"format": f} for f in fmts],
        "supervision-api:open311-request": [
            {"service_request_id": report.number, "format": f} for f in fmts
        ],
        "supervision-api:open311-token": [{"token_id": "0" * 32, "format": f} for f in fmts],
    }
    out = []
    for name, pattern in _routes().items():
        if pattern.pattern.regex.groupindex:
            out += [(name, reverse(name, kwargs=kw), True) for kw in values[name]]
        else:
            out.append((name, reverse(name), False))
    return out


def _refused(response) -> bool:
    if response.status_code == 302:
        return "/accounts/login/" in response["Location"]
    return response.status_code in {401, 403, 404, 405}


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_no_non_public_route_answers_and_nothing_hidden_shows(world, hidden, who) -> None:
    client = Client() if who == "anonymous" else world.client(world.personas.outsider)
    problems = []
    targets = _targets(*hidden)
    assert len(targets) > 40
    for name, url, names_a_row in targets:
        public = name in public_url_names
        # A signed-in outsider may open the lists and forms of their role (showing nothing
        # hidden); every route naming a row must refuse them.
        must_refuse = not public and (who == "anonymous" or names_a_row)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            text = response.content.decode("utf-8", "replace")
            if "HIDDEN-" in text:
                problems.append(f"{who} {method} {url}: shows hidden text")
            if must_refuse and not _refused(response):
                problems.append(f"{who} {method} {url}: {response.status_code}")
            if public and response.status_code == 200 and name.startswith("supervision:m"):
                problems.append(f"{who} {method} {url}: mobile page without a link")
    assert problems == []
