"""The API schema tells the truth (issue 9 item 13) and PATCH needs ``version`` (item 6).

The schemathesis run (test_schemathesis.py) finds disagreements by fuzzing; these tests pin
the decisions one by one so a regression names itself.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.generators import SchemaGenerator

from techbridge.core.testing import Personas

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    raw = SchemaGenerator(api_version="1").get_schema(request=None, public=True)
    return json.loads(json.dumps(raw, cls=DjangoJSONEncoder))


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body(spec: dict[str, Any], path: str, method: str, status: str) -> dict[str, Any]:
    response = spec["paths"][path][method]["responses"][status]
    return _resolve(spec, response["content"]["application/json"]["schema"])


def _param(spec: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    for param in spec["paths"][path][method].get("parameters", []):
        if param["name"] == name:
            return param["schema"]
    raise AssertionError(f"{method.upper()} {path} does not document {name}")


# --- the schema ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations/",
        "/api/v1/contracts/",
        "/api/v1/deals/",
        "/api/v1/recommendations/",
        "/api/v1/meetings/",
        "/api/v1/notifications/",
        "/api/v1/achievements/",
        "/api/v1/demands/",
        "/api/v1/experts/",
    ],
)
def test_paginated_lists_are_documented_as_pages(spec, path) -> None:
    body = _body(spec, path, "get", "200")
    assert body["type"] == "object" and {"count", "results"} <= set(body["required"])
    assert body["properties"]["results"]["type"] == "array"
    assert _param(spec, path, "get", "page")["minimum"] == 1
    size = _param(spec, path, "get", "page_size")
    assert size["minimum"] == 1 and size["maximum"] == 200


def test_each_catalogue_kind_has_its_own_paths_and_serializers(spec) -> None:
    assert "/api/v1/{kind}/" not in spec["paths"]
    expert = _body(spec, "/api/v1/experts/", "get", "200")["properties"]["results"]["items"]
    assert _resolve(spec, expert)["properties"].keys() >= {"name", "phone"}
    demand = _body(spec, "/api/v1/demands/{id}/", "get", "200")
    assert "detail" in demand["properties"]
    assert "/api/v1/experts/{id}/reveal/" in spec["paths"]
    assert "/api/v1/achievements/{id}/reveal/" not in spec["paths"]
    create = spec["paths"]["/api/v1/labs/"]["post"]["requestBody"]
    lab = _resolve(spec, create["content"]["application/json"]["schema"])
    assert {"name", "lab_type", "level"} <= set(lab["required"])


def test_every_operation_documents_its_error_answers(spec) -> None:
    missing = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"401"}
            if "{" in path:
                expected.add("404")
            if method in ("post", "patch", "put", "delete"):
                expected |= {"403", "409"}
            if method in ("post", "patch", "put") or any(
                p["in"] == "query" for p in operation.get("parameters", [])
            ):
                expected.add("400")
            for code in expected - codes:
                missing.append(f"{method.upper()} {path}: {code}")
            for code in codes & {"400", "401", "403", "404", "409", "429"}:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]
                assert ref == {"$ref": ERROR_REF}, (path, method, code)
    assert not missing, missing
    error = spec["components"]["schemas"]["Error"]["properties"]["error"]
    assert {"status", "code", "message", "request_id"} <= set(_resolve(spec, error)["required"])


def test_request_bodies_are_json_only(spec) -> None:
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            if "requestBody" in operation:
                assert set(operation["requestBody"]["content"]) == {"application/json"}, path


@pytest.mark.parametrize(
    "path,method",
    [
        ("/api/v1/search", "get"),
        ("/api/v1/demands/{id}/matches/", "get"),
        ("/api/v1/experts/{id}/matches/", "get"),
    ],
)
def test_limit_documents_its_bounds(spec, path, method) -> None:
    limit = _param(spec, path, method, "limit")
    assert (limit["minimum"], limit["maximum"]) == (1, 100)


def test_version_is_required_on_every_patch(spec) -> None:
    patches = [
        (path, op) for path, ops in spec["paths"].items() for m, op in ops.items() if m == "patch"
    ]
    assert len(patches) >= 8
    for path, operation in patches:
        body = _resolve(spec, operation["requestBody"]["content"]["application/json"]["schema"])
        assert "version" in body.get("required", []), path
        assert operation["requestBody"]["required"] is True, path


def test_stats_group_by_is_an_enumerated_list(spec) -> None:
    group_by = _param(spec, "/api/v1/stats/contracts", "get", "group_by")
    assert "field" in group_by["items"]["enum"] and group_by["maxItems"] == 2


# --- the views behind it -----------------------------------------------------------------------


@pytest.fixture
def anonymous(personas: Personas) -> Any:
    return personas.anonymous


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_empty_group_by_means_the_default_grouping(anonymous) -> None:
    response = anonymous.get("/api/v1/stats/contracts", {"group_by": ""})
    assert response.status_code == 200, response.content
    assert response.json()["group_by"] == ["field"]


def test_unknown_group_by_answers_400_naming_it(anonymous) -> None:
    error = _error(anonymous.get("/api/v1/stats/contracts", {"group_by": "colour"}), 400)
    assert "group_by" in error["fields"]


@pytest.mark.parametrize("region", ["999999", "99", "9999"])
def test_unknown_region_code_lists_nothing(anonymous, region) -> None:
    response = anonymous.get("/api/v1/achievements/", {"region": region})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


def test_organisation_list_by_province_prefix_does_not_fail(anonymous) -> None:
    response = anonymous.get("/api/v1/organisations/", {"region": "52"})
    assert response.status_code == 200, response.content
    assert response.json()["count"] >= 1


@pytest.mark.parametrize(
    "params,field",
    [
        ({"region": "abc"}, "region"),
        ({"trl": "x"}, "trl"),
        ({"sort": "random"}, "sort"),
        ({"org": "x"}, "org"),
        ({"page": "0"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
    ],
)
def test_bad_list_parameters_answer_400_naming_them(anonymous, params, field) -> None:
    error = _error(anonymous.get("/api/v1/achievements/", params), 400)
    assert field in error["fields"]


def test_limit_zero_answers_400_naming_limit(anonymous) -> None:
    error = _error(anonymous.get("/api/v1/search", {"limit": "0"}), 400)
    assert "limit" in error["fields"]


# --- version on PATCH (issue 9 item 6) ---------------------------------------------------------


def _draft(personas: Personas) -> dict[str, Any]:
    client = personas.client_for(personas.owner)
    response = client.post(
        "/api/v1/demands/",
        {"title": "需求", "technical_field": "new_materials"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_patch_without_version_is_refused_naming_the_field(personas) -> None:
    draft = _draft(personas)
    client = personas.client_for(personas.owner)
    response = client.patch(
        f"/api/v1/demands/{draft['id']}/", {"title": "改"}, content_type="application/json"
    )
    error = _error(response, 400)
    assert "version" in error["fields"]
    assert client.get(f"/api/v1/demands/{draft['id']}/").json()["title"] == "需求"


def test_patch_with_a_stale_version_is_409(personas) -> None:
    draft = _draft(personas)
    client = personas.client_for(personas.owner)
    url = f"/api/v1/demands/{draft['id']}/"
    ok = client.patch(url, {"title": "一", "version": draft["version"]}, "application/json")
    assert ok.status_code == 200, ok.content
    stale = client.patch(url, {"title": "二", "version": draft["version"]}, "application/json")
    assert _error(stale, 409)["code"] == "conflict"
    assert client.get(url).json()["title"] == "一"


def test_organisation_patch_without_version_is_refused(personas) -> None:
    client = personas.client_for(personas.owner)
    response = client.patch(
        f"/api/v1/organisations/{personas.org.pk}/",
        {"address": "A"},
        content_type="application/json",
    )
    assert "version" in _error(response, 400)["fields"]
    personas.org.refresh_from_db()
    assert personas.org.address != "A"
