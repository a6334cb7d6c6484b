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


def _refused(response, who: str, name: str, url: str) -> None:
    status = response.status_code
    assert status in {302, 401, 403, 404, 405}, f"{who} got {status} for {name} {url}"
    if status == 302:
        assert "/login/" in response["Location"], f"{who} redirected elsewhere for {name}"


def test_anonymous_never_sees_a_non_public_page_or_hidden_record(personas) -> None:
    hidden = Organisation.objects.create(name="未核验企业", kind="enterprise", status="pending")
    checked = 0
    for name, route in _all_routes():
        url = _fill(route, hidden.pk)
        if _is_public(name) and str(hidden.pk) not in url:
            continue
        _refused(personas.anonymous.get(url), "anonymous", name, url)
        checked += 1
    assert checked > 10


def test_outsider_never_sees_another_organisations_hidden_record(personas) -> None:
    """Every URL that names an object, given the id of a record the outsider may not see."""
    hidden = Organisation.objects.create(name="未核验企业", kind="enterprise", status="pending")
    outsider = personas.client_for(personas.outsider)
    checked = 0
    for name, route in _all_routes():
        url = _fill(route, hidden.pk)
        if str(hidden.pk) not in url:
            continue
        _refused(outsider.get(url), "outsider", name, url)
        checked += 1
    assert checked >= 2


def test_outsider_never_opens_pages_of_other_roles(personas) -> None:
    """Menu pages reserved for roles other than enterprise member refuse the outsider."""
    from django.urls import reverse

    from techbridge.core.public_urls import navigation_entries

    outsider = personas.client_for(personas.outsider)
    checked = 0
    for name, _label, roles, _order in navigation_entries():
        if roles is None or personas.outsider.role in roles:
            continue
        url = reverse(name)
        _refused(outsider.get(url), "outsider", name, url)
        checked += 1
    assert checked >= 3


def test_admin_site_refuses_anonymous_outsider_and_audit_admin(personas) -> None:
    assert personas.anonymous.get("/admin/").status_code == 302
    for user in (personas.outsider, personas.audit_admin):
        response = personas.client_for(user).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert personas.client_for(personas.system_admin).get("/admin/").status_code == 200
