"""The search and match endpoints as anonymous users, members and outsiders see them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from techbridge.matching.tests.test_matching import world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_search_api_public_results_and_facets(world, personas):  # noqa: F811
    client = personas.anonymous
    body = client.get("/api/v1/search", {"q": "锂离子电池", "facets": "1"}).json()
    ids = {(r["kind"], r["id"]) for r in body["results"]}
    assert ("achievement", world["battery"].pk) in ids
    assert ("achievement", world["draft"].pk) not in ids
    assert ("demand", world["draft_demand"].pk) not in ids
    assert body["facets"]["kind"] == {"achievement": 1, "lab": 1, "demand": 1}
    first = body["results"][0]
    assert set(first) >= {"kind", "id", "external_id", "title", "score", "why"}
    assert first["why"]["terms"]


@pytest.mark.parametrize("user", ["anonymous", "outsider", "owner"])
def test_confidential_detail_is_not_searchable_for_anyone(world, personas, user):  # noqa: F811
    client = (
        personas.anonymous if user == "anonymous" else personas.client_for(getattr(personas, user))
    )
    body = client.get("/api/v1/search", {"q": "绝密配方", "facets": "1"}).json()
    assert body["results"] == [] and body["count"] == 0
    text = client.get("/search/", {"q": "锂离子电池"}).content.decode()
    assert "绝密配方" not in text and "客户名单" not in text
    assert "锂电池回收草稿" not in text


@pytest.mark.parametrize("q", ["", "!!!", '"AND" OR (:-)', "-"])
def test_search_api_garbage_is_empty(world, personas, q):  # noqa: F811
    response = personas.anonymous.get("/api/v1/search", {"q": q})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_search_api_overlong_is_400(personas, fresh_search_index):
    response = personas.anonymous.get("/api/v1/search", {"q": "电" * 501})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["q"]


def test_match_api(world, personas):  # noqa: F811
    client = personas.anonymous
    body = client.post(
        "/api/v1/match",
        {"text": "锂离子电池正极材料", "kinds": ["achievement"], "limit": 3},
        content_type="application/json",
    ).json()
    assert body["results"][0]["id"] == world["battery"].pk
    assert body["results"][0]["why"]["signals"][0]["name"] == "text"
    assert (
        client.post("/api/v1/match", {"text": "？"}, content_type="application/json").json()[
            "results"
        ]
        == []
    )
    long = client.post("/api/v1/match", {"text": "电" * 5001}, content_type="application/json")
    assert long.status_code == 400
    bad = client.post(
        "/api/v1/match", {"text": "x", "kinds": ["nope"]}, content_type="application/json"
    )
    assert bad.status_code == 400


def test_demand_matches_follow_demand_visibility(world, personas):  # noqa: F811
    published = f"/api/v1/demands/{world['demand'].pk}/matches"
    draft = f"/api/v1/demands/{world['draft_demand'].pk}/matches"
    assert personas.anonymous.get(published).status_code == 200
    assert personas.anonymous.get(draft).status_code == 404
    assert personas.client_for(personas.outsider).get(draft).status_code == 404
    owner = personas.client_for(personas.owner).get(draft)
    assert owner.status_code == 200
    ids = {(r["kind"], r["id"]) for r in owner.json()["results"]}
    assert ("achievement", world["draft"].pk) not in ids  # results are published records only


def test_resource_matches_endpoint(world, personas):  # noqa: F811
    body = personas.anonymous.get(f"/api/v1/achievements/{world['battery'].pk}/matches").json()
    assert next(r["id"] for r in body["results"]) == world["demand"].pk
    assert "绝密" not in str(body)
    assert (
        personas.anonymous.get(f"/api/v1/achievements/{world['draft'].pk}/matches").status_code
        == 404
    )


def test_search_page_highlights_and_panel(world, personas):  # noqa: F811
    page = personas.anonymous.get("/search/", {"q": "鋰離子電池"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<mark>锂离子</mark>" in html or "<mark>锂离子电池</mark>" in html
    home = personas.anonymous.get("/").content.decode()
    assert 'action="/search/"' in home
    panel = personas.anonymous.get(f"/matching/demands/{world['demand'].pk}/panel/")
    assert panel.status_code == 200
    assert "<mark>正极材料</mark>" in panel.content.decode()
    hidden = personas.anonymous.get(f"/matching/demands/{world['draft_demand'].pk}/panel/")
    assert hidden.status_code == 404


def test_search_command_and_index_check(world, capsys):  # noqa: F811
    call_command("search", "锂离子电池", "--json", "--kind", "achievement")
    out = capsys.readouterr().out
    assert "锂离子动力电池正极材料" in out and "锂电池回收草稿" not in out
    call_command("index_check")
    assert "index matches" in capsys.readouterr().out
    from techbridge.search import indexing

    indexing.reset_index()
    with pytest.raises(SystemExit) as exit_info:
        call_command("index_check")
    assert exit_info.value.code == 1
    call_command("reindex", "--no-progress", "--workers", "2")
    call_command("index_check")
    assert "index matches" in capsys.readouterr().out
