"""Walk every URL pattern: anonymous users and outsiders never see a non-public page or a
record that is not theirs (RELIABILITY.md test cases 9 and 12, issue 2 acceptance).

Every route is filled with real converter values (every record kind, every workflow action)
and, where it names an object, with the id of a real record of the right model that the
visitor may not see (``hidden_world.py``). Each answer must come from the view — the path
resolves to the route it was built from, so a 404 is the view's, not the resolver's — and
must be a login redirect, 401, 403, 404 or 405; a signed-in outsider's refusal of a row must
also be audited (the view found the row and hid it). No answer, refusal or 200, may contain
any hidden text, and no hidden row may change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.urls.exceptions import Resolver404

from techbridge.audit.models import AuditEvent, AuditEventType
from techbridge.catalogue.converters import ActionConverter, ProposalActionConverter
from techbridge.catalogue.kinds import KINDS, PLURALS
from techbridge.core.public_urls import navigation_entries, public_namespaces, public_url_names
from techbridge.core.tests.hidden_world import HiddenWorld, build_hidden_world
from techbridge.search.testing import fresh_search_index  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

# Workflow verbs of the views that take a plain <slug:action> (the if-chains in
# brokerage/views/deals.py, brokerage/views/meetings.py and contracts/views.py).
DEAL_ACTIONS = ("move", "next", "win", "lose", "task", "task-done", "note", "attach", "contract")
EVENT_ACTIONS = (
    *("publish", "close", "invite", "register", "availability"),
    *("request", "decide", "schedule", "outcome"),
)
CONTRACT_ACTIONS = ("submit", "register", "return", "cancel", "attach")
RECORD_ACTIONS = tuple(ActionConverter.regex.split("|"))
PROPOSAL_ACTIONS = tuple(ProposalActionConverter.regex.split("|"))

BOOKING_ACTIONS = ("approve", "reject", "cancel", "no-show", "complete", "edit")
ORDER_ACTIONS = ("confirm", "cancel", "voucher", "release", "price")
PROJECT_ACTIONS = ("stage", "funding", "correct", "delete")
PROBLEM_ACTIONS = (
    *("accept", "start", "wait", "resume", "reply", "resolve", "confirm", "reopen"),
    *("rate", "extend", "decide", "reassign", "photo", "close"),
)
MOBILE_ACTIONS = ("reply", "confirm", "reopen", "rate", "photo", "accept")
OPEN311_FORMATS = ("xml", "json")

# Route parameters that name a row: a target built with one of them names a hidden row.
OBJECT_KEYS = frozenset(
    {"pk", "code", "number", "attachment_id", "organisation_id", "service_request_id"}
)

# Routes naming a row whose refusal of a signed-in outsider is not audited, and why: their
# credential is not the session's account, so they refuse before looking any row up. They
# are still walked with the hidden row for leaks, status and changes.
UNAUDITED = {
    "supervision:mobile_detail": "needs a personal link held in the session (403 without)",
    "supervision:mobile_action": "needs a personal link held in the session (403 without)",
    "supervision-api:open311-request": "Open311 reads need an api_key, never a session",
    # Public: every visitor is treated alike, as anonymous ones (whose refusals are never
    # audited); a closed resource answers 404 as an absent one does.
    "sharing:resource_feed": "public busy times of open resources, the same for everyone",
}

# Routes with parameters that name no hidden object, and why they are not walked.
NOT_WALKED = {
    "accounts:password_reset_confirm": "public; a forged token shows the invalid-link page",
    "codes-api:list": "public code lists",
    "codes-api:region-detail": "public code lists",
}


def _walk(patterns: Iterable[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns == "admin":
                continue  # the admin site is checked separately below
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def _all_routes() -> dict[str, Any]:
    return dict(sorted(_walk(get_resolver().url_patterns)))


def _parameters(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.regex.groupindex)


def _is_public(name: str) -> bool:
    return name in public_url_names() or name.split(":")[0] in public_namespaces()


def route_values(w: HiddenWorld) -> dict[str, list[dict[str, Any]]]:
    """Every parameterised route → the keyword arguments to build it with. A ``pk`` is
    always a row the outsider must be refused on that route."""
    p = w.personas
    kinds = list(KINDS)
    drafts = [{"kind": k, "pk": w.drafts[k].pk} for k in kinds]
    record_actions = [{**d, "action": a} for d in drafts for a in RECORD_ACTIONS]
    deal = [{"pk": w.deal.pk}]
    reco = [{"pk": w.recommendation.pk}]
    events = [{"pk": w.draft_event.pk}, {"pk": w.published_event.pk}]
    # On a published meeting an outsider may register; everything else is for the
    # organiser or for participants.
    event_actions = [{"pk": w.draft_event.pk, "action": a} for a in EVENT_ACTIONS] + [
        {"pk": w.published_event.pk, "action": a} for a in EVENT_ACTIONS if a != "register"
    ]
    contract = [{"pk": w.contract.pk}]
    proposal = [{"pk": w.proposal.pk}]
    demands = [{"pk": w.drafts["demand"].pk}]
    orgs = [{"pk": w.pending_org.pk}]  # type: ignore[union-attr]
    values = {
        "accounts:token_revoke": [{"pk": w.token.pk}],
        "accounts:user_toggle_active": [{"pk": p.owner.pk}],
        "brokerage-api:deal": deal,
        "brokerage-api:deal-move": deal,
        "brokerage-api:my-schedule": events,
        "brokerage-api:recommendation-answer": reco,
        "brokerage:answer": reco,
        "brokerage:curate": [{"pk": w.published_demand.pk}, *demands],
        "brokerage:deal": deal,
        "brokerage:deal_action": [{"pk": w.deal.pk, "action": a} for a in DEAL_ACTIONS],
        "brokerage:deal_attachment": [{"pk": w.deal.pk, "attachment_id": w.deal_attachment.pk}],
        "brokerage:deal_edit": deal,
        "brokerage:deal_from_reco": reco,
        "brokerage:event": [{"pk": w.draft_event.pk}],
        "brokerage:event_action": event_actions,
        "brokerage:event_edit": events,
        "brokerage:event_report": events,
        "brokerage:schedule": events,
        "brokerage:visit": [{"pk": w.visit.pk}],
        "catalogue-api:action": record_actions,
        "catalogue-api:detail": drafts,
        "catalogue-api:list": [{"kind": k} for k in kinds],
        "catalogue-api:proposal": proposal,
        "catalogue-api:proposal_action": [
            {"pk": w.proposal.pk, "action": a} for a in PROPOSAL_ACTIONS
        ],
        "catalogue-api:proposals": demands,
        "catalogue:action": record_actions,
        "catalogue:create": [{"kind": k} for k in kinds],
        "catalogue:detail": drafts,
        "catalogue:edit": [*drafts, {"kind": "demand", "pk": w.published_demand.pk}],
        "catalogue:export": [{"kind": k} for k in kinds],
        "catalogue:proposal": proposal,
        "catalogue:proposal_action": [{"pk": w.proposal.pk, "action": a} for a in PROPOSAL_ACTIONS],
        "catalogue:propose": demands,
        "contracts-api:detail": contract,
        "contracts-api:register": contract,
        "contracts-api:return": contract,
        "contracts-api:submit": contract,
        "contracts:action": [{"pk": w.contract.pk, "action": a} for a in CONTRACT_ACTIONS],
        "contracts:attachment": [{"pk": w.contract.pk, "attachment_id": w.contract_attachment.pk}],
        "contracts:detail": contract,
        "contracts:edit": contract,
        "jobs:retry": [{"pk": w.failed_job.pk}],
        "matching-api:demand": demands,
        "matching:panel": [
            {"kind": plural, "pk": w.drafts[kind].pk} for plural, kind in PLURALS.items()
        ],
        "notifications:open": [{"pk": w.notification.pk}],
        "organisations-api:api-detail": orgs,
        "organisations:delete": [*orgs, {"pk": p.org.pk}],
        "organisations:detail": orgs,
        "organisations:edit": [*orgs, {"pk": p.org.pk}],
    }
    for kind in KINDS:
        if kind != "demand":
            values[f"matching-api:{kind}"] = [{"pk": w.drafts[kind].pk}]
    values.update(_sharing_values(w))
    values.update(_projects_supervision_notices_values(w))
    values.update(_cultivation_values(w))
    values.update(_chronicle_values(w))
    values.update(_programmes_values())
    return values


def _programmes_values() -> dict[str, list[dict[str, Any]]]:
    """The default programme (made by the migration): no outsider may see it."""
    from techbridge.programmes.services import default_programme

    pk = [{"pk": default_programme().pk}]
    return {
        **{f"programmes:{n}": pk for n in ("detail", "edit", "targets", "export", "links")},
        "programmes:records": [{**pk[0], "metric": "deals_won"}],
        "programmes-api:dashboard": pk,
    }


def _chronicle_values(w: HiddenWorld) -> dict[str, list[dict[str, Any]]]:
    article = [{"pk": w.draft_article.pk}]
    run = [{"pk": w.report_import.pk}]
    proposal = w.report_import.proposals.get()
    return {
        "chronicle:timeline": [{"programme_id": w.chronicle_programme.pk}],
        **{f"chronicle:{n}": article for n in ("article", "article_edit", "article_status")},
        "chronicle:attachment": [
            {"pk": w.draft_article.pk, "attachment_id": w.draft_article_file.pk}
        ],
        "chronicle:entry_edit": [{"pk": w.chronicle_entry.pk}],
        "chronicle:import_review": run,
        "chronicle:proposal_decide": [{"pk": w.report_import.pk, "proposal_id": proposal.pk}],
        "chronicle-api:entries": [{"programme_id": w.chronicle_programme.pk}],
        "chronicle-api:article": article,
    }


def _sharing_values(w: HiddenWorld) -> dict[str, list[dict[str, Any]]]:
    def one(obj: Any) -> list[dict[str, Any]]:
        return [{"pk": obj.pk}]

    values: dict[str, list[dict[str, Any]]] = {}
    # (page routes, API routes) → the hidden row they name.
    rows: list[tuple[tuple[str, ...], tuple[str, ...], Any]] = [
        (
            (
                *("resource", "resource_edit", "resource_refresh", "resource_hours"),
                *("resource_feed", "agreement_new", "rate_new", "qualification_new"),
                *("booking_calendar", "booking_new"),
            ),
            ("resource", "availability", "quote"),
            w.shared_resource,
        ),
        (
            ("agreement", "agreement_edit", "agreement_end"),
            ("agreement", "agreement-end"),
            w.agreement,
        ),
        (("rate_end",), ("rate", "rate-end"), w.rate),
        (("qualification_revoke",), ("qualification-revoke",), w.qualification),
        (
            ("booking",),
            ("booking", *(f"booking-{a}" for a in BOOKING_ACTIONS[:5])),
            w.booking,
        ),
        (
            ("order", "order_usage", "order_amend"),
            ("order", "order-usage", "order-amend", "order-confirm", "order-cancel"),
            w.order,
        ),
        (
            ("statement", "statement_print", "statement_xlsx"),
            ("statement", "statement-xlsx"),
            w.statement,
        ),
        (
            (
                *("voucher_programme", "voucher_programme_edit", "voucher_programme_open"),
                *("voucher_programme_close", "voucher_apply"),
            ),
            ("voucher-programme", "voucher-programme-open", "voucher-programme-close"),
            w.draft_programme,
        ),
        (
            ("voucher_application", "voucher_application_approve", "voucher_application_reject"),
            ("voucher-application", "voucher-application-approve", "voucher-application-reject"),
            w.application,
        ),
        (("voucher",), ("voucher",), w.voucher),
        (
            ("voucher_claim", "voucher_claim_approve", "voucher_claim_reject", "voucher_claim_pay"),
            ("voucher-claim", "voucher-claim-approve", "voucher-claim-reject", "voucher-claim-pay"),
            w.claim,
        ),
    ]
    for pages, apis, obj in rows:
        for name in pages:
            values[f"sharing:{name}"] = one(obj)
        for name in apis:
            values[f"sharing-api:{name}"] = one(obj)
    values["sharing:booking_action"] = [{"pk": w.booking.pk, "action": a} for a in BOOKING_ACTIONS]
    values["sharing:order_action"] = [{"pk": w.order.pk, "action": a} for a in ORDER_ACTIONS]
    return values


def _projects_supervision_notices_values(w: HiddenWorld) -> dict[str, list[dict[str, Any]]]:
    code = [{"code": w.project.code}]
    number = w.problem.number
    fmts = OPEN311_FORMATS
    values: dict[str, list[dict[str, Any]]] = {
        **{f"projects:{n}": code for n in ("detail", "edit", "links")},
        **{f"projects-api:{n}": code for n in ("detail", "funding", "stage")},
        "projects:action": [{"code": w.project.code, "action": a} for a in PROJECT_ACTIONS],
        "supervision:detail": [{"number": number}],
        "supervision:action": [{"number": number, "action": a} for a in PROBLEM_ACTIONS],
        "supervision:photo": [{"number": number, "attachment_id": w.problem_photo.pk}],
        "supervision:mobile_detail": [{"number": number}],
        "supervision:mobile_action": [{"number": number, "action": a} for a in MOBILE_ACTIONS],
        # A personal link's secret is its credential: a forged one opens nothing.
        "supervision:mobile_enter": [{"secret": "forged-link-secret-0000"}],
        "supervision:policy_edit": [{"category": "power", "urgency": "urgent"}],
        "supervision:routing_delete": [{"pk": w.routing_rule.pk}],
        "supervision:department_edit": [{"organisation_id": w.department.pk}],  # type: ignore[union-attr]
        "supervision:link_revoke": [{"pk": w.contact_link.pk}],
        "supervision:client_revoke": [{"pk": w.open311_client.pk}],
        "supervision-api:open311-discovery": [{"format": f} for f in fmts],
        "supervision-api:open311-services": [{"format": f} for f in fmts],
        "supervision-api:open311-service": [{"service_code": "power", "format": f} for f in fmts],
        "supervision-api:open311-requests": [{"format": f} for f in fmts],
        "supervision-api:open311-request": [
            {"service_request_id": number, "format": f} for f in fmts
        ],
        "supervision-api:open311-token": [
            {"token_id": "forged-token-0000", "format": f} for f in fmts
        ],
        "notices:detail": [{"pk": w.notice.pk}],
        "notices-api:detail": [{"pk": w.notice.pk}],
        "notices-api:read": [{"pk": w.notice.pk}],
        "notices:robot_edit": [{"pk": w.robot.pk}],
        "notices:robot_test": [{"pk": w.robot.pk}],
    }
    return values


def _cultivation_values(w: HiddenWorld) -> dict[str, list[dict[str, Any]]]:
    org = [{"pk": w.personas.org.pk}]
    record = [{"pk": w.tier_record.pk}]
    return {
        "cultivation:enterprise": org,
        "cultivation:record_new": org,
        "cultivation:figures": [{"pk": w.personas.org.pk, "year": 2025}],
        "cultivation-api:tiers": org,
        **{f"cultivation:{n}": record for n in ("record", "revoke", "attach")},
        "cultivation:attachment": [{"pk": w.tier_record.pk, "attachment_id": w.tier_attachment.pk}],
    }


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    hidden: bool  # names a row the visitor may not see
    audited: bool = True  # a signed-in outsider's refusal of the row must be audited


def targets(w: HiddenWorld) -> list[Target]:
    values = route_values(w)
    out = []
    for name, pattern in _all_routes().items():
        if name in NOT_WALKED:
            continue
        if not _parameters(pattern):
            out.append(Target(name, reverse(name), hidden=False))
            continue
        for kwargs in values[name]:
            out.append(
                Target(
                    name,
                    reverse(name, kwargs=kwargs),
                    hidden=bool(OBJECT_KEYS & set(kwargs)),
                    audited=name not in UNAUDITED,
                )
            )
    return out


def _text(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _denials() -> int:
    return AuditEvent.objects.filter(event=AuditEventType.ACCESS_DENIED).count()


def _requests(client: Client, url: str) -> Iterator[tuple[str, int, HttpResponse]]:
    """(method, audited denials before the request, response) for every method tried."""
    calls: list[tuple[str, Any]] = [
        ("GET", lambda: client.get(url)),
        ("POST", lambda: client.post(url, {})),
    ]
    if url.startswith("/api/"):
        calls += [
            ("PATCH", lambda: client.patch(url, "{}", content_type="application/json")),
            ("PUT", lambda: client.put(url, "{}", content_type="application/json")),
            ("DELETE", lambda: client.delete(url)),
        ]
    for method, call in calls:
        before = _denials()
        yield method, before, call()


def walk(
    client: Client, who: str, walked: Iterable[Target], markers: Iterable[str], *, audited: bool
) -> list[str]:
    """Request every target with every method; return what went wrong (empty: all refused
    by the view itself, nothing hidden shown, each outsider refusal audited if ``audited``)."""
    login = resolve_url(settings.LOGIN_URL)
    markers = list(markers)
    problems: list[str] = []
    for target in walked:
        where = f"{who} {target.name} {target.path}"
        try:
            match = resolve(target.path)
        except Resolver404:
            problems.append(f"{where}: does not resolve (a 404 would be the resolver's)")
            continue
        if match.view_name != target.name:
            problems.append(f"{where}: resolves to {match.view_name}")
            continue
        reached = False
        for method, before, response in _requests(client, target.path):
            status = response.status_code
            reached |= status != 405
            leaked = [m for m in markers if m in _text(response)]
            if leaked:
                problems.append(f"{where} {method}: {status} shows {leaked}")
            if status == 302:
                if not response["Location"].startswith(login):
                    problems.append(f"{where} {method}: redirected to {response['Location']}")
            elif status not in {401, 403, 404, 405}:
                problems.append(f"{where} {method}: answered {status}")
            elif (
                audited
                and target.hidden
                and target.audited
                and status in {403, 404}
                and _denials() <= before
            ):
                problems.append(f"{where} {method}: {status} without an audited denial")
        if not reached:
            problems.append(f"{where}: every method answered 405, no view ran")
    return problems


def _hidden_rows(w: HiddenWorld) -> dict[str, dict[str, Any]]:
    rows = {
        **{f"draft {kind}": record for kind, record in w.drafts.items()},
        "demand": w.published_demand,
        "recommendation": w.recommendation,
        "deal": w.deal,
        "proposal": w.proposal,
        "contract": w.contract,
        "draft event": w.draft_event,
        "published event": w.published_event,
        "visit": w.visit,
        "notification": w.notification,
        "token": w.token,
        "failed job": w.failed_job,
        "pending organisation": w.pending_org,
        "organisation": w.personas.org,
        "owner": w.personas.owner,
        "shared resource": w.shared_resource,
        "sharing agreement": w.agreement,
        "rate": w.rate,
        "qualification": w.qualification,
        "booking": w.booking,
        "service order": w.order,
        "statement": w.statement,
        "draft voucher programme": w.draft_programme,
        "voucher application": w.application,
        "voucher": w.voucher,
        "voucher claim": w.claim,
        "project": w.project,
        "problem report": w.problem,
        "routing rule": w.routing_rule,
        "contact link": w.contact_link,
        "open311 client": w.open311_client,
        "notice": w.notice,
        "robot": w.robot,
        "tier record": w.tier_record,
        "figures": w.figures,
        "draft article": w.draft_article,
        "report import": w.report_import,
    }
    return {
        label: model_to_dict(type(obj)._base_manager.get(pk=obj.pk)) for label, obj in rows.items()
    }


@pytest.fixture
def hidden(personas, fresh_search_index, django_capture_on_commit_callbacks) -> HiddenWorld:  # noqa: F811
    return build_hidden_world(personas, django_capture_on_commit_callbacks)


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_walk_covers_the_application(hidden) -> None:
    """Every parameterised route has real values (a new route must be added here), and the
    catalogue's kind/action routes are built for every kind and every action."""
    values = route_values(hidden)
    routes = _all_routes()
    missing = [
        name
        for name, pattern in routes.items()
        if _parameters(pattern) and name not in values and name not in NOT_WALKED
    ]
    assert missing == []
    assert {"organisations:edit", "audit:log", "accounts:users"} <= set(routes)
    walked = targets(hidden)
    actions = {t.path for t in walked if t.name == "catalogue:action"}
    assert len(actions) == len(KINDS) * len(RECORD_ACTIONS)
    for t in walked:
        assert resolve(t.path).view_name == t.name, t


def test_anonymous_never_sees_a_non_public_page_or_hidden_record(hidden) -> None:
    before = _hidden_rows(hidden)
    walked = [t for t in targets(hidden) if t.hidden or not _is_public(t.name)]
    assert len(walked) > 200
    problems = walk(_client(None), "anonymous", walked, hidden.markers, audited=False)
    assert not problems, "\n".join(problems)
    assert _hidden_rows(hidden) == before


def test_outsider_never_sees_another_organisations_hidden_record(hidden) -> None:
    """Every URL that names an object, given the id of a real record the outsider may not
    see; each refusal is audited, so the view found the row and hid it."""
    before = _hidden_rows(hidden)
    walked = [t for t in targets(hidden) if t.hidden]
    assert len(walked) > 150
    outsider = _client(hidden.personas.outsider)
    problems = walk(outsider, "outsider", walked, hidden.markers, audited=True)
    assert not problems, "\n".join(problems)
    assert _hidden_rows(hidden) == before


def _other_peoples_rows(w: HiddenWorld) -> list[Target]:
    """Rows that even bureau staff with every duty may not touch: another person's
    notification and API token, and the security administrator's account switch."""
    return [
        t
        for t in targets(w)
        if t.name in {"notifications:open", "accounts:token_revoke", "accounts:user_toggle_active"}
    ]


@pytest.mark.parametrize("totp", [False, True], ids=["totp-off", "totp-on"])
def test_staff_never_touch_other_peoples_rows_with_or_without_totp(
    hidden, settings, totp: bool
) -> None:
    settings.STAFF_REQUIRE_TOTP = totp
    staff = hidden.personas.staff
    client = _client(staff)
    if totp:
        client = hidden.personas.otp_client_for(staff)
    # The session really passed the gates: a staff page answers (no redirect to the OTP page).
    assert client.get("/catalogue/review/").status_code == 200
    before = _hidden_rows(hidden)
    walked = _other_peoples_rows(hidden)
    assert len(walked) == 3
    problems = walk(client, "staff", walked, hidden.markers, audited=True)
    assert not problems, "\n".join(problems)
    assert _hidden_rows(hidden) == before


def _pages_that_list(w: HiddenWorld, *, signed_in: bool) -> list[str]:
    """Pages that answer 200 and must list none of the hidden rows."""
    pages = [
        *(f"/catalogue/{plural}/" for plural in PLURALS),
        *(f"/api/v1/{plural}/" for plural in PLURALS),
        *(f"/api/v1/{plural}/?status=draft" for plural in PLURALS),
        f"/catalogue/demands/{w.published_demand.pk}/",
        f"/api/v1/demands/{w.published_demand.pk}/",
        "/organisations/",
        "/api/v1/organisations/",
        "/brokerage/meetings/",
        f"/brokerage/meetings/{w.published_event.pk}/",
        "/api/v1/meetings/",
        "/search/?q=HIDDEN",
        "/api/v1/search?q=HIDDEN",
    ]
    if signed_in:
        pages += [
            *(f"/catalogue/{plural}/export/?format=csv" for plural in PLURALS),
            "/catalogue/workspace/",
            f"/api/v1/demands/{w.published_demand.pk}/proposals/",
            "/brokerage/deals/",
            "/api/v1/deals/",
            "/api/v1/recommendations/",
            "/contracts/",
            "/api/v1/contracts/",
            "/notifications/",
            "/api/v1/notifications/",
            "/accounts/me/",
        ]
    return pages


def test_lists_exports_and_public_pages_show_no_hidden_row(hidden) -> None:
    p = hidden.personas
    for who, client, signed_in in (
        ("anonymous", p.anonymous, False),
        ("outsider", p.client_for(p.outsider), True),
    ):
        for url in _pages_that_list(hidden, signed_in=signed_in):
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            text = _text(response)
            assert [m for m in hidden.markers if m in text] == [], (who, url)
    # The markers are real: the owner sees them on the same pages.
    owner = p.client_for(p.owner)
    workspace = owner.get("/catalogue/workspace/")
    assert workspace.status_code == 200 and "HIDDEN-achievement" in _text(workspace)
    demand = owner.get(f"/catalogue/demands/{hidden.published_demand.pk}/")
    assert demand.status_code == 200 and "HIDDEN-confidential-detail" in _text(demand)


def test_the_new_apps_hidden_rows_are_real(hidden) -> None:
    """The rows the walk points the new apps' routes at exist and their own people open
    them, so the outsider's refusals mean "hidden", not "broken"."""
    p = hidden.personas
    agency_member = hidden.claim.submitted_by
    seen = [
        (p.researcher, f"/sharing/resources/{hidden.shared_resource.pk}/", "HIDDEN-resource"),
        (p.researcher, f"/sharing/agreements/{hidden.agreement.pk}/", "HIDDEN-agreement"),
        (p.owner, f"/sharing/bookings/{hidden.booking.pk}/", "HIDDEN-booking"),
        (p.owner, f"/sharing/orders/{hidden.order.pk}/", "HIDDEN-order"),
        (p.staff, f"/sharing/vouchers/programmes/{hidden.draft_programme.pk}/", "HIDDEN-programme"),
        (agency_member, f"/sharing/vouchers/claims/{hidden.claim.pk}/", "HIDDEN-invoice"),
        (p.owner, f"/projects/{hidden.project.code}/", "HIDDEN-project"),
        (p.owner, f"/supervision/p/{hidden.problem.number}/", "HIDDEN-problem"),
        (p.owner, f"/notices/{hidden.notice.pk}/", "HIDDEN-notice"),
        (p.staff, f"/chronicle/news/{hidden.draft_article.pk}/", "HIDDEN-article"),
        (p.staff, f"/chronicle/imports/{hidden.report_import.pk}/", "HIDDEN-report"),
    ]
    for user, url, marker in seen:
        response = p.client_for(user).get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert marker in _text(response), url
    for url in (
        f"/api/v1/sharing/statements/{hidden.statement.pk}/",
        f"/api/v1/sharing/vouchers/{hidden.voucher.pk}/",
        f"/api/v1/sharing/voucher-applications/{hidden.application.pk}/",
    ):
        assert p.client_for(p.staff).get(url).status_code == 200, url


# --- the walk itself can fail -------------------------------------------------------------


def _leaky_view(request: HttpRequest, pk: int) -> HttpResponse:
    from techbridge.catalogue.models import Achievement

    return HttpResponse(Achievement.objects.get(pk=pk).title)


def _quiet_404_view(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("", status=404)  # refuses, but never looked the row up


class _LeakyUrls:
    from techbridge import urls as _main

    urlpatterns = [
        path("leak/<int:pk>/", _leaky_view, name="leak"),
        path("quiet/<int:pk>/", _quiet_404_view, name="quiet"),
        *_main.urlpatterns,
    ]


def test_the_walk_catches_a_leaking_view_and_a_resolver_404(hidden, settings) -> None:
    settings.ROOT_URLCONF = _LeakyUrls
    pk = hidden.drafts["achievement"].pk
    outsider = _client(hidden.personas.outsider)
    leak = walk(
        outsider, "outsider", [Target("leak", f"/leak/{pk}/", True)], hidden.markers, audited=True
    )
    assert any("answered 200" in problem for problem in leak)
    assert any("HIDDEN-achievement" in problem for problem in leak)
    quiet = walk(
        outsider, "outsider", [Target("quiet", f"/quiet/{pk}/", True)], hidden.markers, audited=True
    )
    assert any("without an audited denial" in problem for problem in quiet)
    # The old walk's "x" for a kind converter never reached a view.
    unresolved = walk(
        outsider,
        "outsider",
        [Target("catalogue:detail", f"/catalogue/x/{pk}/", True)],
        [],
        audited=True,
    )
    assert unresolved and "does not resolve" in unresolved[0]
    # An OTP-page redirect is not a login redirect.
    settings.ROOT_URLCONF = "techbridge.urls"
    settings.STAFF_REQUIRE_TOTP = True
    unverified = _client(hidden.personas.staff)
    bounced = walk(unverified, "staff", _other_peoples_rows(hidden)[:1], [], audited=False)
    assert bounced and "/accounts/otp/" in bounced[0]


def test_outsider_never_opens_pages_of_other_roles(personas) -> None:
    """Menu pages reserved for roles other than enterprise member refuse the outsider."""
    outsider = personas.client_for(personas.outsider)
    checked = 0
    for name, _label, roles, _order in navigation_entries():
        if roles is None or personas.outsider.role in roles:
            continue
        url = reverse(name)
        response = outsider.get(url)
        assert response.status_code in {302, 403, 404}, (name, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"], name
        checked += 1
    assert checked >= 3


def test_admin_site_refuses_anonymous_outsider_and_audit_admin(personas) -> None:
    assert personas.anonymous.get("/admin/").status_code == 302
    for user in (personas.outsider, personas.audit_admin):
        response = personas.client_for(user).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert personas.client_for(personas.system_admin).get("/admin/").status_code == 200
