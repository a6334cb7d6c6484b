"""Schemathesis against the published API schema, in process and bounded (issue 9 item 13).

Every operation of ``/api/v1/schema/`` is fuzzed from the schema itself (explicit examples,
boundary/coverage cases and random cases, valid and invalid) and the cases are sent as four
personas in turn: anonymous, an enterprise member, an institution member and bureau staff. Every
answer must pass all of schemathesis' response checks: no 5xx, a documented status code,
content type and headers, a body matching the documented schema, valid data accepted and
invalid data refused.

Bounded: ``SCHEMATHESIS_MAX_EXAMPLES`` random cases per operation (default 8) with a fixed
seed and derandomised generation, no shrinking, so a run is repeatable and takes about two
minutes on two cores. Deselect locally with ``-m "not schemathesis"``; CI runs it (SQLite and
PostgreSQL) as part of ``make test``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core.failures import FailureGroup

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
SEED = 20261203
# SCHEMATHESIS_REPORT=1: do not stop at an operation's first failure; list every distinct
# failure (operation, check, status) with one reproducing request at the end instead.
REPORT = os.environ.get("SCHEMATHESIS_REPORT", "") not in ("", "0")

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
            # The personas authenticate; generated Authorization/Cookie values would only
            # turn every case into the same 401.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        # Every built-in response check; the ones that need several requests (stateful
        # links, auth probing with other credentials) are off because the run is stateless.
        "checks": {
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
            "positive_data_acceptance": {"enabled": True},
            "negative_data_rejection": {"enabled": True},
            "missing_required_header": {"enabled": True},
            "unsupported_method": {"enabled": True},
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            "ignored_auth": {"enabled": False},
            "object_level_authorization": {"enabled": False},
        },
        "operations": [
            {
                # A write can break a business rule no schema states (a region code that is
                # not in the list, technology amount above the contract amount, a step the
                # record's state forbids): its 400 names the field and is accepted as an
                # answer to valid-looking data. Reads must accept every valid request.
                "include-method": ["POST", "PATCH", "PUT", "DELETE"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                    }
                },
            },
            {
                # The same for the statistics' region codes: "format: gb2260" says the code
                # must be in the list, which a generator cannot know; and for the sharing
                # reports' period, whose rules span two parameters (the end not before the
                # start, at most ten years) — a 400 there names both.
                "include-path-regex": "^/api/v1/(stats|sharing/reports)/",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                    }
                },
            },
        ],
    }
)

# Region parameters of the statistics say "format: gb2260": a code that is in the list.
schemathesis.openapi.format(
    "gb2260", st.sampled_from(["520000", "520100", "520115", "110000", "110108"])
)


def _schema_dict() -> dict[str, Any]:
    """The schema exactly as /api/v1/schema/ serves it (built from the code, no database)."""
    raw = SchemaGenerator(api_version="1").get_schema(request=None, public=True)
    return json.loads(json.dumps(raw, cls=DjangoJSONEncoder))


class _App(WSGIHandler):
    """Django's WSGI handler without the per-request connection recycling: the test runs
    inside a transaction that a closed connection would lose (Django's test client does the
    same)."""

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return super().__call__(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(_schema_dict(), config=CONFIG)
if os.environ.get("SCHEMATHESIS_PATHS"):  # a regex, to rerun a few operations
    schema = schema.include(path_regex=os.environ["SCHEMATHESIS_PATHS"])
schema.app = _App()

pytestmark = pytest.mark.schemathesis


@dataclass
class World:
    headers: dict[str, dict[str, str]]
    cases: int = 0
    failures: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def api_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[World]:
    """Code lists, personas with tokens and a few records of each kind, made once for the
    module inside a transaction that is rolled back at its end."""
    from techbridge.accounts.tokens import token_create
    from techbridge.codes.services import load_code_lists
    from techbridge.core.testing import Personas

    index = tmp_path_factory.mktemp("index")
    with (
        django_db_blocker.unblock(),
        override_settings(SEARCH_INDEX_DIR=index, SEARCH_INDEX_ASYNC=False),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_code_lists()
            personas = Personas.create()
            _records(personas)
            headers: dict[str, dict[str, str]] = {"anonymous": {}}
            for name in ("owner", "researcher", "staff"):
                user = getattr(personas, name)
                _token, key = token_create(actor=user, name="schemathesis", second_factor=True)
                headers[name] = {"Authorization": f"Token {key}"}
            world = World(headers=headers)
            yield world
            if REPORT:
                _print_report(world)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _print_report(world: World) -> None:
    operations = len(list(schema.get_all_operations()))
    print(f"\nschemathesis: {operations} operations, {world.cases} requests, "
          f"{len(world.failures)} distinct failures")
    for key, example in sorted(world.failures.items()):
        print(f"  {key}\n      {example}")


def _records(personas: Any) -> None:
    """One published record of each kind and one draft, a contract and a demand with a
    proposal: enough for small generated ids to hit real rows now and then."""
    from techbridge.catalogue.services import records as record_services

    for kind, by in (
        ("achievement", personas.researcher),
        ("expert", personas.researcher),
        ("instrument", personas.researcher),
        ("lab", personas.researcher),
        ("data", personas.researcher),
        ("service", personas.researcher),
        ("demand", personas.owner),
    ):
        data: dict[str, Any] = {"technical_field": "new_materials"}
        if kind in ("expert", "instrument", "lab"):
            data["name"] = f"{kind} 示例"
        else:
            data["title"] = f"{kind} 示例"
        if kind == "expert":
            data["consent_version"] = "1"
        if kind == "lab":
            data.update(lab_type="key_lab", level="provincial")
        record = record_services.record_create(actor=by, kind=kind, **data)
        record = record_services.record_submit(actor=by, record=record)
        record_services.record_publish(actor=personas.staff, record=record)
    record_services.record_create(
        actor=personas.owner, kind="demand", title="草稿需求", technical_field="new_energy"
    )


# The database fixtures are shared by the cases of an operation on purpose: writes stay in
# the test's transaction and are rolled back at its end.
@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck))
def test_api_conforms_to_schema(case: Any, api_world: World, db: None) -> None:
    # Each case as one persona, in turn: every persona meets every operation, at a quarter
    # of the requests that sending each case four times would cost.
    personas = list(api_world.headers.items())
    persona, headers = personas[api_world.cases % len(personas)]
    api_world.cases += 1
    if not REPORT:
        case.call_and_validate(headers=headers)
        return
    try:
        case.call_and_validate(headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            status = getattr(failure, "status_code", "")
            key = f"{case.operation.label} | {failure.code} {failure.title} | {status}"
            detail = f"{persona}: {case.as_curl_command()}"
            if failure.code == "ST108":
                detail += "\n" + failure.message[:700]
            api_world.failures.setdefault(key, detail)
