"""/healthz and /readyz for load balancers (issue 10): public, cheap, JSON, 200 or 503."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(fresh_search_index):
    client = Client()
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor") as cursor:
        cursor.side_effect = OperationalError("database is gone")
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_reports_database_index_and_lag(catalogue):
    catalogue.published(title="高温超导带材", summary="钇钡铜氧")
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["index"]["ok"] is True
    assert body["index"]["documents"] == 1
    assert body["index"]["lag"] == 0
    assert body["index"]["cursor"] >= 1
    if apps.is_installed("techbridge.jobs"):
        assert body["jobs"]["ok"] is True and body["jobs"]["depth"] >= 0


def test_readyz_is_503_when_the_database_is_gone(fresh_search_index):
    client = Client()
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor") as cursor:
        cursor.side_effect = OperationalError("database is gone")
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is False
    assert "gone" not in response.content.decode()  # no internals for anonymous callers


def test_readyz_is_503_while_the_index_lags_far_behind(catalogue, settings):
    from techbridge.search.models import IndexChange

    catalogue.published(title="海上风电基础", summary="单桩")
    # A change this node has not applied for ten minutes (its follower is stuck).
    IndexChange.objects.create(
        kind="achievement", record_pk=999_999, created_at=timezone.now() - timedelta(minutes=10)
    )
    settings.SEARCH_READY_MAX_LAG_SECONDS = 120
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["index"]["lag"] == 1


def test_probes_are_not_redirected_for_staff_sessions(personas, settings, fresh_search_index):
    """A browser tab of a staff member without TOTP (or with an expired password) still
    gets the probe's JSON, not a redirect to the one-time-code page."""
    settings.STAFF_REQUIRE_TOTP = True
    client = personas.client_for(personas.staff)
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    personas.staff.password_changed_at = timezone.now() - timedelta(days=400)
    personas.staff.save(update_fields=["password_changed_at"])
    assert client.get("/healthz").status_code == 200


def test_probes_neither_expire_nor_extend_a_session(personas, settings, fresh_search_index):
    """A probe carrying an idle session's cookie answers 200 and leaves the session alone
    (no logout, no redirect, and it does not count as activity)."""
    client = personas.client_for(personas.owner)
    assert client.get("/accounts/me/").status_code == 200
    session = client.session
    session["_last_seen"] = session["_last_seen"] - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert client.session["_last_seen"] == session["_last_seen"]  # not touched
    assert client.get("/accounts/me/").status_code == 302  # the idle limit still applies
