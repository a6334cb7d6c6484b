"""Cross-cutting reliability cases from RELIABILITY.md that belong to the foundation."""

import logging

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory

from techbridge.core.middleware import RequestContextMiddleware
from techbridge.core.testing import PASSWORD
from techbridge.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_database_unavailable_answers_503_with_request_id_and_no_traceback() -> None:
    def broken_view(request):
        raise OperationalError("could not connect to server: Connection refused")

    middleware = RequestContextMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/organisations/")
    middleware(request)  # binds the request id
    response = middleware.process_exception(request, OperationalError("could not connect"))
    assert response is not None and response.status_code == 503
    body = response.content.decode()
    assert request.request_id in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert broken_view  # the view stands for any view hitting the database


def test_script_in_a_name_is_escaped_on_pages(personas) -> None:
    org = Organisation.objects.create(
        name="<script>alert(1)</script>恶意", kind="enterprise", status="verified"
    )
    for url in ("/organisations/", f"/organisations/{org.pk}/"):
        html = personas.anonymous.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_password_or_session_id_in_logs(personas, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    client.post("/accounts/login/", {"username": "owner", "password": "Wrong-Secret-123"})
    client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    session_id = client.cookies["sessionid"].value
    client.get("/accounts/me/")
    client.post("/accounts/logout/")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Wrong-Secret-123" not in logged
    assert PASSWORD not in logged
    assert session_id not in logged


def test_api_token_authentication_for_integrations(personas) -> None:
    from techbridge.accounts.tokens import token_create

    _token, key = token_create(actor=personas.owner, name="integration")
    client = Client()
    own = client.get(
        f"/api/v1/organisations/{personas.org.pk}/", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert own.status_code == 200
    assert own.json()["contact_phone"] == personas.org.contact_phone  # own data unmasked
    bad = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "authentication_failed"


def test_database_unavailable_under_the_api_answers_the_api_error_format(
    personas, monkeypatch
) -> None:
    """Issue 9 item 6: the 503 under /api/ was an HTML page."""
    from techbridge.organisations import selectors

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(selectors, "organisation_list", down)
    client = Client(raise_request_exception=False)
    client.force_login(personas.owner)
    response = client.get("/api/v1/organisations/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == 503 and error["code"] == "service_unavailable"
    assert error["request_id"] == response["X-Request-ID"]
    page = client.get("/organisations/")
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")


def test_pages_carry_a_content_security_policy_without_inline_script(personas) -> None:
    """Issue 9 item 6: there was no Content-Security-Policy."""
    import re
    from pathlib import Path

    response = personas.anonymous.get("/")
    policy = response["Content-Security-Policy"]
    script_src = policy.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    # Templates keep to it: no inline <script> body and no on…= event attributes.
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("**/templates/**/*.html")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"", path.read_text())
    ]
    assert offenders == []
    docs = personas.anonymous.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "<script>" not in docs.content.decode()
