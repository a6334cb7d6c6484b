"""Walk every URL pattern: anonymous users and outsiders never see a non-public page or a
record that is not theirs (RELIABILITY.md test case 12, issue 2 acceptance)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from techbridge.core.public_urls import public_namespaces, public_url_names
from techbridge.organisations.models import Organisation

pytestmark = pytest.mark.django_db

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns == "admin":
                continue  # the admin site is checked separately below
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern)


def _fill(route: str, private_pk: int) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")

    def value(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return str(private_pk) if converter == "int" else "x"

    return "/" + _CONVERTER.sub(value, route)


def _is_public(name: str) -> bool:
    return name in public_url_names() or name.split(":")[0] in public_namespaces()


def _all_routes() -> list[tuple[str, str]]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_covers_the_application() -> None:
    names = {name for name, _ in _all_routes()}
    assert {"organisations:edit", "audit:log", "accounts:users"} <= names


def test_anonymous_and_outsider_never_see_non_public_pages_or_hidden_records(personas) -> None:
    hidden = Organisation.objects.create(name="未核验企业", kind="enterprise", status="pending")
    outsider = personas.client_for(personas.outsider)
    checked = 0
    for name, route in _all_routes():
        url = _fill(route, hidden.pk)
        for who, client in (("anonymous", personas.anonymous), ("outsider", outsider)):
            response = client.get(url)
            status = response.status_code
            has_object = str(hidden.pk) in url
            if _is_public(name) and not has_object:
                continue
            if (
                who == "outsider"
                and not has_object
                and name in {"accounts:me", "accounts:password_change"}
            ):
                continue  # their own account pages
            allowed = {302, 401, 403, 404, 405}
            assert status in allowed, f"{who} got {status} for {name} {url}"
            if status == 302:
                assert "/login/" in response["Location"], f"{who} redirected for {name}"
            checked += 1
    assert checked > 10


def test_admin_site_refuses_anonymous_outsider_and_audit_admin(personas) -> None:
    assert personas.anonymous.get("/admin/").status_code == 302
    for user in (personas.outsider, personas.audit_admin):
        response = personas.client_for(user).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert personas.client_for(personas.system_admin).get("/admin/").status_code == 200
